import Foundation

/// One chunk of a file: the object holding its bytes and its length.
public struct ChunkRef: Hashable, Sendable, Codable {
    /// The SHA-256 of the chunk's bytes (its object id).
    public var id: ObjectID
    /// Its length in bytes.
    public var size: Int64

    public init(id: ObjectID, size: Int64) {
        self.id = id
        self.size = size
    }
}

/// How a stored file is reassembled: its chunks in order.
///
/// **Content hash of a file** (the hash a version is named by, `NAME@sha256:…`):
/// - a file of one chunk (every file up to 16 KiB, most up to 256 KiB, and the empty file) is stored
///   as one object, and its hash is the SHA-256 of its bytes (what `sha256sum` prints);
/// - a file of several chunks is described by a *recipe* object, the UTF-8 text
///   `"mldeck-recipe 1\n"` followed by one line `"<chunk sha256 hex> <chunk length>\n"` per chunk in
///   file order; its hash is the SHA-256 of that text (the recipe's object id).
/// Both are derived from the chunk hashes computed in the one hashing pass, and both are reproducible
/// in another clone because chunk boundaries are (see ``ContentChunker``).
public struct FileRecipe: Equatable, Sendable {
    /// The chunks in file order (at least one; an empty file is one empty chunk).
    public var chunks: [ChunkRef]

    public init(chunks: [ChunkRef]) {
        self.chunks = chunks
    }

    /// The file's length.
    public var size: Int64 { chunks.reduce(0) { $0 + $1.size } }

    /// True when the file is stored as a single object (its hash is the hash of its bytes).
    public var isSingleObject: Bool { chunks.count == 1 }

    /// The recipe text (see the type's documentation).
    public var text: Data {
        var out = "mldeck-recipe 1\n"
        out.reserveCapacity(16 + chunks.count * 80)
        for c in chunks { out += c.id.hex; out += " "; out += String(c.size); out += "\n" }
        return Data(out.utf8)
    }

    /// The file's content hash.
    public var contentHash: ObjectID { isSingleObject ? chunks[0].id : ObjectID.of(text) }

    /// Parses a recipe object's text.
    public static func parse(_ data: Data, id: ObjectID) throws -> FileRecipe {
        let text = String(decoding: data, as: UTF8.self)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.first == "mldeck-recipe 1", lines.last == "" else { throw DatasetError.malformedObject(id: id, kind: "recipe", reason: "bad header or ending") }
        lines.removeFirst(); lines.removeLast()
        var chunks: [ChunkRef] = []
        chunks.reserveCapacity(lines.count)
        for (n, line) in lines.enumerated() {
            let parts = line.split(separator: " ")
            guard parts.count == 2, let chunk = ObjectID(hex: String(parts[0])), let size = Int64(parts[1]), size >= 0 else {
                throw DatasetError.malformedObject(id: id, kind: "recipe", reason: "line \(n + 2) is not '<sha256> <size>'")
            }
            chunks.append(ChunkRef(id: chunk, size: size))
        }
        guard chunks.count > 1 else { throw DatasetError.malformedObject(id: id, kind: "recipe", reason: "fewer than two chunks") }
        return FileRecipe(chunks: chunks)
    }
}
