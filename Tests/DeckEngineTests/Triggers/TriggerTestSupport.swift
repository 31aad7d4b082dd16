@testable import DeckEngine
import DeckStore
import DeckTestSupport
import Foundation
import XCTest

/// A clock the test moves by hand.
final class TestClock: @unchecked Sendable {
    private let lock = NSLock()
    private var t: Double
    init(_ t: Double) { self.t = t }
    var now: Double {
        get { lock.lock(); defer { lock.unlock() }; return t }
        set { lock.lock(); t = newValue; lock.unlock() }
    }
    var date: @Sendable () -> Date { { Date(timeIntervalSince1970: self.now) } }
}

/// A launcher that creates the QUEUED run in the store and "starts" it by moving it to RUNNING
/// under this test process (so the run stays alive until the test finishes it).
final class FakeLauncher: TriggerLauncher, @unchecked Sendable {
    let store: DeckStore
    private let lock = NSLock()
    private(set) var queued: [(launch: PipelineLauncher.Launch, runID: String)] = []
    private(set) var started: [String] = []
    init(store: DeckStore) { self.store = store }

    func queue(_ launch: PipelineLauncher.Launch, config: WorkspaceConfig) throws -> String {
        let run = try store.createRun(RunStart(experiment: launch.pipeline, status: .queued, pipeline: launch.pipeline, tags: launch.tags,
                                               lineage: RunLineage(trigger: launch.trigger), owner: nil))
        lock.lock(); queued.append((launch, run.id)); lock.unlock()
        return run.id
    }

    func start(_ launch: PipelineLauncher.Launch, runID: String) throws {
        try store.startQueuedRun(RunHandle(id: runID), owner: .current)
        lock.lock(); started.append(runID); lock.unlock()
    }
}

/// Alerts the test raises by hand; records `run_failed` alerts.
final class FakeAlerts: TriggerAlertSource, @unchecked Sendable {
    private let lock = NSLock()
    private var items: [(kind: String, model: String, alert: TriggerAlert)] = []
    private(set) var runFailed: [String] = []

    func add(kind: String, model: String, id: Int64, summary: String) {
        lock.lock(); items.append((kind, model, TriggerAlert(id: id, summary: summary))); lock.unlock()
    }
    func newestAlertID(kind: String, model: String) throws -> Int64? {
        lock.lock(); defer { lock.unlock() }
        return items.filter { $0.kind == kind && $0.model == model }.map(\.alert.id).max()
    }
    func alerts(kind: String, model: String, after id: Int64) throws -> [TriggerAlert] {
        lock.lock(); defer { lock.unlock() }
        return items.filter { $0.kind == kind && $0.model == model && $0.alert.id > id }.map(\.alert)
    }
    func raiseRunFailed(pipeline: String, runID: String, trigger: String, reason: String) throws {
        lock.lock(); runFailed.append(runID); lock.unlock()
    }
    func raiseTriggerFailed(pipeline: String, trigger: String, reason: String) throws {}
}

enum TriggerTestConfig {
    static func parse(_ yaml: String, file: String = "mldeck.yaml") throws -> WorkspaceConfig {
        try PipelineSpecParser(file: file).parse(try ConfigLoader.parse(yaml, file: file))
    }

    /// A pipeline `p` on registry dataset `d` with the given trigger lines.
    static func pipeline(_ triggers: [String], name: String = "p") -> String {
        """
          \(name):
            dataset: d
            steps:
              train: {run: "true"}
            triggers:
        \(triggers.map { "      - " + $0 }.joined(separator: "\n"))
        """
    }

    static func yaml(_ pipelines: String...) -> String { "pipelines:\n" + pipelines.joined(separator: "\n") }

    /// Registers a new version of dataset `name` (content made unique by `n`).
    static func addVersion(_ store: DeckStore, name: String = "d", n: Int) throws {
        let file = store.workspace.root.appendingPathComponent("d\(n).csv")
        try Data("a,b\n\(n),\(n * 2)\n".utf8).write(to: file)
        _ = try DatasetAdder.add(DatasetAddRequest(name: name, path: file.path), to: store)
    }
}
