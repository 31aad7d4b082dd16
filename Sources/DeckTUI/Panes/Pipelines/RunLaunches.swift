import DeckEngine
import DeckStore
import Foundation

/// Runs the dashboard starts: each is queued and spawned as a detached `mldeck run` process on
/// a background queue (the UI thread never waits for it), then followed through the store. The
/// dashboard learns when a start succeeded (to open the run) or failed (a plain message), when
/// one of its runs ends (a toast), and how many are still in flight (said when quitting: they
/// keep going).
@MainActor
public final class RunLaunches {
    /// Starts a launch and returns the new run's id (tests pass a fake).
    public typealias Starter = @Sendable (PipelineLauncher.Launch, DeckStore) throws -> String

    /// What came of a start or a followed run.
    public enum Report: Sendable, Equatable {
        case started(id: String, name: String, pipeline: String)
        case failed(String)
        case ended(id: String, name: String, status: RunStatus)
    }

    private let store: DeckStore
    private let starter: Starter
    private let worker = QueryWorker(label: "launches")
    private let mailbox = Mailbox<Report>()
    /// Runs started here that had not ended at the last look, id → name.
    public private(set) var inFlight: [String: String] = [:]
    /// Starts queued but not answered yet.
    public private(set) var pendingStarts = 0

    public init(store: DeckStore, starter: @escaping Starter = RunLaunches.detached) {
        self.store = store; self.starter = starter
    }

    /// The real start: reads `mldeck.yaml`, queues the run and spawns `mldeck run … --run-id ID`.
    public nonisolated static let detached: Starter = { launch, store in
        let config = try PipelineEnvironment.loadConfig(store.workspace)
        return try PipelineLauncher.launchDetached(launch, store: store, config: config)
    }

    /// Queues a start; ``take()`` reports it.
    public func start(_ launch: PipelineLauncher.Launch) {
        pendingStarts += 1
        let store = self.store, starter = self.starter, mailbox = self.mailbox
        worker.submit {
            do {
                let id = try starter(launch, store)
                let name = (try? store.resolveRun(id).name) ?? String(id.prefix(8))
                mailbox.post(.started(id: id, name: name, pipeline: launch.pipeline))
            } catch {
                mailbox.post(.failed("cannot start \(launch.pipeline): \(error)"))
            }
        }
    }

    /// Looks up (off the UI thread) whether the runs in flight have ended; call on store changes.
    public func refresh() {
        let ids = inFlight, store = self.store, mailbox = self.mailbox
        guard !ids.isEmpty else { return }
        worker.submit {
            for (id, name) in ids {
                if let r = try? store.resolveRun(id), r.status.isFinal { mailbox.post(.ended(id: id, name: name, status: r.status)) }
            }
        }
    }

    /// The reports since the last call, with ``inFlight`` updated.
    public func take() -> [Report] {
        var out: [Report] = []
        for report in mailbox.take() {
            switch report {
            case .started(let id, let name, _):
                pendingStarts -= 1
                inFlight[id] = name
            case .failed:
                pendingStarts -= 1
            case .ended(let id, _, _):
                guard inFlight.removeValue(forKey: id) != nil else { continue }   // reported already
            }
            out.append(report)
        }
        return out
    }

    /// Waits for queued work (tests).
    public func waitForWork() { worker.drain() }

    /// The quit dialog's sentence while runs started here are in flight, else nil.
    public var quitWarning: String? {
        let n = inFlight.count + pendingStarts
        guard n > 0 else { return nil }
        let names = inFlight.values.sorted().prefix(3).joined(separator: ", ")
        return "\(n) run\(n == 1 ? "" : "s") started here \(n == 1 ? "is" : "are") still in flight\(names.isEmpty ? "" : " (\(names))"). "
            + "\(n == 1 ? "It keeps" : "They keep") going after you quit; open the dashboard again to follow \(n == 1 ? "it" : "them")."
    }
}
