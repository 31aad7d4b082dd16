import DeckStore

/// Builds JSON text by hand: answers are made on every request, so no `Encoder` and no
/// intermediate dictionaries.
///
/// The text grows as UTF-8 bytes, not as a `String`: appending to a `String` re-checks its
/// capacity and updates its ASCII and count flags on every call, which made about a fifth of
/// `runs/search`'s time for a page of 1,000 runs (1.1 MB of JSON) in a release build; appending a
/// native string's UTF-8 to a byte array is one `memcpy`.
public struct JSONText: Sendable {
    /// The UTF-8 bytes written so far.
    public private(set) var bytes: [UInt8]

    public init() { bytes = []; bytes.reserveCapacity(256) }

    /// Room for `capacity` bytes up front (a large answer then never regrows and copies itself).
    public init(capacity: Int) { bytes = []; bytes.reserveCapacity(max(256, capacity)) }

    /// The text written so far.
    public var text: String { String(decoding: bytes, as: UTF8.self) }

    /// A JSON string literal for `s`.
    public static func quoted(_ s: String) -> String { JSONStringLiteral.quoted(s) }

    /// A JSON number for `v` (`null` for NaN and infinities, which JSON cannot hold).
    public static func number(_ v: Double) -> String { v.isFinite ? "\(v)" : "null" }

    public mutating func raw(_ s: String) { append(s) }

    /// Appends what `other` has written.
    public mutating func append(_ other: JSONText) { bytes.append(contentsOf: other.bytes) }

    /// Appends the UTF-8 bytes of `s` (one copy of a native string's storage when it has one).
    private mutating func append(_ s: String) {
        let copied: Void? = s.utf8.withContiguousStorageIfAvailable { bytes.append(contentsOf: $0) }
        if copied == nil { bytes.append(contentsOf: s.utf8) }
    }

    /// Appends `s` as a JSON string (in place: no intermediate string for the usual plain text).
    public mutating func string(_ s: String) {
        if JSONStringLiteral.isPlain(s) {
            bytes.append(0x22); append(s); bytes.append(0x22)
        } else {
            raw(Self.quoted(s))
        }
    }

    public mutating func key(_ k: String) { string(k); bytes.append(0x3A) }

    /// `["a","b"]`.
    public mutating func strings(_ values: [String]) {
        bytes.append(0x5B)
        for (i, v) in values.enumerated() { if i > 0 { bytes.append(0x2C) }; string(v) }
        bytes.append(0x5D)
    }

    /// `[1.5,2]`.
    public mutating func numbers(_ values: [Double]) {
        bytes.append(0x5B)
        for (i, v) in values.enumerated() { if i > 0 { bytes.append(0x2C) }; raw(Self.number(v)) }
        bytes.append(0x5D)
    }
}
