import DeckStore
import DeckTestSupport
import Foundation
import XCTest
@testable import DeckServe

/// MLflow's request semantics on the workspace, without HTTP: the JSON each endpoint answers and
/// the error code and status it refuses with.
final class MLflowServiceTests: XCTestCase {
    var workspace: TemporaryWorkspace!
    var service: MLflowService!

    override func setUpWithError() throws {
        workspace = try TemporaryWorkspace(prefix: "mlflow-service")
        service = try MLflowService(store: workspace.store)
    }

    override func tearDown() { workspace.cleanup() }

    func call(_ endpoint: String, _ body: String) throws -> [String: Any] {
        let text = try service.handle(endpoint, params: try MLflowParams(body: Array(body.utf8)))
        return try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(text.utf8), options: .fragmentsAllowed) as? [String: Any])
    }

    func error(_ endpoint: String, _ body: String) -> MLflowError? {
        do { _ = try call(endpoint, body); return nil } catch let e as MLflowError { return e } catch { return MLflowError("?", "\(error)") }
    }

    func createRun(_ extra: String = "") throws -> String {
        let run = try call("runs/create", "{\"experiment_id\": \"0\", \"start_time\": 1700000000000\(extra)}")
        return try XCTUnwrap(((run["run"] as? [String: Any])?["info"] as? [String: Any])?["run_id"] as? String)
    }

    func testDefaultExperimentIsZeroAndExperimentsAreCreatedOnce() throws {
        let zero = try call("experiments/get", "{\"experiment_id\": \"0\"}")
        XCTAssertEqual((zero["experiment"] as? [String: Any])?["name"] as? String, "Default")
        let created = try call("experiments/create", "{\"name\": \"churn\"}")
        let id = try XCTUnwrap(created["experiment_id"] as? String)
        XCTAssertNotEqual(id, "0")
        let again = error("experiments/create", "{\"name\": \"churn\"}")
        XCTAssertEqual(again?.code, "RESOURCE_ALREADY_EXISTS")
        XCTAssertEqual(again?.status, 400)
        let byName = try call("experiments/get-by-name", "{\"experiment_name\": \"churn\"}")
        XCTAssertEqual((byName["experiment"] as? [String: Any])?["experiment_id"] as? String, id)
        XCTAssertEqual(error("experiments/get-by-name", "{\"experiment_name\": \"nope\"}")?.status, 404)
        XCTAssertEqual(error("experiments/get", "{\"experiment_id\": \"999\"}")?.code, "RESOURCE_DOES_NOT_EXIST")
        _ = try call("experiments/delete", "{\"experiment_id\": \"\(id)\"}")
        let active = try call("experiments/search", "{\"max_results\": 10}")["experiments"] as? [[String: Any]]
        XCTAssertEqual(active?.compactMap { $0["name"] as? String }, ["Default"])
        let deleted = try call("experiments/search", "{\"view_type\": \"DELETED_ONLY\"}")["experiments"] as? [[String: Any]]
        XCTAssertEqual(deleted?.compactMap { $0["name"] as? String }, ["churn"])
    }

    func testParamsAreImmutableTagsMutableAndSystemTagsMapOntoLineage() throws {
        let parent = try createRun()
        let child = try createRun(", \"run_name\": \"kid\", \"tags\": [{\"key\": \"mlflow.parentRunId\", \"value\": \"\(parent)\"}, {\"key\": \"mlflow.source.name\", \"value\": \"train.py\"}, {\"key\": \"mlflow.source.git.commit\", \"value\": \"abc123\"}]")
        let record = try XCTUnwrap(try workspace.store.runRecord(exactID: child))
        XCTAssertEqual(record.name, "kid")
        XCTAssertEqual(record.lineage.parentRunID, parent)
        XCTAssertEqual(record.command, "train.py")
        XCTAssertEqual(record.lineage.gitCommit, "abc123")

        _ = try call("runs/log-parameter", "{\"run_id\": \"\(child)\", \"key\": \"lr\", \"value\": \"0.1\"}")
        _ = try call("runs/log-parameter", "{\"run_id\": \"\(child)\", \"key\": \"lr\", \"value\": \"0.1\"}")
        let changed = error("runs/log-parameter", "{\"run_id\": \"\(child)\", \"key\": \"lr\", \"value\": \"0.2\"}")
        XCTAssertEqual(changed?.code, "INVALID_PARAMETER_VALUE")
        XCTAssertEqual(changed?.status, 400)
        XCTAssertTrue(changed?.message.hasPrefix("Changing param values is not allowed. Param with key='lr' was already logged with value='0.1'") ?? false)

        _ = try call("runs/set-tag", "{\"run_id\": \"\(child)\", \"key\": \"t\", \"value\": \"1\"}")
        _ = try call("runs/set-tag", "{\"run_id\": \"\(child)\", \"key\": \"t\", \"value\": \"2\"}")
        XCTAssertEqual(try workspace.store.runDetails(child).tags["t"], "2")
        _ = try call("runs/delete-tag", "{\"run_id\": \"\(child)\", \"key\": \"t\"}")
        XCTAssertNil(try workspace.store.runDetails(child).tags["t"])
        XCTAssertEqual(error("runs/delete-tag", "{\"run_id\": \"\(child)\", \"key\": \"t\"}")?.status, 404)
        _ = try call("runs/set-tag", "{\"run_id\": \"\(child)\", \"key\": \"mlflow.runName\", \"value\": \"renamed\"}")
        XCTAssertEqual(try workspace.store.runRecord(exactID: child)?.name, "renamed")
    }

    /// Through the group commit (what `mldeck server` does for logging calls), concurrent requests:
    /// each answered for itself — the first param value wins, every other request that would change
    /// it gets MLflow's 400, a deleted or missing run its own error — and every accepted point is kept.
    func testGroupedLoggingCallsAnswerEachRequestForItself() async throws {
        let run = try createRun()
        let deleted = try createRun()
        _ = try call("runs/delete", "{\"run_id\": \"\(deleted)\"}")
        let service = self.service!
        func send(_ endpoint: String, _ body: String) async -> MLflowError? {
            do { _ = try await service.handleLogging(endpoint, params: try MLflowParams(body: Array(body.utf8))); return nil } catch { return error }
        }
        let answers = await withTaskGroup(of: (Int, MLflowError?).self) { group -> [Int: MLflowError?] in
            for i in 0..<60 {
                group.addTask {
                    switch i % 3 {
                    case 0: return (i, await send("runs/log-parameter", "{\"run_id\": \"\(run)\", \"key\": \"lr\", \"value\": \"\(i == 0 ? "0.1" : "0.\(i)")\"}"))
                    case 1: return (i, await send("runs/log-metric", "{\"run_id\": \"\(run)\", \"key\": \"loss\", \"value\": \(i), \"timestamp\": \"1700000000000\", \"step\": \"\(i)\"}"))
                    default: return (i, await send("runs/log-batch", "{\"run_id\": \"\(i == 2 ? deleted : i == 5 ? String(repeating: "f", count: 32) : run)\", \"metrics\": [{\"key\": \"acc\", \"value\": 0.5, \"timestamp\": 1, \"step\": \"\(i)\"}]}"))
                    }
                }
            }
            var all: [Int: MLflowError?] = [:]
            for await (i, answer) in group { all[i] = answer }
            return all
        }
        let params = try workspace.store.runDetails(run).params
        let winner = try XCTUnwrap(params["lr"])
        for i in stride(from: 0, to: 60, by: 3) {
            let value = i == 0 ? "0.1" : "0.\(i)"
            if value == winner { XCTAssertNil(answers[i] ?? nil, "request \(i)"); continue }
            let refusal = try XCTUnwrap(answers[i] ?? nil, "request \(i) would change lr")
            XCTAssertEqual(refusal.status, 400)
            XCTAssertEqual(refusal.message, "Changing param values is not allowed. Param with key='lr' was already logged with value='\(winner)' for run ID='\(run)'. Attempted logging new value '\(value)'.")
        }
        XCTAssertEqual((answers[2] ?? nil)?.message, "The run \(deleted) must be in the 'active' state. Current state is deleted.")
        XCTAssertEqual((answers[5] ?? nil)?.status, 404)
        let others = answers.filter { $0.key % 3 != 0 && $0.key != 2 && $0.key != 5 }
        XCTAssertEqual(others.count, 38)
        XCTAssertTrue(others.allSatisfy { $0.value == nil }, "\(others.filter { $0.value != nil })")
        let metrics = try workspace.store.runDetails(run).metrics
        XCTAssertEqual(metrics.first { $0.key == "loss" }?.count, 20)
        XCTAssertEqual(metrics.first { $0.key == "acc" }?.count, 18)
        XCTAssertEqual(metrics.first { $0.key == "loss" }?.last, 58, "the latest point is the largest step")
    }

    func testMetricsTakeNaNAndInfinityAsStringsAndInt64AsStrings() throws {
        let run = try createRun()
        _ = try call("runs/log-batch", """
            {"run_id": "\(run)", "metrics": [
              {"key": "m", "value": "NaN", "timestamp": "1700000000001", "step": "0"},
              {"key": "m", "value": 2.5, "timestamp": 1700000000002, "step": 1},
              {"key": "m", "value": "Infinity", "timestamp": 1700000000003, "step": 2},
              {"key": "m", "value": "-Infinity", "timestamp": 1700000000004, "step": 2}]}
            """)
        let history = try call("metrics/get-history", "{\"run_id\": \"\(run)\", \"metric_key\": \"m\"}")["metrics"] as? [[String: Any]]
        XCTAssertEqual(history?.count, 4)
        XCTAssertEqual(history?.first?["value"] as? String, "NaN")
        XCTAssertEqual(history?.first?["timestamp"] as? Int, 1_700_000_000_001)
        XCTAssertEqual(history?[2]["value"] as? String, "Infinity")
        // Latest = largest (step, timestamp, value): step 2, the later timestamp.
        let got = try call("runs/get", "{\"run_id\": \"\(run)\"}")
        let metrics = ((got["run"] as? [String: Any])?["data"] as? [String: Any])?["metrics"] as? [[String: Any]]
        XCTAssertEqual(metrics?.first?["value"] as? String, "-Infinity")
        XCTAssertEqual(metrics?.first?["step"] as? Int, 2)
        let paged = try call("metrics/get-history", "{\"run_id\": \"\(run)\", \"metric_key\": \"m\", \"max_results\": 3}")
        let token = try XCTUnwrap(paged["next_page_token"] as? String)
        let rest = try call("metrics/get-history", "{\"run_id\": \"\(run)\", \"metric_key\": \"m\", \"max_results\": 3, \"page_token\": \"\(token)\"}")
        XCTAssertEqual((rest["metrics"] as? [[String: Any]])?.count, 1)
        XCTAssertNil(rest["next_page_token"])
    }

    /// runs/get and runs/search answer each metric at its latest point — value, step and
    /// timestamp of the largest (step, timestamp, value) — across separate calls, as MLflow does.
    func testSearchAndGetAnswerTheLatestPointsStepAndTimestamp() throws {
        let run = try createRun()
        let calls: [(step: Int, time: Int64, value: Double)] = [(3, 1_700_000_000_500, 0.3), (1, 1_700_000_000_900, 0.1),
                                                                (3, 1_700_000_000_700, 0.35), (2, 1_700_000_001_000, 0.2)]
        for c in calls {
            _ = try call("runs/log-metric", "{\"run_id\": \"\(run)\", \"key\": \"auc\", \"value\": \(c.value), \"timestamp\": \"\(c.time)\", \"step\": \"\(c.step)\"}")
        }
        let latest = try XCTUnwrap(calls.max { ($0.step, $0.time, $0.value) < ($1.step, $1.time, $1.value) })
        func auc(_ runJSON: [String: Any]?) -> [String: Any]? {
            ((runJSON?["data"] as? [String: Any])?["metrics"] as? [[String: Any]])?.first { $0["key"] as? String == "auc" }
        }
        let got = auc(try call("runs/get", "{\"run_id\": \"\(run)\"}")["run"] as? [String: Any])
        let found = auc((try call("runs/search", "{\"experiment_ids\": [\"0\"], \"filter\": \"metrics.auc > 0\"}")["runs"] as? [[String: Any]])?.first)
        for (answer, name) in [(got, "runs/get"), (found, "runs/search")] {
            XCTAssertEqual(answer?["value"] as? Double, latest.value, name)
            XCTAssertEqual(answer?["step"] as? Int, latest.step, name)
            XCTAssertEqual((answer?["timestamp"] as? NSNumber)?.int64Value, latest.time, name)
        }
    }

    /// A page large enough to be written in two halves at once comes back whole and in order.
    func testALargePageIsWholeAndInOrder() throws {
        let store = workspace.store
        var expected: [(id: String, score: Double)] = []
        for i in 0..<450 {
            let run = try store.createRun(RunStart(name: "r\(i)", experiment: MLflowService.defaultExperiment, params: ["i": "\(i)"]))
            let score = Double((i * 7919) % 450)
            try store.logMetrics([MetricPoint(key: "score", value: score, step: 0, timestamp: 1)], run: run)
            expected.append((run.id, score))
        }
        expected.sort { $0.score > $1.score }
        var seen: [String] = []
        var token = ""
        repeat {
            let page = try call("runs/search", "{\"experiment_ids\": [\"0\"], \"order_by\": [\"metrics.score DESC\"], \"max_results\": 300\(token)}")
            let runs = try XCTUnwrap(page["runs"] as? [[String: Any]])
            seen += runs.compactMap { ($0["info"] as? [String: Any])?["run_id"] as? String }
            for run in runs {
                let params = ((run["data"] as? [String: Any])?["params"] as? [[String: Any]]) ?? []
                XCTAssertEqual(params.count, 1, "each run keeps its own params")
            }
            token = (page["next_page_token"] as? String).map { ", \"page_token\": \"\($0)\"" } ?? ""
        } while !token.isEmpty
        XCTAssertEqual(seen, expected.map(\.id))
    }

    func testLimitsAndViewTypes() throws {
        let run = try createRun()
        let metrics = (0...1000).map { "{\"key\": \"k\", \"value\": \($0), \"timestamp\": 1}" }.joined(separator: ",")
        XCTAssertEqual(error("runs/log-batch", "{\"run_id\": \"\(run)\", \"metrics\": [\(metrics)]}")?.status, 400)
        let longKey = String(repeating: "k", count: 251)
        XCTAssertEqual(error("runs/log-parameter", "{\"run_id\": \"\(run)\", \"key\": \"\(longKey)\", \"value\": \"1\"}")?.code, "INVALID_PARAMETER_VALUE")
        let longValue = String(repeating: "v", count: 7000)
        _ = try call("runs/log-parameter", "{\"run_id\": \"\(run)\", \"key\": \"long\", \"value\": \"\(longValue)\"}")
        XCTAssertEqual(try workspace.store.runDetails(run).params["long"]?.count, 6000)
        XCTAssertEqual(error("runs/search", "{\"experiment_ids\": [\"0\"], \"max_results\": 50001}")?.status, 400)
        XCTAssertEqual(error("runs/search", "{\"experiment_ids\": [\"0\"], \"filter\": \"metrics. >\"}")?.status, 400)
        XCTAssertEqual(error("runs/get", "{\"run_id\": \"ffffffffffffffffffffffffffffffff\"}")?.status, 404)
        XCTAssertEqual(error("runs/get", "{}")?.status, 400)
        XCTAssertEqual(error("runs/nope", "{}")?.code, "ENDPOINT_NOT_FOUND")

        _ = try call("runs/delete", "{\"run_id\": \"\(run)\"}")
        func ids(_ view: String) throws -> [String] {
            let runs = try call("runs/search", "{\"experiment_ids\": [\"0\"], \"run_view_type\": \"\(view)\"}")["runs"] as? [[String: Any]] ?? []
            return runs.compactMap { ($0["info"] as? [String: Any])?["run_id"] as? String }
        }
        let other = try createRun()
        XCTAssertEqual(try ids("ACTIVE_ONLY"), [other])
        XCTAssertEqual(try ids("DELETED_ONLY"), [run])
        XCTAssertEqual(Set(try ids("ALL")), [run, other])
        XCTAssertEqual(error("runs/log-metric", "{\"run_id\": \"\(run)\", \"key\": \"m\", \"value\": 1, \"timestamp\": 1}")?.code, "INVALID_PARAMETER_VALUE")
        _ = try call("runs/restore", "{\"run_id\": \"\(run)\"}")
        XCTAssertEqual(Set(try ids("ACTIVE_ONLY")), [run, other])
    }

    func testSearchPagesWithOpaqueTokensInOrder() throws {
        var ids: [String] = []
        for i in 0..<5 {
            let run = try createRun()
            _ = try call("runs/log-metric", "{\"run_id\": \"\(run)\", \"key\": \"score\", \"value\": \(i), \"timestamp\": 1}")
            ids.append(run)
        }
        var seen: [String] = [], token: String?
        repeat {
            let tokenField = token.map { ", \"page_token\": \"\($0)\"" } ?? ""
            let page = try call("runs/search", "{\"experiment_ids\": [\"0\"], \"filter\": \"metrics.score >= 1\", \"order_by\": [\"metrics.score DESC\"], \"max_results\": 2\(tokenField)}")
            seen += (page["runs"] as? [[String: Any]] ?? []).compactMap { ($0["info"] as? [String: Any])?["run_id"] as? String }
            token = page["next_page_token"] as? String
        } while token != nil
        XCTAssertEqual(seen, Array(ids[1...].reversed()))
        let inIDs = try call("runs/search", "{\"experiment_ids\": [\"0\"], \"filter\": \"attributes.run_id IN ('\(ids[0])', '\(ids[3])')\"}")
        XCTAssertEqual(Set((inIDs["runs"] as? [[String: Any]] ?? []).compactMap { ($0["info"] as? [String: Any])?["run_id"] as? String }), [ids[0], ids[3]])
        XCTAssertEqual(error("runs/search", "{\"experiment_ids\": [\"0\"], \"page_token\": \"garbage\"}")?.status, 400)
    }

    func testUpdateEndsTheRunAndQueryStringsParse() throws {
        let run = try createRun()
        let updated = try call("runs/update", "{\"run_id\": \"\(run)\", \"status\": \"FAILED\", \"end_time\": 1700000005000, \"run_name\": \"n\"}")
        XCTAssertEqual((updated["run_info"] as? [String: Any])?["status"] as? String, "FAILED")
        XCTAssertEqual((updated["run_info"] as? [String: Any])?["end_time"] as? Int, 1_700_000_005_000)
        XCTAssertEqual(try workspace.store.runRecord(exactID: run)?.status, .failed)
        let params = MLflowParams(queryString: "run_uuid=\(run)&metric_key=a%20b&experiment_ids=1&experiment_ids=2")
        XCTAssertEqual(try params.string("metric_key"), "a b")
        XCTAssertEqual(try params.strings("experiment_ids"), ["1", "2"])
        XCTAssertEqual(try service.run(params).id, run)
    }

    func testArtifactPathsRefuseTraversal() throws {
        for bad in ["0/r/artifacts/../x", "0/r/artifacts/%2e%2e/x", "0/r/artifacts/%252E%252E/x", "0/r/artifacts/a\\b", "0/r/artifacts/..%2fx"] {
            XCTAssertThrowsError(try MLflowArtifactPath(raw: bad), bad) { XCTAssertEqual(($0 as? MLflowError)?.status, 400, bad) }
        }
        let ok = try MLflowArtifactPath(raw: "/3/abc/artifacts/plots/a%20b.csv")
        XCTAssertEqual(ok, MLflowArtifactPath(runID: "abc", path: "plots/a b.csv"))
    }
}

