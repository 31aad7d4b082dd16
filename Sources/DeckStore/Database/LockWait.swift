import Foundation

/// How a write waits for another process's write lock on the workspace database.
///
/// SQLite calls the busy handler each time the lock is still held; this one sleeps on SQLite's
/// own schedule (1, 2, 5, … ms, then 100 ms steps) until ``timeout`` seconds have passed, and
/// then gives up (the write fails with ``WorkspaceError/busy(path:seconds:)``). Once the wait
/// passes ``noticeAfter`` seconds it calls ``notice`` a single time, so a command that waits says
/// why instead of sitting silent for up to half a minute. The handler is stateless (the time
/// waited follows from the try count), so it is safe on every connection at once.
public struct LockWait: Sendable {
    /// Seconds to wait before giving up.
    public var timeout: Double
    /// Seconds of waiting after which ``notice`` is called (once per wait).
    public var noticeAfter: Double
    /// Told, once per wait, that this process is waiting (the CLI prints it to standard error).
    public var notice: (@Sendable (String) -> Void)?

    public init(timeout: Double = 30, noticeAfter: Double = 1, notice: (@Sendable (String) -> Void)? = nil) {
        self.timeout = timeout; self.noticeAfter = noticeAfter; self.notice = notice
    }

    /// The wait's timeout from `MLDECK_BUSY_TIMEOUT` (seconds), or `fallback` when it is unset.
    public static func timeout(environment: [String: String] = ProcessInfo.processInfo.environment, fallback: Double = 30) throws -> Double {
        guard let text = environment["MLDECK_BUSY_TIMEOUT"] else { return fallback }
        guard let seconds = Double(text.trimmingCharacters(in: .whitespaces)), seconds.isFinite, seconds >= 0 else {
            throw WorkspaceError.invalidSetting(key: "MLDECK_BUSY_TIMEOUT", value: text, expected: "a number of seconds (e.g. 30)")
        }
        return seconds
    }

    /// SQLite's sleep schedule between tries, in milliseconds; the last step repeats.
    static let delays: [Double] = [1, 2, 5, 10, 15, 20, 25, 25, 25, 50, 50, 100]

    /// Seconds slept before try `n` (0-based).
    static func waited(beforeTry n: Int) -> Double {
        let head = delays.prefix(n).reduce(0, +)
        let tail = Double(max(0, n - delays.count)) * delays[delays.count - 1]
        return (head + tail) / 1000
    }

    /// The busy handler: sleeps and returns true to try again, or false to give up.
    func retry(tries n: Int, path: String) -> Bool {
        let before = Self.waited(beforeTry: n), after = Self.waited(beforeTry: n + 1)
        guard before < timeout else { return false }
        if let notice, before < noticeAfter, after >= noticeAfter {
            notice("waiting for another process's write lock on \(path) (giving up after \(StoreFormatting.wholeSeconds(timeout)) s; MLDECK_BUSY_TIMEOUT sets it)")
        }
        let step = min(after, timeout) - before
        if step > 0 { usleep(useconds_t(step * 1_000_000)) }
        return true
    }
}
