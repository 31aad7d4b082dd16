import DeckEngine
import DeckStore
import Foundation

/// The dashboard's share of the workspace's trigger runner: while it is open and no agent holds
/// the runner lease, it holds it and does the agent's rounds (triggers, reaping, monitors; see
/// ``WorkspaceRunner``) on a thread of its own, never on the UI thread. It gives the lease up on
/// quit. The header shows ``state`` (read under a lock, no store access).
public final class DashboardTriggers: @unchecked Sendable {  // `runner` is thread-safe; `lines` is guarded by `lock`
    public let runner: TriggerRunner
    private let lock = NSLock()
    private var lines: [String] = []
    private let finished = DispatchSemaphore(value: 0)
    private var started = false

    /// A runner of `store`'s triggers in the `dashboard` role (rounds every `interval` seconds).
    public init(store: DeckStore, interval: Double = 1, executable: String = PipelineLauncher.currentExecutable) throws {
        let log = LineLog()
        runner = try WorkspaceRunner.make(store: store, role: "dashboard", interval: interval, requireConfig: false,
                                          executable: executable) { log.append($0) }
        log.sink = { [weak self] line in self?.note(line) }
    }

    /// Who holds the lease, as of the last round.
    public var state: RunnerLeaseState { runner.leaseState }

    /// The runner's recent log lines (newest last, at most 50): firings, started runs, errors.
    public var recentLog: [String] { lock.lock(); defer { lock.unlock() }; return lines }

    /// Starts the rounds on a background thread (once).
    public func start() {
        lock.lock(); defer { lock.unlock() }
        guard !started else { return }
        started = true
        let runner = self.runner, finished = self.finished
        let thread = Thread { runner.run(); finished.signal() }
        thread.name = "mldeck-triggers"
        thread.start()
    }

    /// Ends the rounds and gives the lease up; waits for the current round at most `timeout` seconds.
    /// Returns false when the round did not end in time (the lease then lapses on its own: its
    /// holder process is gone once the dashboard exits).
    @discardableResult
    public func stop(timeout: Double = 5) -> Bool {
        lock.lock(); let wasStarted = started; started = false; lock.unlock()
        guard wasStarted else { return true }
        runner.stop()
        return finished.wait(timeout: .now() + timeout) == .success
    }

    private func note(_ line: String) {
        lock.lock(); defer { lock.unlock() }
        lines.append(line)
        if lines.count > 50 { lines.removeFirst(lines.count - 50) }
    }
}

/// Forwards the runner's log lines once the owner is built.
private final class LineLog: @unchecked Sendable {  // `sink` is set once, before the runner starts
    var sink: ((String) -> Void)?
    func append(_ line: String) { sink?(line) }
}

extension RunnerLeaseState {
    /// The header badge: `triggers: this dashboard`, `triggers: agent pid 4242`, `triggers –`.
    var badge: Badge {
        switch self {
        case .this: return Badge("triggers: this dashboard", slot: .success, short: "triggers: here")
        case .other(let role, let pid, let host):
            let elsewhere = host == ProcessIdentity.hostName ? "" : " on \(host)"
            return Badge("triggers: \(role) pid \(pid)\(elsewhere)", slot: .textDim, short: "triggers: \(role)")
        case .unknown: return Badge("triggers –", slot: .textDim)
        case .stopped: return Badge("triggers: off", slot: .textDim)
        }
    }
}
