@testable import DeckStore
import XCTest

final class TrackingStoreTests: XCTestCase {
    var ws: TestWorkspace!
    override func setUpWithError() throws { ws = try TestWorkspace() }
    override func tearDown() { ws.cleanup() }

    func testRunRecordsItsFieldsParamsTagsAndMetrics() throws {
        let store = ws.store
        let run = try store.createRun(RunStart(name: "baseline", experiment: "churn", params: ["eta": "0.3"], tags: ["team": "a"],
                                               lineage: RunLineage(datasetVersion: "churn@2", trigger: "manual")))
        try store.logParams(["depth": "6"], run: run)
        try store.setTags(["team": "b"], run: run)
        try store.logMetrics([MetricPoint(key: "loss", value: 0.5, step: 1, timestamp: 1),
                              MetricPoint(key: "loss", value: 0.3, step: 3, timestamp: 3),
                              MetricPoint(key: "loss", value: 0.4, step: 2, timestamp: 2)], run: run)
        try store.logMetrics([MetricPoint(key: "loss", value: 0.2, step: 0, timestamp: 4)], run: run)
        XCTAssertTrue(try store.finishRun(run, status: .finished, exitCode: 0))
        XCTAssertFalse(try store.finishRun(run, status: .failed), "a final state is never overwritten")

        let details = try store.runDetails("baseline")
        XCTAssertEqual(details.run.id, run.id)
        XCTAssertEqual(details.run.experiment, "churn")
        XCTAssertEqual(details.run.status, .finished)
        XCTAssertEqual(details.run.lineage.datasetVersion, "churn@2")
        XCTAssertEqual(details.params, ["eta": "0.3", "depth": "6"])
        XCTAssertEqual(details.tags, ["team": "b"], "tags may change")
        let loss = try XCTUnwrap(details.metrics.first { $0.key == "loss" })
        XCTAssertEqual(loss.last, 0.3, "last is the value at the highest step, as in MLflow")
        XCTAssertEqual(loss.lastStep, 3)
        XCTAssertEqual(loss.min, 0.2)
        XCTAssertEqual(loss.max, 0.5)
        XCTAssertEqual(loss.count, 4)
        let series = try store.metricSeries(run: run, key: "loss")
        XCTAssertEqual(series.map(\.step), [0, 1, 2, 3])
        XCTAssertEqual(series.map(\.value), [0.2, 0.5, 0.4, 0.3])
    }

    /// "Latest" is MLflow's maximum of (step, timestamp, value), NaN lowest — within one batch and
    /// across batches (the summary row that `runs list`, `runs show` and the dashboard read).
    func testLatestIsTheLargestStepThenTimestampThenValue() throws {
        let store = ws.store
        let run = try store.createRun(RunStart(name: "latest"))
        // Same step, a later call with an earlier timestamp: the earlier-logged point stays latest.
        try store.logMetrics([MetricPoint(key: "a", value: 5, step: 1, timestamp: 100)], run: run)
        try store.logMetrics([MetricPoint(key: "a", value: 9, step: 1, timestamp: 50)], run: run)
        // Same step and timestamp: the larger value wins, whatever the order; NaN never wins over a number.
        try store.logMetrics([MetricPoint(key: "b", value: 3, step: 2, timestamp: 10), MetricPoint(key: "b", value: 2, step: 2, timestamp: 10)], run: run)
        try store.logMetrics([MetricPoint(key: "b", value: .nan, step: 2, timestamp: 10)], run: run)
        try store.logMetrics([MetricPoint(key: "c", value: .nan, step: 0, timestamp: 1)], run: run)
        try store.logMetrics([MetricPoint(key: "c", value: 1, step: 0, timestamp: 1)], run: run)
        // A larger step wins even with an older timestamp.
        try store.logMetrics([MetricPoint(key: "d", value: 1, step: 1, timestamp: 9), MetricPoint(key: "d", value: 7, step: 2, timestamp: 1)], run: run)
        let metrics = Dictionary(uniqueKeysWithValues: try store.runDetails(run.id).metrics.map { ($0.key, $0.last) })
        XCTAssertEqual(metrics["a"], 5)
        XCTAssertEqual(metrics["b"], 3)
        XCTAssertEqual(metrics["c"], 1)
        XCTAssertEqual(metrics["d"], 7)
        XCTAssertEqual(try store.listRuns(RunQuery(filter: "metrics.a = 5 and metrics.b = 3")).map(\.run.id), [run.id])
    }

