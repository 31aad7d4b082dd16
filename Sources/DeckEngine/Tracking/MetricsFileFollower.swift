import Foundation
import DeckStore

/// Follows a metrics file as a child appends JSON lines to it: each ``poll()`` reads the bytes
/// added since the last one (``FileTail``) and parses the complete lines with a
/// ``MetricsLineReader`` (a partial last line waits; bad lines are skipped and reported).
public final class MetricsFileFollower: @unchecked Sendable {  // used by one thread at a time
    /// What one poll found.
    public typealias Batch = MetricsLineReader.Batch

    public let url: URL
    private var tail: FileTail
    private var reader: MetricsLineReader

    /// How many lines were skipped so far.
    public var skippedLines: Int { reader.skippedLines }

    /// Follows `url`; `knownParams` are the run's params already set (they may not change either).
    public init(url: URL, knownParams: [String: String] = [:]) {
        self.url = url
        tail = FileTail(path: url.path)
        reader = MetricsLineReader(knownParams: knownParams)
    }

    /// Reads and parses what was appended since the last call. `final` also parses a last line
    /// that has no newline.
    public func poll(final: Bool = false, now: Double = Date().timeIntervalSince1970) -> Batch {
        reader.read(tail.read(), final: final, now: now)
    }
}

/// The bytes appended to a file since the last read (nothing while it does not exist).
public struct FileTail: Sendable {
    public let path: String
    private var offset: UInt64 = 0

    public init(path: String) { self.path = path }

    /// What was appended since the last call.
    public mutating func read() -> Data {
        guard let handle = FileHandle(forReadingAtPath: path) else { return Data() }
        defer { try? handle.close() }
        var out = Data()
        try? handle.seek(toOffset: offset)
        while let data = try? handle.read(upToCount: 4 << 20), !data.isEmpty {
            offset += UInt64(data.count)
            out.append(data)
        }
        return out
    }
}
