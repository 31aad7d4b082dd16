import Foundation

/// Splits a command line into arguments as a POSIX shell would for plain words and quotes
/// (no variables, globs or redirections: use `shell: true` for those).
public enum CommandLineSplitter {
    /// Why a command line cannot be split.
    public struct Problem: Error, CustomStringConvertible {
        public var description: String
    }

    /// The arguments of `line`.
    /// - Throws: ``Problem`` for an unclosed quote, a trailing backslash or an empty command.
    public static func split(_ line: String) throws -> [String] {
        var args: [String] = [], current = "", inWord = false
        var quote: Character?
        var escape = false, pendingBackslash = false
        for c in line {
            if escape { current.append(c); escape = false; inWord = true; continue }
            if let q = quote {
                if pendingBackslash {
                    // In double quotes a backslash escapes only a double quote, a backslash, `$` and a backquote (POSIX).
                    if !"\"\\$`".contains(c) { current.append("\\") }
                    current.append(c); pendingBackslash = false
                } else if c == q { quote = nil }
                else if c == "\\" && q == "\"" { pendingBackslash = true }
                else { current.append(c) }
                continue
            }
            switch c {
            case "\\": escape = true
            case "'", "\"": quote = c; inWord = true
            case " ", "\t", "\n":
                if inWord { args.append(current); current = ""; inWord = false }
            default: current.append(c); inWord = true
            }
        }
        if quote != nil { throw Problem(description: "unclosed quote in command: \(line)") }
        if escape { throw Problem(description: "a backslash ends the command with nothing to escape: \(line)") }
        if inWord { args.append(current) }
        guard !args.isEmpty else { throw Problem(description: "empty command") }
        return args
    }
}
