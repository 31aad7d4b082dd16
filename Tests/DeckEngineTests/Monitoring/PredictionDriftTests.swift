@testable import DeckEngine
import DeckML
import DeckStore
import DeckTestSupport
import Foundation
import XCTest

/// Drift of the predictions themselves (the monitor's `prediction` row) against the model's scores
/// on its test split, compared with SciPy and Evidently; the scores stored at registration and, for
/// a version registered without them, computed and stored on first use; new categories and
/// changed missing-value rates named in the alert.
final class PredictionDriftTests: XCTestCase {
    var ws: TemporaryWorkspace!
    var log: PredictionLog!

    override func setUpWithError() throws {
        ws = try TemporaryWorkspace(prefix: "prediction-drift")
        log = try PredictionLog.open(ws.store.workspace)
    }

    override func tearDownWithError() throws { ws?.cleanup() }

    /// A version whose reference is x = 0…99 ten times, c = a/b alternating, and `scores` as its test-split scores.
    func register(_ model: String, scores: [Double]?) throws -> ModelVersionRecord {
        let xs = (0..<1000).map { Double($0 % 100) }.sorted()
        let reference = ReferenceData(rows: 1000, columns: [
            ReferenceData.Column(name: "x", type: "float", count: 1000, missing: 0, sortedValues: xs, categories: nil,
                                 statistics: ReferenceData.numericStatistics(xs)),
            ReferenceData.Column(name: "c", type: "categorical", count: 1000, missing: 0, sortedValues: [],
                                 categories: [.init(value: "a", count: 500), .init(value: "b", count: 500)], statistics: .empty),
        ], predictions: scores.map { ReferenceData.predictionsColumn($0) })
        return try ws.store.registerModelVersion(NewModelVersion(
            model: model, modelObject: try ws.store.objects.put(Data("model".utf8)), referenceObject: try ws.store.objects.put(try reference.encoded()),
            task: "binary", signature: [SignatureColumn(name: "x", type: "float"), SignatureColumn(name: "c", type: "categorical")]))
    }

    /// Logs one row per score; inputs drawn like the reference unless `x` / `c` are given.
    func logRows(_ model: String, scores: [Double], x: [Double]? = nil, c: [String?]? = nil) throws {
        let n = scores.count
        let rows = scores.map { LoggedPrediction(id: UUID().uuidString, callerID: nil, label: $0 >= 0.5 ? "yes" : "no", value: $0, probabilities: [1 - $0, $0]) }
        try log.write([PredictionBatch(model: model, version: 1, time: 10, latencies: [Double](repeating: 0.001, count: n), classes: ["no", "yes"],
                                       columns: [LoggedColumn(name: "x", values: .numbers(x ?? (0..<n).map { Double($0 % 100) })),
                                                 LoggedColumn(name: "c", values: .text(c ?? (0..<n).map { $0 % 2 == 0 ? "a" : "b" }))],
                                       rows: rows)])
    }

