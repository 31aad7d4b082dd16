@testable import DeckEngine
import Foundation
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// A second ``StepExecutor``, shaped like a cluster's: each job is written to a JSON file and run
/// by a fresh `mldeck internal run-job` process that inherits none of our descriptors and almost
/// none of our environment (as `sbatch` would run it on a node), and is followed only through the
/// files it writes — its reports, one JSON line each — and stopped by a signal to that process
/// (`scancel`). Nothing of it shares this process but the file system.
final class JobFileExecutor: StepExecutor {
    let binary: String
    let folder: URL

    init(binary: String, folder: URL) {
        self.binary = binary
        self.folder = folder
    }

    func start(_ job: StepJob, report: @escaping @Sendable (StepReport) -> Void) throws -> any StepHandle {
        let id = UUID().uuidString
        let file = { (suffix: String) in self.folder.appendingPathComponent("\(id).\(suffix)").path }
        try StepJobFile.encode(job).write(to: URL(fileURLWithPath: file("job.json")))
        let pid = try CleanSpawn.start([binary, "internal", "run-job", file("job.json"), "--log", file("log"),
                                        "--result", file("result.json"), "--reports", file("reports.jsonl")])
        let handle = JobFileHandle(pid: pid, reports: file("reports.jsonl"), result: file("result.json"), report: report)
        handle.follow()
        return handle
    }
}

/// A job of ``JobFileExecutor``: a thread reads its reports file until the job's exit is in it.
final class JobFileHandle: StepHandle, @unchecked Sendable {  // `exit` guarded by `lock`
    let pid: pid_t
    let reports: String
    let result: String
    let report: @Sendable (StepReport) -> Void
    private let lock = NSLock()
    private var exit: StepExit?
    private let done = DispatchSemaphore(value: 0)

    init(pid: pid_t, reports: String, result: String, report: @escaping @Sendable (StepReport) -> Void) {
        self.pid = pid; self.reports = reports; self.result = result; self.report = report
    }

    func follow() {
        Thread { [self] in
            var tail = FileTail(path: reports)
            var pending = Data()
            var ended: StepExit?
            var processGone = false
            while ended == nil {
                pending.append(tail.read())
                let (decoded, consumed) = (try? StepJobFile.reports(in: pending)) ?? ([], 0)
                pending.removeFirst(consumed)
                for item in decoded {
                    report(item)
                    if case .exited(let exit) = item { ended = exit }
                }
                if ended != nil { break }
                if processGone {
                    // The runner died without its exit report: what its result file says, else a failure.
                    ended = (try? JSONDecoder().decode(StepExit.self, from: Data(contentsOf: URL(fileURLWithPath: result)))) ?? StepExit(exitCode: 255)
                    report(.exited(ended ?? StepExit()))
                    break
                }
                var status: Int32 = 0
                if waitpid(pid, &status, WNOHANG) == pid { processGone = true; continue }
                usleep(20_000)
            }
            var status: Int32 = 0
            if !processGone { while waitpid(pid, &status, 0) < 0 && errno == EINTR {} }
            lock.lock(); exit = ended; lock.unlock()
            done.signal()
        }.start()
    }

    func stop(force: Bool) {
        lock.lock(); let running = exit == nil; lock.unlock()
        if running { kill(pid, force ? SIGKILL : SIGTERM) }
    }

    func wait() -> StepExit {
        done.wait()
        done.signal()
        lock.lock(); defer { lock.unlock() }
        return exit ?? StepExit()
    }
}

/// Starts processes the way a cluster would: descriptors 0–2 on /dev/null, every other one
/// closed, and only `PATH` and `LANG` in the environment.
enum CleanSpawn {
    private typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    static func start(_ arguments: [String]) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for fd: Int32 in 0...2 { posix_spawn_file_actions_addopen(&actions, fd, "/dev/null", fd == 0 ? O_RDONLY : O_WRONLY, 0) }
        // glibc 2.34+: close every descriptor from 3 up in the child.
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np") else {
            throw Failure(description: "this C library cannot close a child's descriptors")
        }
        guard unsafeBitCast(symbol, to: AddCloseFrom.self)(&actions, 3) == 0 else { throw Failure(description: "addclosefrom failed") }
        let argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        let variables: [String] = ["PATH=/usr/bin:/bin", "LANG=C.UTF-8"]
        let envp: [UnsafeMutablePointer<CChar>?] = variables.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) }; envp.forEach { free($0) } }
        var pid: pid_t = 0
        let code = posix_spawn(&pid, arguments[0], &actions, nil, argv, envp)
        guard code == 0 else { throw Failure(description: "cannot start \(arguments[0]): \(String(cString: strerror(code)))") }
        return pid
    }

    /// Runs `arguments` to its end; returns its exit status (128 + signal when one ended it).
    static func run(_ arguments: [String]) throws -> Int32 {
        let pid = try start(arguments)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        return (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    }
}
