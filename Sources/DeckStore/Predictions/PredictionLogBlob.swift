import Foundation

/// The binary blobs of the prediction log (schema version 3, see ``PredictionLog``). Written by
/// hand, little-endian, and read back with bounds checks (a damaged blob decodes to nil):
///
/// - *varint*: an unsigned LEB128 integer (7 bits a byte, low bits first).
/// - *doubles*: `n` IEEE 754 doubles of 8 bytes each, NaN for a missing value; a blob of them
///   has no count (its length says it: `8 n` bytes).
/// - *strings*: varint `n`, then per value varint `length + 1` (0 for a missing value) and that
///   many bytes of UTF-8.
/// - *number lists*: varint `n`, then per row varint `count + 1` (0 for none) and `count` doubles.
/// - *inputs*: byte `1` (the format), varint column count, then per column its name (varint
///   length and UTF-8), a kind byte (`0` numbers, `1` text), and its values: varint `n` and
///   `n` doubles, or *strings*.
/// - *id runs*: varint run count, then per run the prefix (varint length and UTF-8), varint
///   `first_counter + 1` and varint row count (see ``PredictionIDRun``).
enum PredictionLogBlob {
    static let inputsFormat: UInt8 = 1

    // The writers take a count and a value per index, so a batch's blobs are written straight
    // from its rows, with no array of the column in between.

    /// *doubles* of `count` values (no count written).
    static func doubles(count: Int, _ value: (Int) -> Double) -> Data {
        var out = BlobWriter(capacity: count * 8)
        for k in 0..<count { out.rawDouble(value(k)) }
        return out.data
    }

    /// *strings* of `count` values, the `k`-th given by `value(k)`.
    static func strings(count: Int, _ value: (Int) -> String?) -> Data {
        var out = BlobWriter(capacity: 4 + count * 8)
        out.varint(UInt64(count))
        for k in 0..<count { out.optionalString(value(k)) }
        return out.data
    }

    static func strings(_ values: [String?]) -> Data { strings(count: values.count) { values[$0] } }

    /// *number lists* of `count` rows, the `k`-th given by `row(k)`; ±∞ and NaN are stored as NaN.
    static func numberLists(count: Int, _ row: (Int) -> [Double]?) -> Data {
        var out = BlobWriter(capacity: 4 + count * 20)
        out.varint(UInt64(count))
        for k in 0..<count {
            guard let values = row(k) else { out.varint(0); continue }
            out.varint(UInt64(values.count) + 1)
            for v in values { out.rawDouble(v.isFinite ? v : .nan) }
        }
        return out.data
    }

    static func inputs(_ columns: [LoggedColumn]) -> Data {
        let rows = columns.first?.values.count ?? 0
        var out = BlobWriter(capacity: 16 + columns.count * (24 + rows * 8))
        out.byte(inputsFormat)
        out.varint(UInt64(columns.count))
        for column in columns {
            out.string(column.name)
            switch column.values {
            case .numbers(let v):
                out.byte(0); out.varint(UInt64(v.count)); out.rawDoubles(v)
            case .text(let v):
                out.byte(1); out.strings(v)
            }
        }
        return out.data
    }

    static func idRuns(_ runs: [PredictionIDRun]) -> Data {
        var out = BlobWriter(capacity: 2 + runs.count * 24)
        out.varint(UInt64(runs.count))
        for run in runs {
            out.string(run.prefix)
            out.varint(UInt64(run.firstCounter + 1))
            out.varint(UInt64(run.count))
        }
        return out.data
    }
}

extension PredictionLogBlob {
    static func decodeDoubles(_ data: Data) -> [Double]? {
        guard data.count % 8 == 0 else { return nil }
        var reader = BlobReader(data)
        return reader.rawDoubles(data.count / 8)
    }

    static func decodeStrings(_ data: Data) -> [String?]? {
        var reader = BlobReader(data)
        return reader.strings()
    }

    static func decodeNumberLists(_ data: Data) -> [[Double]?]? {
        var reader = BlobReader(data)
        guard let n = reader.count() else { return nil }
        var out: [[Double]?] = []
        out.reserveCapacity(n)
        for _ in 0..<n {
            guard let k = reader.varint() else { return nil }
            if k == 0 { out.append(nil); continue }
            guard k - 1 <= UInt64(reader.remaining / 8), let row = reader.rawDoubles(Int(k - 1)) else { return nil }
            out.append(row)
        }
        return out
    }

    static func decodeInputs(_ data: Data) -> [LoggedColumn]? {
        var reader = BlobReader(data)
        guard reader.byte() == inputsFormat, let n = reader.count() else { return nil }
        var out: [LoggedColumn] = []
        for _ in 0..<n {
            guard let name = reader.string(), let kind = reader.byte() else { return nil }
            switch kind {
            case 0:
                guard let count = reader.count(), count <= reader.remaining / 8, let v = reader.rawDoubles(count) else { return nil }
                out.append(LoggedColumn(name: name, values: .numbers(v)))
            case 1:
                guard let v = reader.strings() else { return nil }
                out.append(LoggedColumn(name: name, values: .text(v)))
            default:
                return nil
            }
        }
        return out
    }

