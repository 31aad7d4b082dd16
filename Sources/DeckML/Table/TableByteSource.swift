import DeckInput
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Where a table reader gets a file's bytes: read once, in order, from the start.
///
/// Readers open the file's path by default (``FileByteSource``); `TableReadOptions.byteSource` gives
/// them another source, such as the chunks a dataset version was stored as, so that what is profiled
/// is exactly what was stored.
public protocol TableByteSource: AnyObject {
    /// Reads up to `count` bytes into `buffer`; returns how many, 0 at the end.
    func read(into buffer: UnsafeMutableRawPointer, count: Int) throws -> Int
}

/// Opens the byte source for `path` (called once per pass over the file).
public typealias TableByteSourceOpener = @Sendable (_ path: String) throws -> any TableByteSource

/// A regular file on disk, opened without blocking on a FIFO (`InputFile`) and read with `read(2)`.
public final class FileByteSource: TableByteSource {
    let fd: Int32
    let path: String

    /// Opens `path`; a FIFO, device, socket or folder is refused with the path named.
    public init(path: String) throws {
        do {
            fd = try InputFile.openForReading(path)
        } catch InputFileError.notRegular(_, let kind) {
            throw TableParseError.unreadable(file: path, reason: "it is \(kind), not a regular file")
        } catch InputFileError.notFound {
            throw TableParseError.unreadable(file: path, reason: String(cString: strerror(ENOENT)))
        } catch InputFileError.unreadable(_, let reason) {
            throw TableParseError.unreadable(file: path, reason: reason)
        }
        self.path = path
    }

    deinit { close(fd) }

    public func read(into buffer: UnsafeMutableRawPointer, count: Int) throws -> Int {
        while true {
            let n = Glibc.read(fd, buffer, count)
            if n >= 0 { return n }
            if errno == EINTR { continue }
            throw TableParseError.unreadable(file: path, reason: String(cString: strerror(errno)))
        }
    }
}

extension TableReadOptions {
    /// The byte source for `path`: `byteSource` when set, else the file itself.
    func openSource(path: String) throws -> any TableByteSource {
        if let byteSource { return try byteSource(path) }
        return try FileByteSource(path: path)
    }
}

/// Bytes already in memory (a request body, a fuzz input) as a ``TableByteSource``.
public final class MemoryByteSource: TableByteSource {
    private let data: Data
    private var offset = 0

    public init(_ data: Data) { self.data = data }

    public func read(into buffer: UnsafeMutableRawPointer, count: Int) throws -> Int {
        let n = min(count, data.count - offset)
        guard n > 0 else { return 0 }
        data.withUnsafeBytes { raw in
            if let base = raw.baseAddress { buffer.copyMemory(from: base + offset, byteCount: n) }
        }
        offset += n
        return n
    }
}
