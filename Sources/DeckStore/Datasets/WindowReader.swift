import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Reads a large file's windows for ``ChunkPipeline``: from the page cache when they are there,
/// otherwise straight from the disk into the pipeline's buffer (`O_DIRECT`), past the page cache.
///
/// Why (issue 9): an add reads each byte once. Through the page cache a cold GiB costs the kernel a
/// page-cache insertion, a copy to the buffer and, later, an eviction per 4 KiB page — on this
/// project's 2-core machines 0.2–1.7 s of system time, as much as the SHA-256 of the whole GiB.
/// Read with `O_DIRECT` the disk writes into the buffer itself: in alternating cold adds of a GiB
/// system time fell from 2.2–2.6 s to 1.2–1.6 s and the add from 2.6–3.5 s to 2.0–2.4 s.
///
/// A file whose pages are cached (just written, or read a moment ago) is read as before: a window
/// whose pages the page cache all holds (`mincore(2)`) is copied from it, and only the others go
/// to the disk — a direct read of cached pages would read the disk again for nothing. Every window
/// is read through the page cache, with the next window's read-ahead asked for, where direct reads
/// are unavailable (a file system without them) or `mincore` cannot be trusted: for a file this
/// process neither owns nor may write, Linux (since 5.0) reports every page as cached.
/// A direct read the kernel refuses (`EINVAL`: a file system wanting other alignment) or ends
/// short mid-file (some FUSE file systems) is finished through the page cache; whether the file
/// changed meanwhile is the caller's identity check.
///
/// Direct reads need the buffer, the file offset and the length aligned to the device's block:
/// a window at an unaligned offset is read from the block before it, and ``read(into:count:at:)``
/// returns where in the buffer the bytes asked for begin, so buffers must be aligned to
/// ``alignment`` and ``slack`` bytes longer than the longest window.
struct WindowReader {
    /// The block size direct reads are aligned to (at least the logical block of any disk in use).
    static let alignment = 4096
    /// What a buffer needs beyond the window's length: the alignment before and after it.
    static let slack = 2 * alignment

    /// The file as opened by the caller (the bytes are those of its inode, whatever its path names now).
    let fd: Int32
    /// A second descriptor of the same inode opened with `O_DIRECT`, or -1.
    private let directFD: Int32
    /// The file mapped to ask the page cache which of its pages it holds (``isCached(_:at:)``),
    /// while direct reads are on. Never read through: a mapped file that shrinks kills a reader
    /// of the lost pages with SIGBUS, and `mincore` reads no page.
    private let residency: (base: UnsafeMutableRawPointer, pages: Int)?
    let path: String

    /// Whether windows that are not cached go straight to the disk.
    var readsDirect: Bool { directFD >= 0 }

    /// `direct: false` reads every window through the page cache.
    init(fd: Int32, path: String, direct: Bool = true) {
        self.fd = fd
        self.path = path
        // Direct reads only where the page cache can be asked truthfully which windows it holds.
        let residency = direct && Self.residencyIsReported(fd) ? Self.mapForResidency(fd) : nil
        self.directFD = residency == nil ? -1 : Self.openDirect(sameAs: fd)
        self.residency = directFD >= 0 ? residency : nil
        if directFD < 0, let residency { munmap(residency.base, residency.pages * Self.pageSize) }
    }

    /// Closes the direct descriptor and unmaps the file (the caller's `fd` stays open).
    func close() {
        if directFD >= 0 { _ = Glibc.close(directFD) }
        if let residency { munmap(residency.base, residency.pages * Self.pageSize) }
    }

    private static func mapForResidency(_ fd: Int32) -> (base: UnsafeMutableRawPointer, pages: Int)? {
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_size > 0 else { return nil }
        let pages = (Int(info.st_size) + pageSize - 1) / pageSize
        let base = mmap(nil, pages * pageSize, PROT_READ, MAP_SHARED, fd, 0)
        guard let base, base != MAP_FAILED else { return nil }
        return (base, pages)
    }

    /// Reads exactly `count` bytes at file `offset` into `buffer` (aligned to ``alignment``,
    /// `count + slack` bytes long); returns where in the buffer they begin. A file that ends sooner
    /// changed while it was read (``DatasetError/changedWhileRead(_:)``).
    func read(into buffer: UnsafeMutableRawPointer, count: Int, at offset: Int) throws -> Int {
        if readsDirect && !isCached(count, at: offset) { return try readDirect(into: buffer, count: count, at: offset) }
        try Self.read(count, from: fd, into: buffer, at: offset, path: path)
        return 0
    }

