/// Dataset names: 1–128 characters of letters, digits, `.`, `_` and `-`, starting with a letter or
/// digit (so no path separators, no `@`, no spaces, never `.` or `..`).
public enum DatasetName {
    /// Throws ``DatasetError/invalidName(_:reason:)`` when `name` is not allowed.
    public static func validate(_ name: String) throws {
        guard !name.isEmpty else { throw DatasetError.invalidName(name, reason: "it is empty") }
        guard name.utf8.count <= 128 else { throw DatasetError.invalidName(name, reason: "longer than 128 characters") }
        if name.contains("/") || name.contains("\\") { throw DatasetError.invalidName(name, reason: "no path separators ('/' or '\\') allowed") }
        if name.contains("@") { throw DatasetError.invalidName(name, reason: "'@' separates a name from a version (NAME@3)") }
        guard let first = name.unicodeScalars.first, isAlphanumeric(first) else {
            throw DatasetError.invalidName(name, reason: "it must start with a letter or a digit")
        }
        for s in name.unicodeScalars where !(isAlphanumeric(s) || s == "." || s == "_" || s == "-") {
            throw DatasetError.invalidName(name, reason: "character '\(s)' is not allowed (use letters, digits, '.', '_' and '-')")
        }
    }

    static func isAlphanumeric(_ s: Unicode.Scalar) -> Bool {
        (s >= "a" && s <= "z") || (s >= "A" && s <= "Z") || (s >= "0" && s <= "9")
    }
}
