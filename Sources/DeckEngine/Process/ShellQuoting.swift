import Foundation

/// Quoting helpers for showing commands and naming environment variables.
public enum ShellQuoting {
    /// `arg` quoted for a POSIX shell when it needs it.
    public static func quote(_ arg: String) -> String {
        let safe = arg.allSatisfy { $0.isLetter || $0.isNumber || "-_./=:@%+,".contains($0) }
        if safe && !arg.isEmpty { return arg }
        return "'" + arg.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    /// `max-depth` → `MAX_DEPTH`: a param name as an environment variable suffix.
    public static func environmentName(_ key: String) -> String {
        String(key.uppercased().map { $0.isLetter || $0.isNumber ? $0 : "_" })
    }
}
