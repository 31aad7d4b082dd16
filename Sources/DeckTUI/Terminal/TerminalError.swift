/// Why the dashboard could not take over the terminal.
public enum TerminalError: Error, CustomStringConvertible, Equatable {
    case notATerminal
    case unknownTerminalType(String)

    public var description: String {
        switch self {
        case .notATerminal:
            return "the dashboard needs a terminal: standard input and output must be a tty (use the CLI commands in scripts)"
        case .unknownTerminalType(let t):
            return "cannot use terminal type '\(t)' (no terminfo entry); try TERM=xterm-256color"
        }
    }
}