    func testThePredictionRowAgreesWithSciPyAndEvidently() throws {
        for f in PredictionDriftFixtures.all {
            let model = "m-" + f.name.lowercased()
            let version = try register(model, scores: f.reference)
            try logRows(model, scores: f.current)
            let monitor = ModelMonitor(store: ws.store, spec: MonitorSpec(model: model, window: .lastPredictions(f.current.count)))
            let result = try monitor.checkPredictions(version, log: log, now: 100)
            XCTAssertNil(result.note, f.name)
            let row = try XCTUnwrap(result.drift?["prediction"], f.name)
            XCTAssertTrue(row.automatic, f.name)
            XCTAssertEqual(row.type, .numerical, f.name)
            XCTAssertEqual(row.test.rawValue, f.evidentlyTest, "\(f.name): the test Evidently chooses for a float column of this size")
            XCTAssertEqual(row.drifted, f.evidentlyDrifted, f.name)
            XCTAssertEqual(row.referenceRows, f.reference.count, f.name)
            XCTAssertEqual(row.currentRows, f.current.count, f.name)
            let score = try XCTUnwrap(row.score, f.name)
            if row.test == .ks {
                XCTAssertEqual(try XCTUnwrap(row.statistic), f.ksStatistic, accuracy: 1e-9, f.name)
                XCTAssertEqual(score, f.ksPValue, accuracy: 1e-6, f.name)
            } else {
                XCTAssertEqual(score, f.wasserstein / max(f.referenceStd, 0.001), accuracy: 1e-9, "\(f.name): SciPy's distance over the population std")
            }
            XCTAssertEqual(score, f.evidentlyScore, accuracy: 1e-6, f.name)
            // The inputs come from the reference's distribution: only the predictions can drift.
            XCTAssertEqual(result.driftedFeatures, f.evidentlyDrifted ? ["prediction"] : [], f.name)
            if f.evidentlyDrifted {
                let alert = try XCTUnwrap(result.alerts.first?.alert, f.name)
                let feature = try XCTUnwrap(alert.features.first { $0.name == "prediction" }, f.name)
                XCTAssertTrue(feature.drifted, f.name)
                XCTAssertNotNil(feature.histogram, "\(f.name): the scores' histogram is kept with the alert")
                XCTAssertTrue(alert.message.contains("prediction"), alert.message)
            } else {
                XCTAssertEqual(result.alerts, [], f.name)
            }
        }
    }

    func testAMonitorSetsThePredictionRowsTestAndItsColumnsCanLeaveItOut() throws {
        let f = PredictionDriftFixtures.largeShifted
        let version = try register("m", scores: f.reference)
        try logRows("m", scores: f.current)
        var spec = MonitorSpec(model: "m", window: .lastPredictions(f.current.count))
        spec.drift.perColumn["prediction"] = DriftOptions.Column(test: .ks)
        let ks = try ModelMonitor(store: ws.store, spec: spec).checkPredictions(version, log: log, now: 100)
        XCTAssertEqual(ks.drift?["prediction"]?.test, .ks)
        XCTAssertEqual(try XCTUnwrap(ks.drift?["prediction"]?.statistic), f.ksStatistic, accuracy: 1e-9)
        XCTAssertEqual(try XCTUnwrap(ks.drift?["prediction"]?.pValue), f.ksPValue, accuracy: 1e-6)
        spec.drift.perColumn = [:]
        spec.drift.columns = ["x"]
        let inputsOnly = try ModelMonitor(store: ws.store, spec: spec).checkPredictions(version, log: log, now: 200)
        XCTAssertEqual(inputsOnly.drift?.columns.map(\.column), ["x"])
    }

    func testAVersionWithoutScoresAndNoModelToScoreWithSaysWhyAndStillJudgesItsInputs() throws {
        let version = try register("m", scores: nil)
        try logRows("m", scores: PredictionDriftFixtures.largeShifted.current, x: (0..<500).map { Double($0 % 100) + 40 })
        let result = try ModelMonitor(store: ws.store, spec: MonitorSpec(model: "m", window: .lastPredictions(500))).checkPredictions(version, log: log, now: 100)
        XCTAssertTrue(result.judged)
        XCTAssertNil(result.drift?["prediction"])
        XCTAssertEqual(result.driftedFeatures, ["x"])
        XCTAssertTrue(result.note?.hasPrefix("prediction drift not judged: ") ?? false, result.note ?? "no note")
        XCTAssertEqual(try ws.store.modelVersion(ModelReference(parsing: "m@1")).referenceObject, version.referenceObject, "nothing replaced")
    }

