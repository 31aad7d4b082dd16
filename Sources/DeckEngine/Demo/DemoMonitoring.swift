import DeckML
import DeckStore
import Foundation

/// What a user of the demo meets on the first day in the Alerts pane, made by the real code
/// paths, not written as records:
/// 1. the endpoint's prediction log: a clean hour of predictions, then a drifted window (the
///    customers of ``ChurnDataGenerator/Drift/promotion``), scored by the production version and
///    written through ``PredictionLog/write(_:feedback:)`` as `mldeck serve` writes them;
/// 2. the monitor of `mldeck.yaml` run over that window (``MonitorRun``): it raises the drift alert;
/// 3. the trigger engine (``TriggerEngine``) sees the alert, fires the churn pipeline's `drift`
///    trigger and, once its debounce has passed, starts the retrain with the firing's reason — in
///    this process (``InProcessTriggerLauncher``) so the demo is whole when the command returns.
///
/// The story is dated in the recent past (the engine's clock): the clean hour ends 40 minutes
/// ago, the drifted window 15 minutes ago; the retrain itself runs now.
enum DemoMonitoring {
    static let model = "churn-model"
    static let cleanRows = 400, driftedRows = 500, batchRows = 50

    static func build(store: DeckStore, generator: ChurnDataGenerator, now: Double) throws -> [String] {
        let workspace = store.workspace
        let production = try store.modelVersion(ModelReference(parsing: "\(model)@\(DeckStore.servingAlias)"))
        let loaded = try LoadedModel.load(store: store, version: production)
        let scorer = ModelScorer(model: loaded)
        let clock = DemoClock(now - 45 * 60)
        let engine = TriggerEngine(store: store, launcher: InProcessTriggerLauncher(store: store), alerts: StoreTriggerAlerts(store: store),
                                   clock: { clock.date }, configProvider: { try PipelineEnvironment.loadConfig(workspace) })
        var engineLog: [String] = []
        engine.log = { engineLog.append($0) }
        try engine.tick()  // the triggers' first look: what exists now is not news

        // 1. The endpoint's log.
        let log = try PredictionLog.open(workspace)
        let clean = generator.customers(10_001..<(10_001 + cleanRows))
        let drifted = generator.customers(20_001..<(20_001 + driftedRows), drift: .promotion)
        var batches: [PredictionBatch] = []
        for (customers, start, end) in [(clean, now - 100 * 60, now - 40 * 60), (drifted, now - 30 * 60, now - 15 * 60)] {
            batches += try score(customers, scorer: scorer, version: production, from: start, to: end, scratch: workspace.temporaryDirectory)
        }
        try log.write(batches)

        // 2. The monitor over the newest window.
        clock.date = Date(timeIntervalSince1970: now - 14 * 60)
        let config = try MonitorRun.configuration(workspace)
        let result = try MonitorRun.check(model, batch: nil, store: store, config: config, now: clock.date.timeIntervalSince1970)
        var notes = ["logged    \(cleanRows + driftedRows) predictions of \(production.reference) (the last \(driftedRows) drifted)"]
        for change in result.alerts {
            notes.append("alert     \(change.alert.id) \(change.alert.severity.rawValue) \(change.alert.kind.rawValue) on \(change.alert.subject): \(change.alert.message)")
        }

        // 3. The drift trigger fires, waits out its debounce, and starts the retrain.
        try engine.tick()
        let debounce = TriggerDefinition.all(in: try PipelineEnvironment.loadConfig(workspace), localTimeZone: .current)
            .first { $0.on == "drift" }?.debounce ?? TriggerDefinition.defaultDebounce
        clock.date = Date(timeIntervalSince1970: now - 14 * 60 + debounce + 1)
        try engine.tick()   // starts the run (and, in this process, runs it)
        clock.date = Date(timeIntervalSince1970: now)
        try engine.tick()   // sees it ended
        for line in engineLog where line.contains("fired") || line.contains("started run") || line.contains("ended") {
            notes.append("trigger   \(line)")
        }
        return notes
    }

    /// Scores `customers` with the production version and makes the log's batches, spread from `from` to `to`.
    static func score(_ customers: [ChurnDataGenerator.Customer], scorer: ModelScorer, version: ModelVersionRecord,
                      from: Double, to: Double, scratch: URL) throws -> [PredictionBatch] {
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        let file = scratch.appendingPathComponent("demo-window-\(UUID().uuidString).csv")
        defer { try? FileManager.default.removeItem(at: file) }
        var batches: [PredictionBatch] = []
        let chunks = stride(from: 0, to: customers.count, by: batchRows).map { Array(customers[$0..<min($0 + batchRows, customers.count)]) }
        for (k, chunk) in chunks.enumerated() {
            try Data(ChurnDataGenerator.csv(chunk).utf8).write(to: file)
            let table = try DataTable.load(path: file.path)
            let scored = try scorer.score(table)
            let p = scored.predictions
            let columns = LoggedInputs.columns(of: table, inputs: scorer.model.spec.inputs)
            let values = PredictionScores.values(p, rows: table.rowCount)
            let rows = (0..<table.rowCount).map { r in
                LoggedPrediction(id: UUID().uuidString.lowercased(), callerID: scored.ids?[r], label: p.labels?[r], value: values[r],
                                 probabilities: p.probabilities?[r])
            }
            let time = from + (to - from) * Double(k) / Double(max(1, chunks.count - 1))
            batches.append(PredictionBatch(model: version.model, version: version.version, time: time,
                                           latencies: [Double](repeating: 0.004, count: rows.count), classes: p.classes, columns: columns, rows: rows))
        }
        return batches
    }
}

/// The demo's story clock (the trigger engine reads it on each tick).
final class DemoClock: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Date
    init(_ seconds: Double) { value = Date(timeIntervalSince1970: seconds) }
    var date: Date {
        get { lock.lock(); defer { lock.unlock() }; return value }
        set { lock.lock(); value = newValue; lock.unlock() }
    }
}

/// Starts a triggered run in this process (the QUEUED run is made as ``DetachedTriggerLauncher``
/// makes it, then executed here): for the demo, which must be whole when `mldeck demo` returns.
struct InProcessTriggerLauncher: TriggerLauncher {
    let store: DeckStore

    func queue(_ launch: PipelineLauncher.Launch, config: WorkspaceConfig) throws -> String {
        try PipelineLauncher.queue(launch, store: store, config: config).id
    }

    func start(_ launch: PipelineLauncher.Launch, runID: String) throws {
        let config = try PipelineEnvironment.loadConfig(store.workspace)
        let request = PipelineRunRequest(pipeline: launch.pipeline, params: launch.params, trigger: launch.trigger, existingRunID: runID,
                                         maxParallel: 1, commandLine: PipelineLauncher.commandLine(launch))
        _ = try PipelineExecution(store: store, config: config, request: request).run()
    }
}
