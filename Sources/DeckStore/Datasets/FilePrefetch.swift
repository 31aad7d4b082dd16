import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Asks the disk for the next small files of a folder add before the workers reach them.
///
/// A folder add reads thousands of small files, each with one `pread` that waits for the disk
/// when the file is not in the page cache; with a worker per core, at most two reads are ever
/// outstanding, and a cold add of 10,000 files spent most of its time waiting (wall ~1.1 s for
/// ~0.25 s warm). A thread of its own walks the same list ahead of the workers — open, `fstat`,
/// `posix_fadvise(WILLNEED)` (which queues the file's pages for reading and returns), close —
/// so the disk has many requests in flight and the workers find most files in the cache.
///
/// It starts only once the workers' reads wait for the disk: ``slowReadsToStart`` of the files in a
/// row of ``readsPerCheck`` took over ``slowRead`` to open and read. On a folder already in the page
/// cache the extra open, `fstat` and close per file cost a warm add of 10,000 files 30 % (0.24 →
/// 0.31 s) for nothing; and one slow read is no sign of a cold folder (a worker preempted between
/// its open and its read: about 1 in 500 files on 2 busy cores), while a cold one makes them all slow.
///
/// It stays at most ``ahead`` files in front of the furthest small file a worker has read (``reached(_:seconds:)``),
/// so that prefetched pages are still cached when read. Files over `sizeLimit` are left alone: the
/// large-file path reads past the page cache when a file is not cached (``WindowReader``), which
/// prefetching would defeat. Prefetching is only a hint: a file it cannot open is skipped, and
/// what the workers read is checked as always (``FileIdentity``).
final class FilePrefetch: @unchecked Sendable {
    // @unchecked Sendable: `reachedIndex` and `stopped` are guarded by `lock`; `paths` and the limits are immutable.
    private let paths: [String]
    private let ahead: Int
    private let sizeLimit: Int64
    private let lock = NSLock()
    private let moved = DispatchSemaphore(value: 0)
    private let done = DispatchSemaphore(value: 0)
    private var reachedIndex = -1
    private var stopped = false
    private var waiting = false
    private var started = false
    /// Test hook: called on the prefetching thread with each file's index and whether it was hinted.
    private let hinted: (@Sendable (Int, Bool) -> Void)?

    /// Seconds an open and read of a small file take at most when the file is in the page cache
    /// (a few microseconds; one that waited for this machine's virtual disk took 0.1–0.2 ms).
    static let slowRead = 0.000_05
    /// Slow reads among ``readsPerCheck`` consecutive ones that start the prefetching.
    static let slowReadsToStart = 8
    static let readsPerCheck = 32
    private var readsInCheck = 0, slowInCheck = 0

    /// Prefetches nothing until enough of the workers' reads were slow (``reached(_:seconds:)``).
    init(paths: [String], sizeLimit: Int64, ahead: Int = 256, hinted: (@Sendable (Int, Bool) -> Void)? = nil) {
        self.paths = paths; self.sizeLimit = sizeLimit; self.ahead = max(1, ahead); self.hinted = hinted
    }

    /// A worker took file `index` and spent `seconds` opening and reading it; enough slow reads
    /// start the prefetching (once).
    func reached(_ index: Int, seconds: Double) {
        lock.lock()
        if index > reachedIndex { reachedIndex = index }
        let wake = waiting
        waiting = false
        var start = false
        if !started && !stopped {
            readsInCheck += 1
            if seconds >= Self.slowRead { slowInCheck += 1 }
            start = slowInCheck >= Self.slowReadsToStart
            if readsInCheck == Self.readsPerCheck { readsInCheck = 0; slowInCheck = 0 }
        }
        if start { started = true }
        let first = reachedIndex + 1
        lock.unlock()
        if wake { moved.signal() }
        if start {
            let thread = Thread { [self] in prefetchAll(from: first); done.signal() }
            thread.name = "mldeck-prefetch"
            thread.start()
        }
    }

    /// Stops prefetching and waits for the thread to end (at once when it never started).
    func stop() {
        lock.lock(); stopped = true; let wake = waiting; waiting = false; let running = started; lock.unlock()
        if wake { moved.signal() }
        if running { done.wait() }
    }

    /// Hints files from `first` on (the files before it were taken by workers already).
    private func prefetchAll(from first: Int) {
        for i in first..<paths.count {
            let path = paths[i]
            while true {
                lock.lock()
                if stopped { lock.unlock(); return }
                if i <= reachedIndex + ahead { lock.unlock(); break }
                waiting = true
                lock.unlock()
                moved.wait()
            }
            let asked = Self.hint(path, sizeLimit: sizeLimit)
            hinted?(i, asked)
        }
    }

    /// Queues the file's pages for reading (no wait for them); nothing (false) when it cannot be
    /// opened, is not a regular file, is empty or is large.
    @discardableResult
    static func hint(_ path: String, sizeLimit: Int64) -> Bool {
        // O_NONBLOCK: a FIFO put in the file's place meanwhile must not block the open.
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_mode & S_IFMT == S_IFREG, info.st_size > 0, Int64(info.st_size) <= sizeLimit else { return false }
        return posix_fadvise(fd, 0, off_t(info.st_size), Int32(POSIX_FADV_WILLNEED)) == 0
    }
}