    static func decodeIDRuns(_ data: Data) -> [PredictionIDRun]? {
        var reader = BlobReader(data)
        guard let n = reader.count() else { return nil }
        var out: [PredictionIDRun] = []
        for _ in 0..<n {
            guard let prefix = reader.string(), let first = reader.varint(), first <= UInt64(Int64.max),
                  let count = reader.varint(), count <= UInt64(Int32.max) else { return nil }
            out.append(PredictionIDRun(prefix: prefix, firstCounter: Int64(first) - 1, count: Int(count)))
        }
        return out
    }
}

/// Appends the pieces of a blob to a byte buffer.
struct BlobWriter {
    private(set) var bytes: [UInt8] = []

    init(capacity: Int) { bytes.reserveCapacity(capacity) }

    var data: Data { Data(bytes) }

    mutating func byte(_ b: UInt8) { bytes.append(b) }

    mutating func varint(_ value: UInt64) {
        var v = value
        while v >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }

    mutating func string(_ s: String) {
        var s = s
        s.withUTF8 { utf8 in
            varint(UInt64(utf8.count))
            bytes.append(contentsOf: utf8)
        }
    }

    mutating func strings(_ values: [String?]) {
        varint(UInt64(values.count))
        for value in values { optionalString(value) }
    }

    /// Varint `length + 1` (0 for nil) and the UTF-8 bytes. A native string's bytes are read in
    /// place (`withContiguousStorageIfAvailable`), without the copy `withUTF8` needs a `var` for.
    mutating func optionalString(_ value: String?) {
        guard let value else { varint(0); return }
        let done: Void? = value.utf8.withContiguousStorageIfAvailable { utf8 in
            varint(UInt64(utf8.count) + 1)
            bytes.append(contentsOf: utf8)
        }
        if done == nil {
            let utf8 = Array(value.utf8)
            varint(UInt64(utf8.count) + 1)
            bytes.append(contentsOf: utf8)
        }
    }

    /// One double's little-endian bytes.
    mutating func rawDouble(_ value: Double) {
        withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes.append(contentsOf: $0) }
    }

    /// The doubles' little-endian bytes, without a count.
    mutating func rawDoubles(_ values: [Double]) {
        #if _endian(little)
        values.withUnsafeBytes { bytes.append(contentsOf: $0) }
        #else
        for v in values { withUnsafeBytes(of: v.bitPattern.littleEndian) { bytes.append(contentsOf: $0) } }
        #endif
    }
}

/// Reads the pieces of a blob; every read returns nil past the end (a damaged blob).
struct BlobReader {
    private let data: Data
    private var offset: Int

    init(_ data: Data) { self.data = data; offset = data.startIndex }

    var remaining: Int { data.endIndex - offset }

    mutating func byte() -> UInt8? {
        guard offset < data.endIndex else { return nil }
        defer { offset += 1 }
        return data[offset]
    }

    mutating func varint() -> UInt64? {
        var value: UInt64 = 0, shift: UInt64 = 0
        while shift < 64 {
            guard let b = byte() else { return nil }
            value |= UInt64(b & 0x7F) << shift
            if b < 0x80 { return value }
            shift += 7
        }
        return nil
    }

    /// A varint that counts items still to come (each at least one byte): nil when it cannot.
    mutating func count() -> Int? {
        guard let n = varint(), n <= UInt64(remaining) else { return nil }
        return Int(n)
    }

    mutating func bytes(_ n: Int) -> Data? {
        guard n >= 0, n <= remaining else { return nil }
        defer { offset += n }
        return data[offset..<(offset + n)]
    }

    mutating func string() -> String? {
        guard let n = varint(), n <= UInt64(remaining), let utf8 = bytes(Int(n)) else { return nil }
        return String(decoding: utf8, as: UTF8.self)
    }

    mutating func strings() -> [String?]? {
        guard let n = count() else { return nil }
        var out: [String?] = []
        out.reserveCapacity(n)
        for _ in 0..<n {
            guard let k = varint() else { return nil }
            if k == 0 { out.append(nil); continue }
            guard k - 1 <= UInt64(remaining), let utf8 = bytes(Int(k - 1)) else { return nil }
            out.append(String(decoding: utf8, as: UTF8.self))
        }
        return out
    }

    mutating func rawDoubles(_ n: Int) -> [Double]? {
        guard n >= 0, n <= remaining / 8 else { return nil }
        let start = offset
        offset += n * 8
        return data.withUnsafeBytes { raw in
            let base = start - data.startIndex
            return (0..<n).map { i in Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: base + i * 8, as: UInt64.self))) }
        }
    }
}
