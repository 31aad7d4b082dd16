import Foundation

/// The content of a directory version: every regular file's relative path, size and content hash.
///
/// Stored as an object, the UTF-8 text `"mldeck-manifest 1\n"` followed by one line per file,
/// sorted by path (byte order): `"<o|r> <sha256 hex> <size> <path>\n"`, where `o` means the hash is
/// the file's single object (the SHA-256 of its bytes) and `r` a recipe (``FileRecipe``); paths use
/// `/` and escape `\` as `\\`, newline as `\n` and carriage return as `\r`. The directory's content
/// hash is the SHA-256 of this text.
public struct DirectoryManifest: Equatable, Sendable {
    /// One file of the directory.
    public struct Entry: Equatable, Sendable, Codable {
        /// Relative path with `/` separators.
        public var path: String
        /// Length in bytes.
        public var size: Int64
        /// The file's content hash (see ``FileRecipe``).
        public var hash: ObjectID
        /// True when `hash` names a recipe object (a file of several chunks).
        public var isRecipe: Bool

        public init(path: String, size: Int64, hash: ObjectID, isRecipe: Bool) {
            self.path = path; self.size = size; self.hash = hash; self.isRecipe = isRecipe
        }
    }

    /// Files sorted by path.
    public var entries: [Entry]

    public init(entries: [Entry]) {
        self.entries = entries.map { (key: Array($0.path.utf8), entry: $0) }
            .sorted { $0.key.lexicographicallyPrecedes($1.key) }
            .map(\.entry)
    }

    /// The manifest text.
    public var text: Data {
        var out = "mldeck-manifest 1\n"
        for e in entries {
            out += e.isRecipe ? "r " : "o "
            out += e.hash.hex; out += " "; out += String(e.size); out += " "
            out += Self.escape(e.path); out += "\n"
        }
        return Data(out.utf8)
    }

    /// The directory's content hash.
    public var contentHash: ObjectID { ObjectID.of(text) }

    /// Total bytes of the files.
    public var totalSize: Int64 { entries.reduce(0) { $0 + $1.size } }

    /// Parses a manifest object, refusing paths that could escape an export folder.
    public static func parse(_ data: Data, id: ObjectID) throws -> DirectoryManifest {
        let text = String(decoding: data, as: UTF8.self)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.first == "mldeck-manifest 1", lines.last == "" else {
            throw DatasetError.malformedObject(id: id, kind: "manifest", reason: "bad header or ending")
        }
        lines.removeFirst(); lines.removeLast()
        var entries: [Entry] = []
        entries.reserveCapacity(lines.count)
        for (n, line) in lines.enumerated() {
            let parts = line.split(separator: " ", maxSplits: 3, omittingEmptySubsequences: false)
            guard parts.count == 4, parts[0] == "o" || parts[0] == "r", let hash = ObjectID(hex: String(parts[1])),
                  let size = Int64(parts[2]), size >= 0 else {
                throw DatasetError.malformedObject(id: id, kind: "manifest", reason: "line \(n + 2) is not '<o|r> <sha256> <size> <path>'")
            }
            let path = unescape(String(parts[3]))
            try validateRelativePath(path)
            entries.append(Entry(path: path, size: size, hash: hash, isRecipe: parts[0] == "r"))
        }
        return DirectoryManifest(entries: entries)
    }

    /// Throws ``DatasetError/unsafePath(_:)`` unless `path` is relative and stays inside its folder.
    public static func validateRelativePath(_ path: String) throws {
        if path.isEmpty || path.hasPrefix("/") || path.contains("\0") { throw DatasetError.unsafePath(path) }
        for part in path.split(separator: "/", omittingEmptySubsequences: false) where part.isEmpty || part == "." || part == ".." {
            throw DatasetError.unsafePath(path)
        }
    }

    static func escape(_ path: String) -> String {
        guard path.unicodeScalars.contains(where: { $0 == "\\" || $0 == "\n" || $0 == "\r" }) else { return path }
        var out = String.UnicodeScalarView()
        for s in path.unicodeScalars {
            switch s {
            case "\\": out.append(contentsOf: "\\\\".unicodeScalars)
            case "\n": out.append(contentsOf: "\\n".unicodeScalars)
            case "\r": out.append(contentsOf: "\\r".unicodeScalars)
            default: out.append(s)
            }
        }
        return String(out)
    }

    static func unescape(_ text: String) -> String {
        guard text.unicodeScalars.contains("\\") else { return text }
        var out = String.UnicodeScalarView()
        var escaped = false
        for s in text.unicodeScalars {
            if escaped {
                out.append(s == "n" ? "\n" : s == "r" ? "\r" : s)
                escaped = false
            } else if s == "\\" {
                escaped = true
            } else {
                out.append(s)
            }
        }
        return String(out)
    }
}
