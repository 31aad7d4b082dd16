import Foundation

/// One parsed record (row) of a table file: its fields as byte ranges.
///
/// A record is a view into the reader's buffer and is valid only during the callback that
/// receives it: copy what you need (`string(_:)` makes a `String`).
public struct TableRecord {
    /// Number of fields.
    public let count: Int
    /// Byte offset in the file where the record starts.
    public let offset: Int64
    /// 1-based line number where the record starts.
    public let line: Int
    @usableFromInline let base: UnsafePointer<UInt8>
    @usableFromInline let starts: UnsafePointer<Int>
    @usableFromInline let lens: UnsafePointer<Int>

    @usableFromInline
    init(count: Int, offset: Int64, line: Int, base: UnsafePointer<UInt8>,
         starts: UnsafePointer<Int>, lens: UnsafePointer<Int>) {
        self.count = count
        self.offset = offset
        self.line = line
        self.base = base
        self.starts = starts
        self.lens = lens
    }

    /// The bytes (UTF-8, quotes removed) of field `i`.
    @inlinable
    public func bytes(_ i: Int) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(start: base + starts[i], count: lens[i])
    }

    /// The length in bytes of field `i`.
    @inlinable
    public func length(_ i: Int) -> Int { lens[i] }

    /// Field `i` as a `String`.
    public func string(_ i: Int) -> String { String(decoding: bytes(i), as: UTF8.self) }

    /// All fields as `String`s.
    public func strings() -> [String] { (0..<count).map(string) }
}

/// Receives records from a reader lane. One sink instance per lane; a lane processes its
/// segments in increasing `id` order, and segment ids order the file.
protocol RecordSink: AnyObject, SendableMetatype {
    /// Called before the records of segment `id`.
    func beginSegment(_ id: Int)
    /// Called for every well-formed record.
    func consume(_ record: TableRecord)
}
