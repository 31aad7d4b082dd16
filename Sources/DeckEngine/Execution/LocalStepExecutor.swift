import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Runs a ``StepJob`` as a child process of this one (``ChildProcess``: `posix_spawn` in its own
/// process group, started in the job's folder without changing ours). Stopping sends SIGTERM to
/// the whole group, then SIGKILL after the job's grace period; the job's timeout does the same
/// and ends it as timed out. The job's metrics file is read every ``StepJob/metricsInterval``
/// and what was appended is reported, a last time once the command ended.
public struct LocalStepExecutor: StepExecutor {
    public init() {}

    public func start(_ job: StepJob, report: @escaping @Sendable (StepReport) -> Void) throws -> any StepHandle {
        var environment = job.inheritEnvironment ? ProcessInfo.processInfo.environment : [:]
        environment.merge(job.environment) { _, new in new }
        var metrics: FileTail?
        if let path = job.metricsFile {
            let fm = FileManager.default
            if !fm.fileExists(atPath: path) {
                try fm.createDirectory(at: URL(fileURLWithPath: path).deletingLastPathComponent(), withIntermediateDirectories: true)
                _ = fm.createFile(atPath: path, contents: nil)
            }
            metrics = FileTail(path: path)
        }
        let child = try ChildProcess(arguments: job.arguments, environment: environment, directory: job.workingDirectory)
        let handle = LocalStepHandle(child: child, limits: job.limits, metrics: metrics, metricsInterval: job.metricsInterval ?? 0.1,
                                     report: report)
        handle.begin()
        return handle
    }
}

/// A running local job: one thread reads its output, one its metrics file, another waits for its end.
final class LocalStepHandle: StepHandle, @unchecked Sendable {  // mutable state guarded by `lock`
    private let child: ChildProcess
    private let limits: StepJob.Limits
    private let metrics: FileTail?
    private let metricsInterval: Double
    private let report: @Sendable (StepReport) -> Void
    private let reportLock = NSLock()
    private let lock = NSLock()
    /// The child exited (its output may still be draining).
    private var ended = false
    private var stopping = false
    private var timedOut = false
    private var stopped = false
    private var exit: StepExit?
    private var timer: DispatchWorkItem?
    private let done = DispatchGroup()

    init(child: ChildProcess, limits: StepJob.Limits, metrics: FileTail?, metricsInterval: Double,
         report: @escaping @Sendable (StepReport) -> Void) {
        self.child = child; self.limits = limits; self.metrics = metrics; self.metricsInterval = metricsInterval; self.report = report
    }

    /// Reports what is appended to the metrics file until `ended` is signalled, then once more.
    private func followMetrics(until ended: DispatchSemaphore, then done: DispatchSemaphore) {
        guard let start = metrics else { done.signal(); return }
        Thread { [self] in
            var tail = start
            func take() {
                let bytes = tail.read()
                if !bytes.isEmpty { deliver(.metrics(bytes)) }
            }
            while ended.wait(timeout: .now() + max(0.001, metricsInterval)) == .timedOut { take() }
            take()
            done.signal()
        }.start()
    }

    /// Delivers one report at a time.
    private func deliver(_ item: StepReport) {
        reportLock.lock(); defer { reportLock.unlock() }
        report(item)
    }

    func begin() {
        done.enter()
        deliver(.state(.running))
        let drained = DispatchSemaphore(value: 0)
        Thread { [self] in
            var lines = OutputLines()
            child.drainOutput { bytes in
                if let text = lines.append(bytes) { deliver(.output(text)) }
            }
            if let last = lines.finish() { deliver(.output(last)) }
            drained.signal()
        }.start()
        let commandEnded = DispatchSemaphore(value: 0), metricsRead = DispatchSemaphore(value: 0)
        followMetrics(until: commandEnded, then: metricsRead)
        if let seconds = limits.timeout {
            let item = DispatchWorkItem { [self] in
                lock.lock(); let running = !ended; if running { timedOut = true }; lock.unlock()
                if running { stop(force: false) }
            }
            lock.lock(); timer = item; lock.unlock()
            DispatchQueue.global().asyncAfter(deadline: .now() + max(0, seconds), execute: item)
        }
        Thread { [self] in
            let termination = child.wait()
            lock.lock(); ended = true; timer?.cancel(); lock.unlock()
            child.stopDraining(after: 1)
            drained.wait()
            commandEnded.signal()
            metricsRead.wait()
            lock.lock()
            var result = StepExit(timedOut: timedOut, stopped: stopped && !timedOut)
            switch termination {
            case .exited(let code): result.exitCode = code
            case .signaled(let sig): result.signal = sig
            }
            exit = result
            lock.unlock()
            deliver(.state(.ended))
            deliver(.exited(result))
            done.leave()
        }.start()
    }

    func stop(force: Bool) {
        lock.lock()
        guard !ended else { lock.unlock(); return }
        if !timedOut { stopped = true }
        let first = !stopping
        stopping = true
        lock.unlock()
        if first { deliver(.state(.stopping)) }
        if force { child.signalGroup(SIGKILL); return }
        guard first else { return }
        child.signalGroup(SIGTERM)
        DispatchQueue.global().asyncAfter(deadline: .now() + max(0, limits.gracePeriod)) { [self] in
            lock.lock(); let running = !ended; lock.unlock()
            if running { child.signalGroup(SIGKILL) }
        }
    }

    func wait() -> StepExit {
        done.wait()
        lock.lock(); defer { lock.unlock() }
        return exit ?? StepExit()
    }
}
