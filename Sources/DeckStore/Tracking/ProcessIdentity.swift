import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Identifies a process beyond its pid, which the system reuses: host name, boot id and the
/// process start time (field 22 of `/proc/PID/stat`).
public struct ProcessIdentity: Sendable, Equatable {
    public var pid: Int32
    /// `BOOT_ID:START_TICKS`; empty when unknown.
    public var token: String
    public var host: String

    public init(pid: Int32, token: String, host: String) { self.pid = pid; self.token = token; self.host = host }

    /// The identity of the calling process. Its start time is read from `/proc` once per pid
    /// (a process's start time never changes; a forked child has another pid and reads its own):
    /// `RunStart` asks for it for every run, and reading `/proc` cost four system calls a run.
    public static var current: ProcessIdentity {
        let pid = getpid()
        return ProcessIdentity(pid: pid, token: ownToken(pid), host: hostName)
    }

    private static let ownTokenCache = OwnTokenCache()

    private static func ownToken(_ pid: Int32) -> String {
        if let cached = ownTokenCache.token(for: pid) { return cached }
        let token = token(of: pid) ?? ""
        if !token.isEmpty { ownTokenCache.store(token, for: pid) }
        return token
    }

    /// The identity of a live process on this machine (pid and start time), nil when there is none.
    public static func of(pid: Int32) -> ProcessIdentity? {
        guard pid > 0, let token = token(of: pid) else { return nil }
        return ProcessIdentity(pid: pid, token: token, host: hostName)
    }

    /// This machine's host name.
    public static var hostName: String {
        var buffer = [CChar](repeating: 0, count: 256)
        gethostname(&buffer, buffer.count)
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    static let bootID: String = {
        (try? String(contentsOfFile: "/proc/sys/kernel/random/boot_id", encoding: .utf8))?
            .trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
    }()

    /// `BOOT_ID:START_TICKS` for a live process on this machine, nil when there is none.
    static func token(of pid: Int32) -> String? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else {
            #if os(Linux)
            return nil
            #else
            return kill(pid, 0) == 0 ? "" : nil
            #endif
        }
        // The command name (field 2) may hold spaces and parentheses: split after the last ')'.
        guard let close = stat.lastIndex(of: ")") else { return nil }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        // fields[0] is field 3 (state); start time is field 22 → index 19.
        guard fields.count > 19 else { return nil }
        if fields[0] == "Z" { return nil }  // a zombie is dead
        return bootID + ":" + fields[19]
    }

    /// True when this identity's process is still alive. Only meaningful on the same host.
    public var isAlive: Bool {
        guard let now = ProcessIdentity.token(of: pid) else { return false }
        return token.isEmpty || now == token
    }
}

/// The calling process's `BOOT_ID:START_TICKS`, remembered with the pid it belongs to.
private final class OwnTokenCache: @unchecked Sendable {
    private let lock = NSLock()
    private var pid: Int32 = 0
    private var token = ""

    func token(for pid: Int32) -> String? {
        lock.lock(); defer { lock.unlock() }
        return pid == self.pid ? token : nil
    }

    func store(_ token: String, for pid: Int32) {
        lock.lock(); self.pid = pid; self.token = token; lock.unlock()
    }
}