/// Experiment tags and deletion are kept in the workspace: a restarted server still has them.
final class MLflowExperimentStateTests: XCTestCase {
    func testExperimentTagsAndDeletionOutlastTheServer() throws {
        let workspace = try TemporaryWorkspace(prefix: "mlflow-experiment-state")
        defer { workspace.cleanup() }
        func call(_ service: MLflowService, _ endpoint: String, _ body: String) throws -> [String: Any] {
            let text = try service.handle(endpoint, params: try MLflowParams(body: Array(body.utf8)))
            return try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        }
        let first = try MLflowService(store: workspace.store)
        let id = try XCTUnwrap(try call(first, "experiments/create", "{\"name\": \"kept\", \"tags\": [{\"key\": \"team\", \"value\": \"ml\"}]}")["experiment_id"] as? String)
        _ = try call(first, "experiments/set-experiment-tag", "{\"experiment_id\": \"\(id)\", \"key\": \"stage\", \"value\": \"dev\"}")
        _ = try call(first, "experiments/delete", "{\"experiment_id\": \"\(id)\"}")

        let restarted = try MLflowService(store: try workspace.reopen())
        let got = try XCTUnwrap(try call(restarted, "experiments/get", "{\"experiment_id\": \"\(id)\"}")["experiment"] as? [String: Any])
        XCTAssertEqual(got["lifecycle_stage"] as? String, "deleted")
        let tags = (got["tags"] as? [[String: Any]] ?? []).reduce(into: [String: String]()) { $0[$1["key"] as? String ?? ""] = $1["value"] as? String }
        XCTAssertEqual(tags, ["team": "ml", "stage": "dev"])
        XCTAssertThrowsError(try call(restarted, "runs/create", "{\"experiment_id\": \"\(id)\"}"), "a deleted experiment takes no runs")
        _ = try call(restarted, "experiments/restore", "{\"experiment_id\": \"\(id)\"}")
        XCTAssertEqual(try workspace.store.experimentState(id: try XCTUnwrap(Int64(id))).deleted, false)
    }
}

