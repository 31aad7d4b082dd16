import Foundation
import Crypto
#if canImport(Glibc)
import Glibc
#endif

/// An object id as four 64-bit words, most significant first, so that comparing words compares
/// digests byte by byte: the sort key of a pack index and its binary search.
struct PackKey: Hashable, Comparable, Sendable {
    let w0, w1, w2, w3: UInt64

    init(_ w0: UInt64, _ w1: UInt64, _ w2: UInt64, _ w3: UInt64) { (self.w0, self.w1, self.w2, self.w3) = (w0, w1, w2, w3) }

    /// The key of `id` (its 64 hex digits, which ``ObjectID`` guarantees).
    init(_ id: ObjectID) {
        var a: UInt64 = 0, b: UInt64 = 0, c: UInt64 = 0, d: UInt64 = 0, i = 0
        for digit in id.hex.utf8 {
            let nibble = UInt64(digit <= 57 ? digit &- 48 : digit &- 87)
            switch i >> 4 {
            case 0: a = a << 4 | nibble
            case 1: b = b << 4 | nibble
            case 2: c = c << 4 | nibble
            default: d = d << 4 | nibble
            }
            i += 1
        }
        self.init(a, b, c, d)
    }

    /// The object id this key stands for.
    var objectID: ObjectID {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8](); out.reserveCapacity(64)
        for word in [w0, w1, w2, w3] {
            for shift in stride(from: 60, through: 0, by: -4) { out.append(digits[Int((word >> UInt64(shift)) & 15)]) }
        }
        return ObjectID(madeHex: String(decoding: out, as: UTF8.self))
    }

    static func < (a: PackKey, b: PackKey) -> Bool { (a.w0, a.w1, a.w2, a.w3) < (b.w0, b.w1, b.w2, b.w3) }
}

/// Where a packed object's bytes are: `length` bytes at `offset` of the pack file at `pack`.
public struct PackLocation: Sendable {
    /// The pack file's path.
    public let pack: String
    public let offset: UInt64
    public let length: UInt64
    /// An open descriptor of a pack still being written (its file is renamed when it commits, so
    /// it is read through this, never by path); nil for a committed pack.
    let open: PackHandle?

    init(pack: String, offset: UInt64, length: UInt64, open: PackHandle? = nil) {
        (self.pack, self.offset, self.length, self.open) = (pack, offset, length, open)
    }
}

/// A read-only descriptor that closes when the last reference goes.
final class PackHandle: Sendable {
    let fd: Int32
    init(fd: Int32) { self.fd = fd }
    deinit { close(fd) }
}

/// One pack's index, `<name>.idx` beside `<name>.pack`: which objects the pack holds and where.
///
/// Layout (integers little-endian): the magic `MLDKPIX1`, the entry count (8 bytes), then one
/// 48-byte entry per object sorted by id — the 32 digest bytes, the offset and the length in the
/// pack (8 bytes each) — then the SHA-256 of everything before it. Lookups binary-search the
/// mapped file; the checksum is checked by `mldeck fsck` (a damaged index that still parses can
/// only point at wrong bytes, and every read re-hashes what it gets).
struct PackIndexFile: Sendable {
    static let magic = Array("MLDKPIX1".utf8)
    static let headerSize = 16
    static let entrySize = 48
    static let checksumSize = 32

    /// The whole file (mapped when loaded from disk).
    let data: Data
    let count: Int

    /// Validates the header and the size; nil when the file is not a pack index this build reads.
    init?(data: Data) {
        guard data.count >= Self.headerSize + Self.checksumSize,
              data.prefix(8).elementsEqual(Self.magic) else { return nil }
        let count = data.withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(fromByteOffset: 8, as: UInt64.self)) }
        guard count <= UInt64(data.count / Self.entrySize),
              data.count == Self.headerSize + Int(count) * Self.entrySize + Self.checksumSize else { return nil }
        self.data = data
        self.count = Int(count)
    }

    /// The offset and length of `key`'s bytes in the pack, or nil when the pack does not hold it.
    func lookup(_ key: PackKey) -> (offset: UInt64, length: UInt64)? {
        data.withUnsafeBytes { raw in
            var low = 0, high = count
            while low < high {
                let middle = (low + high) >> 1
                let candidate = Self.key(raw, middle)
                if candidate == key {
                    let at = Self.headerSize + middle * Self.entrySize + 32
                    return (UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: at, as: UInt64.self)),
                            UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: at + 8, as: UInt64.self)))
                }
                if candidate < key { low = middle + 1 } else { high = middle }
            }
            return nil
        }
    }

    /// Every entry, in id order.
    func entries() -> [(key: PackKey, offset: UInt64, length: UInt64)] {
        data.withUnsafeBytes { raw in
            (0..<count).map { i in
                let at = Self.headerSize + i * Self.entrySize + 32
                return (Self.key(raw, i), UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: at, as: UInt64.self)),
                        UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: at + 8, as: UInt64.self)))
            }
        }
    }

    /// True when the trailing SHA-256 matches the bytes before it and the ids are strictly sorted.
    func isIntact() -> Bool {
        let body = data.prefix(data.count - Self.checksumSize)
        guard Data(SHA256.hash(data: body)) == data.suffix(Self.checksumSize) else { return false }
        return data.withUnsafeBytes { raw in (1..<max(count, 1)).allSatisfy { Self.key(raw, $0 - 1) < Self.key(raw, $0) } }
    }

    private static func key(_ raw: UnsafeRawBufferPointer, _ i: Int) -> PackKey {
        let at = headerSize + i * entrySize
        return PackKey(UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: at, as: UInt64.self)),
                       UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: at + 8, as: UInt64.self)),
                       UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: at + 16, as: UInt64.self)),
                       UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: at + 24, as: UInt64.self)))
    }

    /// The index file of `entries` (sorted here; each key once).
    static func encode(_ entries: [(key: PackKey, offset: UInt64, length: UInt64)]) -> Data {
        let sorted = entries.sorted { $0.key < $1.key }
        var out = Data(capacity: headerSize + sorted.count * entrySize + checksumSize)
        out.append(contentsOf: magic)
        append(UInt64(sorted.count).littleEndian, to: &out)
        for e in sorted {
            for word in [e.key.w0, e.key.w1, e.key.w2, e.key.w3] { append(word.bigEndian, to: &out) }
            append(e.offset.littleEndian, to: &out)
            append(e.length.littleEndian, to: &out)
        }
        out.append(contentsOf: SHA256.hash(data: out))
        return out
    }

    private static func append(_ value: UInt64, to out: inout Data) {
        withUnsafeBytes(of: value) { out.append(contentsOf: $0) }
    }
}