    func testNewCategoriesAndChangedMissingRatesAreNamedInTheAlert() throws {
        let f = PredictionDriftFixtures.largeSame
        let version = try register("m", scores: f.reference)
        let n = f.current.count
        // x: 30 % missing (0 % in the reference), the rest shifted; c: a new category `z` in every fifth row.
        let x = (0..<n).map { $0 % 10 < 3 ? Double.nan : Double($0 % 100) + 40 }
        let c: [String?] = (0..<n).map { $0 % 5 == 0 ? "z" : ($0 % 2 == 0 ? "a" : "b") }
        try logRows("m", scores: f.current, x: x, c: c)
        let result = try ModelMonitor(store: ws.store, spec: MonitorSpec(model: "m", window: .lastPredictions(n))).checkPredictions(version, log: log, now: 100)
        let alert = try XCTUnwrap(result.alerts.first?.alert)
        let cFeature = try XCTUnwrap(alert.features.first { $0.name == "c" })
        XCTAssertEqual(cFeature.unseenCategories, ["z"])
        let xFeature = try XCTUnwrap(alert.features.first { $0.name == "x" })
        XCTAssertEqual(xFeature.referenceMissingShare, 0)
        XCTAssertEqual(try XCTUnwrap(xFeature.currentMissingShare), 0.3, accuracy: 1e-12)
        XCTAssertTrue(alert.message.contains("new categories in c"), alert.message)
        XCTAssertTrue(alert.message.contains("missing values changed in x"), alert.message)
        let shown = AlertText.show(alert)
        XCTAssertTrue(shown.contains("NEW CATEGORIES"), shown)
        XCTAssertTrue(shown.contains("0% → 30.0%"), shown)
        // Stored and read back as recorded.
        let stored = try ws.store.alert(id: alert.id)
        XCTAssertEqual(stored.features.first { $0.name == "c" }?.unseenCategories, ["z"])
        XCTAssertEqual(stored.features.first { $0.name == "x" }?.currentMissingShare ?? 0, 0.3, accuracy: 1e-12)
    }

    func testTheRegisterStepStoresTheScoresOnTheTestSplitAndAnOlderVersionGetsThemOnFirstUse() throws {
        let pipeline = try PipelineTestWorkspace(yaml: PipelineYAML.standard())
        let outcome = try pipeline.run("p")
        XCTAssertEqual(outcome.status, .finished, outcome.reason ?? "")
        let store = pipeline.store
        let v1 = try store.modelVersion(ModelReference(parsing: "m@1"))
        let stored = try ReferenceData.decode(try store.objects.read(try XCTUnwrap(v1.referenceObject)))
        let predictions = try XCTUnwrap(stored.predictions, "the register step stores the scores")
        let split = try SplitFile.read(store.workspace.runDirectory(outcome.runID).appendingPathComponent("steps/prepare"))
        XCTAssertEqual(predictions.count + predictions.missing, split.test.count)
        let table = try DataTable.load(path: pipeline.root.appendingPathComponent("data.csv").path)
        let model = try LoadedModel.load(store: store, version: v1)
        XCTAssertEqual(predictions.sortedValues, try model.predict(table, rows: split.test).values.sorted(), "the model's scores on its test split")

        // The same version registered before scores were stored: its reference has none.
        var old = stored
        old.predictions = nil
        let v2 = try store.registerModelVersion(NewModelVersion(
            model: "m", modelObject: v1.modelObject, preprocessingObject: v1.preprocessingObject, referenceObject: try store.objects.put(try old.encoded()),
            task: v1.task, signature: v1.signature, runID: v1.runID, datasetName: v1.datasetName, datasetVersionNumber: v1.datasetVersionNumber,
            datasetHash: v1.datasetHash))
        let reference = try MonitorReference.load(v2, store: store)
        XCTAssertNil(reference.predictionsNote)
        XCTAssertEqual(reference.predictions, predictions.sortedValues, "computed from its run's test split on first use")
        let after = try store.modelVersion(ModelReference(parsing: "m@2"))
        XCTAssertNotEqual(after.referenceObject, v2.referenceObject, "stored with the version")
        XCTAssertEqual(try ReferenceData.decode(try store.objects.read(try XCTUnwrap(after.referenceObject))).predictions, predictions)
        XCTAssertEqual(try MonitorReference.load(after, store: store).predictions, predictions.sortedValues, "read back, not scored again")
    }
}