    /// A name used by two runs does not name either: the error lists both ids to choose from.
    func testANameUsedTwiceIsAmbiguous() throws {
        let first = try ws.store.createRun(RunStart(name: "twice"))
        let second = try ws.store.createRun(RunStart(name: "twice"))
        XCTAssertEqual(try ws.store.resolveRun(first.id).id, first.id)
        XCTAssertThrowsError(try ws.store.resolveRun("twice")) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("matches several runs") && text.contains(String(first.id.prefix(8)))
                          && text.contains(String(second.id.prefix(8))), text)
        }
        _ = try ws.store.createRun(RunStart(name: "once"))
        XCTAssertEqual(try ws.store.resolveRun("once").name, "once")
    }

    /// A name that is also a prefix of another run's id names the run with that name.
    func testANameComesBeforeAnIdPrefix() throws {
        let other = try ws.store.createRun(RunStart(name: "other"))
        let prefix = String(other.id.prefix(1))
        let named = try ws.store.createRun(RunStart(name: prefix))
        XCTAssertEqual(try ws.store.resolveRun(prefix).id, named.id)
        XCTAssertEqual(try ws.store.resolveRun(String(other.id.prefix(6))).id, other.id)
    }

    func testParamsAreImmutableOnceSet() throws {
        let run = try ws.store.createRun(RunStart(params: ["eta": "0.3"]))
        XCTAssertNoThrow(try ws.store.logParams(["eta": "0.3"], run: run), "the same value again is fine")
        XCTAssertThrowsError(try ws.store.logParams(["eta": "0.1", "new": "x"], run: run)) { error in
            XCTAssertEqual(error as? TrackingError, .paramChanged(run: run.id, key: "eta", old: "0.3", new: "0.1"))
        }
        XCTAssertEqual(try ws.store.runDetails(run.id).params, ["eta": "0.3"], "a refused batch records nothing")
    }

    func testRunsAreFoundByIdPrefixOrName() throws {
        let a = try ws.store.createRun(RunStart(name: "alpha"))
        _ = try ws.store.createRun(RunStart(name: "beta"))
        XCTAssertEqual(try ws.store.resolveRun(String(a.id.prefix(10))).id, a.id)
        XCTAssertEqual(try ws.store.resolveRun(a.id.uppercased()).id, a.id)
        XCTAssertEqual(try ws.store.resolveRun("alpha").id, a.id)
        XCTAssertThrowsError(try ws.store.resolveRun("gamma")) { XCTAssertEqual($0 as? TrackingError, .runNotFound("gamma")) }
        XCTAssertThrowsError(try ws.store.resolveRun("")) { _ in }
    }

    func testManyMetricPointsRoundTripThroughPackedChunks() throws {
        let run = try ws.store.createRun(RunStart())
        var points: [MetricPoint] = []
        for i in 0..<50_000 { points.append(MetricPoint(key: "k\(i % 5)", value: Double(i), step: Int64(i / 5), timestamp: Double(i))) }
        try ws.store.logMetrics(Array(points[0..<25_000]), run: run)
        try ws.store.logMetrics(Array(points[25_000...]), run: run)
        let series = try ws.store.metricSeries(run: run, key: "k3")
        XCTAssertEqual(series.count, 10_000)
        XCTAssertEqual(series.first?.value, 3)
        XCTAssertEqual(series.last?.value, 49_998)
        XCTAssertEqual(series.last?.step, 9_999)
        XCTAssertEqual(try ws.store.runDetails(run.id).metrics.map(\.count), [10_000, 10_000, 10_000, 10_000, 10_000])
    }

    func testArtifactsAreStoredByHash() throws {
        let run = try ws.store.createRun(RunStart())
        let file = ws.root.appendingPathComponent("model.bin")
        try Data("weights".utf8).write(to: file)
        let artifact = try ws.store.logArtifact(run: run, path: "models/model.bin", file: file)
        XCTAssertEqual(artifact.object, ObjectID.of(Data("weights".utf8)))
        XCTAssertEqual(try ws.store.objects.read(artifact.object), Data("weights".utf8))
        XCTAssertEqual(try ws.store.runDetails(run.id).artifacts.map(\.path), ["models/model.bin"])
    }

    func testExperimentsCountTheirRuns() throws {
        _ = try ws.store.createRuns([RunStart(experiment: "a"), RunStart(experiment: "a"), RunStart(experiment: "b")])
        let experiments = try ws.store.experiments()
        XCTAssertEqual(experiments.map(\.name), ["a", "b"])
        XCTAssertEqual(experiments.map(\.runs), [2, 1])
    }

    func testRunJSONIsStable() throws {
        let run = try ws.store.createRun(RunStart(name: "j", params: ["p": "1"], metrics: [MetricPoint(key: "m", value: 0.5, timestamp: 1)]))
        try ws.store.finishRun(run, status: .finished)
        let rows = try ws.store.listRuns(RunQuery())
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let json = try JSONSerialization.jsonObject(with: encoder.encode(rows)) as! [[String: Any]]
        XCTAssertEqual(json.count, 1)
        let object = json[0]
        XCTAssertEqual(Set(object.keys), ["id", "name", "experiment", "status", "start_time", "end_time", "duration_s", "deleted", "lineage", "params", "metrics", "tags"])
        XCTAssertEqual(object["status"] as? String, "FINISHED")
        XCTAssertEqual((object["metrics"] as? [String: Double])?["m"], 0.5)
        XCTAssertTrue((object["start_time"] as? String)?.hasSuffix("Z") == true)
        let decoded = try JSONDecoder().decode([RunRow].self, from: encoder.encode(rows))
        XCTAssertEqual(decoded[0].run.id, run.id)
        XCTAssertEqual(decoded[0].params, ["p": "1"])
    }
}
