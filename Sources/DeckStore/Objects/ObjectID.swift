import Foundation
import Crypto

/// The SHA-256 of an object's bytes, as 64 lowercase hex digits.
public struct ObjectID: Hashable, Sendable, Codable, CustomStringConvertible, Comparable {
    /// 64 lowercase hex digits.
    public let hex: String

    /// Wraps a hex digest; returns nil unless it is 64 hex digits.
    public init?(hex: String) {
        let lower = hex.lowercased()
        guard lower.utf8.count == 64, lower.utf8.allSatisfy({ ($0 >= 48 && $0 <= 57) || ($0 >= 97 && $0 <= 102) }) else { return nil }
        self.hex = lower
    }

    init(digest: SHA256.Digest) {
        self.hex = digest.hexString
    }

    /// Wraps 64 lowercase hex digits the caller made (a pack index's key); not checked again.
    init(madeHex: String) { self.hex = madeHex }

    /// The id of `data`.
    public static func of(_ data: some DataProtocol) -> ObjectID {
        ObjectID(digest: SHA256.hash(data: data))
    }

    public var description: String { hex }
    public static func < (a: ObjectID, b: ObjectID) -> Bool { a.hex < b.hex }

    public init(from decoder: Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let id = ObjectID(hex: text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not a SHA-256 hex digest: \(text)"))
        }
        self = id
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(hex)
    }
}

extension Digest {
    /// Lowercase hex of the digest bytes.
    var hexString: String {
        let digits: [UInt8] = Array("0123456789abcdef".utf8)
        var out = [UInt8](); out.reserveCapacity(Self.byteCount * 2)
        for byte in self { out.append(digits[Int(byte >> 4)]); out.append(digits[Int(byte & 15)]) }
        return String(decoding: out, as: UTF8.self)
    }
}

/// SHA-256 over bytes given piece by piece; `finalize()` gives the ``ObjectID`` of them all.
public struct ObjectHasher {
    private var hasher = SHA256()

    public init() {}

    /// Adds the next bytes.
    public mutating func update(_ bytes: UnsafeRawBufferPointer) { hasher.update(bufferPointer: bytes) }

    /// The id of every byte added.
    public func finalize() -> ObjectID { ObjectID(digest: hasher.finalize()) }
}
