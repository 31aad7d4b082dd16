import Foundation

/// Follows a growing log file: reads the last part at first, then only what was appended.
/// Keeps at most ``maxLines`` lines.
public final class LogTail {
    public let url: URL
    public let maxLines: Int
    public private(set) var lines: [String] = []
    private var offset: UInt64 = 0
    private var partial = ""

    public init(url: URL, maxLines: Int = 20_000) {
        self.url = url; self.maxLines = maxLines
    }

    /// Reads what was appended since the last call. Returns whether lines were added.
    @discardableResult
    public func poll() -> Bool {
        guard let handle = try? FileHandle(forReadingFrom: url) else { return false }
        defer { try? handle.close() }
        guard let size = try? handle.seekToEnd() else { return false }
        if size < offset { offset = 0; lines = []; partial = "" }   // truncated or replaced
        guard size > offset else { return false }
        // On the first read of a big file, start 1 MiB from the end.
        if offset == 0 && size > 1 << 20 { offset = size - (1 << 20) }
        try? handle.seek(toOffset: offset)
        guard let data = try? handle.readToEnd(), !data.isEmpty else { return false }
        offset += UInt64(data.count)
        let text = partial + String(decoding: data, as: UTF8.self)
        var parts = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        partial = parts.removeLast()
        lines += parts.map { $0.replacingOccurrences(of: "\r", with: "") }
        if lines.count > maxLines { lines.removeFirst(lines.count - maxLines) }
        return !parts.isEmpty
    }
}