/// `--inactive-after`: runs with no call for that long are FAILED with the reason; a later call revives them.
final class MLflowInactivityTests: XCTestCase {
    func testQuietRunsFailWithTheReasonAndACallRevivesThem() throws {
        let workspace = try TemporaryWorkspace(prefix: "mlflow-inactive")
        defer { workspace.cleanup() }
        let service = try MLflowService(store: workspace.store, inactiveAfter: 60)
        func call(_ endpoint: String, _ body: String) throws -> String {
            try service.handle(endpoint, params: try MLflowParams(body: Array(body.utf8)))
        }
        func create() throws -> String {
            let text = try call("runs/create", "{\"experiment_id\": \"0\"}")
            let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
            return try XCTUnwrap(((json["run"] as? [String: Any])?["info"] as? [String: Any])?["run_id"] as? String)
        }
        let quiet = try create(), busy = try create()
        // A run with an owning process (an MLDeck run) is judged by its owner, not by calls.
        let owned = try workspace.store.createRun(RunStart(name: "owned", experiment: "Default", owner: .current)).id
        let now = Date().timeIntervalSince1970
        XCTAssertEqual(try service.failInactiveRuns(now: now + 30), [], "nothing is quiet for 60 s yet")
        _ = try call("runs/log-metric", "{\"run_id\": \"\(busy)\", \"key\": \"m\", \"value\": 1, \"timestamp\": 1700000000000}")
        let failed = try service.failInactiveRuns(now: Date().timeIntervalSince1970 + 61)
        XCTAssertTrue(failed.contains(quiet))
        XCTAssertFalse(failed.contains(owned))
        let record = try XCTUnwrap(try workspace.store.runRecord(exactID: quiet))
        XCTAssertEqual(record.status, .failed)
        XCTAssertTrue(record.statusReason?.contains("no MLflow call for 1m") == true, record.statusReason ?? "nil")
        XCTAssertNotNil(record.endTime)
        XCTAssertEqual(try workspace.store.runRecord(exactID: owned)?.status, .running)

        // The next call for the run revives it, and the call itself succeeds.
        _ = try call("runs/log-metric", "{\"run_id\": \"\(quiet)\", \"key\": \"m\", \"value\": 2, \"timestamp\": 1700000000000}")
        let revived = try XCTUnwrap(try workspace.store.runRecord(exactID: quiet))
        XCTAssertEqual(revived.status, .running)
        XCTAssertNil(revived.statusReason)
        XCTAssertNil(revived.endTime)

        // A run the client ended FAILED itself is not revived by a later call.
        _ = try call("runs/update", "{\"run_id\": \"\(busy)\", \"status\": \"FAILED\"}")
        _ = try call("runs/set-tag", "{\"run_id\": \"\(busy)\", \"key\": \"k\", \"value\": \"v\"}")
        XCTAssertEqual(try workspace.store.runRecord(exactID: busy)?.status, .failed)
    }

    func testOffByDefault() throws {
        let workspace = try TemporaryWorkspace(prefix: "mlflow-inactive-off")
        defer { workspace.cleanup() }
        let service = try MLflowService(store: workspace.store)
        _ = try service.handle("runs/create", params: try MLflowParams(body: Array("{\"experiment_id\": \"0\"}".utf8)))
        XCTAssertEqual(try service.failInactiveRuns(now: Date().timeIntervalSince1970 + 1e8), [])
    }
}
