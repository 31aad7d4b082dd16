/// Where the UI loop gets keys and the screen size: the real terminal (``TerminalSession``) or a
/// scripted source in tests.
@MainActor
public protocol InputSource: AnyObject {
    /// The current screen size in cells.
    var size: Size { get }
    /// Waits up to `timeoutMilliseconds` for a key; nil on timeout. The wait must stay short: the
    /// loop runs on the main actor, and other main-actor work runs only between waits.
    func readKey(timeoutMilliseconds: Int32) -> Key?
    /// A quit signal (SIGINT, SIGTERM, SIGHUP) that arrived, or 0.
    var pendingQuitSignal: Int32 { get }
    /// True once no input can ever arrive (the terminal closed).
    var terminalLost: Bool { get }
}

extension TerminalSession: InputSource {}