    /// Asks the kernel to start reading `count` bytes at `offset` (when windows are read through
    /// the page cache: direct reads are not read ahead).
    func readAhead(_ count: Int, at offset: Int) {
        if !readsDirect { _ = posix_fadvise(fd, off_t(offset), off_t(count), POSIX_FADV_WILLNEED) }
    }

    private func readDirect(into buffer: UnsafeMutableRawPointer, count: Int, at offset: Int) throws -> Int {
        let start = offset & ~(Self.alignment - 1)
        let skip = offset - start
        let needed = skip + count
        let asked = (needed + Self.alignment - 1) & ~(Self.alignment - 1)
        var done = 0
        while done < needed {
            let n = pread(directFD, buffer + done, asked - done, off_t(start + done))
            if n < 0 && errno == EINTR { continue }
            if n < 0 && errno != EINVAL { throw DatasetError.io(path: path, operation: "read", errno: errno) }
            if n == 0 { throw DatasetError.changedWhileRead(path) }
            // Refused, or short of a block boundary (asking again at an unaligned offset would be
            // refused): the rest through the page cache, which tells the file's end from a short read.
            if n < 0 || (done + n < needed && (done + n) % Self.alignment != 0) {
                let from = n < 0 ? done : done + n
                try Self.read(needed - from, from: fd, into: buffer + from, at: start + from, path: path)
                return skip
            }
            done += n
        }
        return skip
    }

    /// Reads exactly `count` bytes at `offset`; a file that ends sooner changed while it was read.
    static func read(_ count: Int, from fd: Int32, into buffer: UnsafeMutableRawPointer, at offset: Int, path: String) throws {
        var done = 0
        while done < count {
            let n = pread(fd, buffer + done, count - done, off_t(offset + done))
            if n < 0 {
                if errno == EINTR { continue }
                throw DatasetError.io(path: path, operation: "read", errno: errno)
            }
            if n == 0 { throw DatasetError.changedWhileRead(path) }
            done += n
        }
    }

    /// Whether the page cache holds every page of `count` bytes at `offset`, from `mincore(2)` on
    /// ``residency``, a mapping that is never read through: asking the cache itself (`preadv2` with
    /// `RWF_NOWAIT`) starts read-ahead of the pages it lacks, and the direct read then fetches them
    /// a second time (2.1 GB read from the disk for a GiB, measured).
    func isCached(_ count: Int, at offset: Int) -> Bool {
        guard let residency else { return false }
        let page = Self.pageSize
        let first = offset / page, last = (offset + count - 1) / page
        guard last < residency.pages else { return false }
        let pages = last - first + 1
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: pages) { vector in
            guard mincore(residency.base + first * page, pages * page, vector.baseAddress!) == 0 else { return false }
            return vector.allSatisfy { $0 & 1 == 1 }
        }
    }

    static let pageSize = Int(sysconf(Int32(_SC_PAGESIZE)))

    /// Opens the inode behind `fd` again with `O_DIRECT` (through `/proc/self/fd`, so a path
    /// renamed or replaced meanwhile cannot give another file); -1 where direct reads are refused.
    static func openDirect(sameAs fd: Int32) -> Int32 {
        guard let oDirect else { return -1 }
        let direct = open("/proc/self/fd/\(fd)", O_RDONLY | O_CLOEXEC | oDirect)
        guard direct >= 0 else { return -1 }
        var a = stat(), b = stat()
        guard fstat(fd, &a) == 0, fstat(direct, &b) == 0, a.st_dev == b.st_dev, a.st_ino == b.st_ino else {
            _ = Glibc.close(direct)
            return -1
        }
        return direct
    }

    /// Whether `mincore` tells the truth about `fd`'s pages: Linux reports every page of a file as
    /// resident to a process that neither owns it (nor has `CAP_FOWNER`, assumed of root) nor may
    /// write it, so that page-cache contents cannot be spied on (`can_do_mincore`, mm/mincore.c).
    static func residencyIsReported(_ fd: Int32) -> Bool {
        var info = stat()
        guard fstat(fd, &info) == 0 else { return false }
        let user = geteuid()
        return user == 0 || info.st_uid == user || faccessat(AT_FDCWD, "/proc/self/fd/\(fd)", W_OK, AT_EACCESS) == 0
    }

    /// `O_DIRECT` of `<fcntl.h>`, which Swift's Glibc module does not export (`_GNU_SOURCE` only);
    /// nil where its value is not known here (no direct reads).
    #if arch(x86_64)
    static let oDirect: Int32? = 0o40000
    #elseif arch(arm64)
    static let oDirect: Int32? = 0o200000  // arm64 swaps asm-generic's O_DIRECT and O_DIRECTORY
    #else
    static let oDirect: Int32? = nil
    #endif
}
