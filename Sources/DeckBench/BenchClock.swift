import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Timing helpers for the suites.
public enum BenchClock {
    /// Monotonic seconds.
    public static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    /// Seconds taken by `body`.
    public static func time(_ body: () throws -> Void) rethrows -> Double {
        let start = now()
        try body()
        return now() - start
    }

    /// The median of `values`.
    public static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return .nan }
        return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    }

    /// Runs a process to its end; returns wall seconds and peak resident memory in bytes.
    ///
    /// The peak comes from GNU time (`/usr/bin/time -f %M`, about 1 ms of overhead) when present:
    /// `wait4`'s `ru_maxrss` is wrong for a child started with `posix_spawn`, because Linux carries
    /// the parent's high-water mark across the child's `exec`. Without GNU time it is -1.
    public static func runProcess(_ arguments: [String], environment: [String: String]? = nil, directory: String? = nil) throws -> (seconds: Double, peakBytes: Int64, status: Int32) {
        let timeOutput = NSTemporaryDirectory() + "mldeck-time-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        defer { try? FileManager.default.removeItem(atPath: timeOutput) }
        let hasTime = FileManager.default.isExecutableFile(atPath: "/usr/bin/time")
        let result = try spawnAndWait(hasTime ? ["/usr/bin/time", "-f", "%M", "-o", timeOutput] + arguments : arguments,
                                      environment: environment, directory: directory)
        var peak: Int64 = -1
        if hasTime, let text = try? String(contentsOfFile: timeOutput, encoding: .utf8),
           let kilobytes = Int64(text.split(separator: "\n").last.map { $0.trimmingCharacters(in: .whitespaces) } ?? "") {
            peak = kilobytes * 1024
        }
        return (result.seconds, peak, result.status)
    }

    private static func spawnAndWait(_ arguments: [String], environment: [String: String]?, directory: String?) throws -> (seconds: Double, status: Int32) {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let env = environment ?? ProcessInfo.processInfo.environment
        let argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { argv.forEach { free($0) }; envp.forEach { free($0) } }
        let previous = FileManager.default.currentDirectoryPath
        if let directory { _ = FileManager.default.changeCurrentDirectoryPath(directory) }
        defer { _ = FileManager.default.changeCurrentDirectoryPath(previous) }
        var pid: pid_t = 0
        let start = now()
        let code = posix_spawnp(&pid, arguments[0], &actions, nil, argv, envp)
        guard code == 0 else { throw NSError(domain: "bench", code: Int(code), userInfo: [NSLocalizedDescriptionKey: "cannot start \(arguments[0])"]) }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        return (now() - start, (status >> 8) & 0xff)
    }

    /// The path of the running executable.
    public static var executablePath: String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }
}
