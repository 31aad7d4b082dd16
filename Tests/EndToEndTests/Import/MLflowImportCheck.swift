import Foundation
import XCTest

/// Compares a workspace after `mldeck import mlflow` with what the MLflow client read from the
/// source store (fixtures/mlflow-import/expected-*.json), run by run, through the CLI's JSON
/// (logged models: MLflowImportCheck+LoggedModels.swift).
enum MLflowImportCheck {
    static func compare(workspace: URL, expected: [String: Any], file: StaticString = #filePath, line: UInt = #line) throws {
        let runs = try XCTUnwrap(expected["runs"] as? [[String: Any]])
        XCTAssertGreaterThanOrEqual(runs.count, 10, "the fixture holds ~10 runs", file: file, line: line)
        let logged = loggedModelArtifacts(expected)
        for run in runs { try compareRun(run, extraArtifacts: logged[run["run_id"] as? String ?? ""] ?? [], workspace: workspace, file: file, line: line) }
        let experiments = try XCTUnwrap(try CLI.json(["experiments", "list"], in: workspace) as? [[String: Any]])
        let names = Set(experiments.compactMap { $0["name"] as? String })
        for e in try XCTUnwrap(expected["experiments"] as? [[String: Any]]) {
            XCTAssertTrue(names.contains(e["name"] as? String ?? "?"), "experiment \(e["name"] ?? "?") missing", file: file, line: line)
        }
        let runless = Set(runlessVersions(expected).map { "\($0.model)|\($0.version)" })
        for model in try XCTUnwrap(expected["registered_models"] as? [[String: Any]]) {
            try compareModel(model, skipped: runless, workspace: workspace, file: file, line: line)
        }
        try compareLoggedModels(expected, workspace: workspace, file: file, line: line)
    }

    /// MLflow's statuses as MLDeck names them.
    static func status(_ mlflow: String) -> String { mlflow == "SCHEDULED" ? "QUEUED" : mlflow }

    /// Epoch milliseconds of an ISO 8601 time printed by the CLI.
    static func millis(_ text: Any?) -> Int64? {
        guard let text = text as? String else { return nil }
        let style = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
        guard let date = try? style.parse(text) else { return nil }
        return Int64((date.timeIntervalSince1970 * 1000).rounded())
    }

    /// A metric value from either side as comparable text ("nan", "inf", "-inf" or the number).
    static func value(_ v: Any?) -> String {
        if let s = v as? String {
            switch s.lowercased() {
            case "nan": return "nan"
            case "inf", "infinity": return "inf"
            case "-inf", "-infinity": return "-inf"
            default: return s
            }
        }
        if let d = (v as? NSNumber)?.doubleValue { return String(d) }
        return "?"
    }

    /// `extraArtifacts` ("path:size"): the files of the MLflow 3 logged models the run logged, which
    /// the import keeps among its artifacts under `models/<model_id>/`.
    static func compareRun(_ run: [String: Any], extraArtifacts: [String], workspace: URL, file: StaticString, line: UInt) throws {
        let id = try XCTUnwrap(run["run_id"] as? String)
        let shown = try XCTUnwrap(try CLI.json(["runs", "show", id], in: workspace) as? [String: Any], id)
        let what = "run \(id) (\(run["name"] ?? "?"))"
        XCTAssertEqual(shown["id"] as? String, id, what, file: file, line: line)
        XCTAssertEqual(shown["name"] as? String, run["name"] as? String, what, file: file, line: line)
        XCTAssertEqual(shown["experiment"] as? String, run["experiment"] as? String, what, file: file, line: line)
        XCTAssertEqual(shown["status"] as? String, status(run["status"] as? String ?? ""), what, file: file, line: line)
        XCTAssertEqual(shown["deleted"] as? Bool, run["deleted"] as? Bool, what, file: file, line: line)
        // Times print with milliseconds; the formatter may truncate rather than round (±1 ms).
        func close(_ a: Int64?, _ b: Int64?) -> Bool { a == b || (a != nil && b != nil && abs(a! - b!) <= 1) }
        XCTAssertTrue(close(millis(shown["start_time"]), (run["start_time"] as? NSNumber)?.int64Value), "\(what): start \(shown["start_time"] ?? "-")", file: file, line: line)
        XCTAssertTrue(close(millis(shown["end_time"]), (run["end_time"] as? NSNumber)?.int64Value), "\(what): end \(shown["end_time"] ?? "-")", file: file, line: line)
        let params = run["params"] as? [String: String] ?? [:], tags = run["tags"] as? [String: String] ?? [:]
        XCTAssertEqual(shown["params"] as? [String: String], params, what, file: file, line: line)
        XCTAssertEqual(shown["tags"] as? [String: String], tags, what, file: file, line: line)
        let lineage = shown["lineage"] as? [String: Any] ?? [:]
        XCTAssertEqual(lineage["parent_run_id"] as? String, tags["mlflow.parentRunId"], "\(what): parent", file: file, line: line)
        XCTAssertEqual(lineage["git_commit"] as? String, tags["mlflow.source.git.commit"], "\(what): git commit", file: file, line: line)
        XCTAssertEqual(shown["command"] as? String, tags["mlflow.source.name"], "\(what): command", file: file, line: line)

        // Full histories, point by point, and the latest value by MLflow's rule.
        let expectedSeries = run["metrics"] as? [String: [[String: Any]]] ?? [:]
        let series = shown["series"] as? [String: [[String: Any]]] ?? [:]
        XCTAssertEqual(Set(series.keys), Set(expectedSeries.keys), what, file: file, line: line)
        typealias Point = (step: Int64, time: Int64, value: String)
        func points(_ list: [[String: Any]], time: (Any?) -> Int64?) -> [Point] {
            list.map { (($0["step"] as? NSNumber)?.int64Value ?? -1, time($0["timestamp"]) ?? -1, value($0["value"])) }
                .sorted { ($0.step, $0.time, $0.value) < ($1.step, $1.time, $1.value) }
        }
        for (key, list) in expectedSeries {
            let got = points(series[key] ?? [], time: millis), want = points(list, time: { ($0 as? NSNumber)?.int64Value })
            let same = got.count == want.count && zip(got, want).allSatisfy { $0.step == $1.step && $0.value == $1.value && close($0.time, $1.time) }
            XCTAssertTrue(same, "\(what): metric \(key): \(got) != \(want)", file: file, line: line)
        }
        let latest = Dictionary((shown["metrics"] as? [[String: Any]] ?? []).map { ($0["key"] as? String ?? "", value($0["last"])) },
                                uniquingKeysWith: { a, _ in a })
        for (key, v) in run["latest"] as? [String: Any] ?? [:] {
            XCTAssertEqual(latest[key], value(v), "\(what): latest \(key)", file: file, line: line)
        }

        let artifacts = (shown["artifacts"] as? [[String: Any]] ?? []).map { "\($0["path"] ?? "?"):\($0["size"] ?? "?")" }.sorted()
        let expectedArtifacts = ((run["artifacts"] as? [[String: Any]] ?? []).map { "\($0["path"] ?? "?"):\($0["size"] ?? "?")" } + extraArtifacts).sorted()
        XCTAssertEqual(artifacts, expectedArtifacts, "\(what): artifacts", file: file, line: line)
    }

    /// `skipped` ("model|version"): versions the import must leave out (logged models without a run).
    static func compareModel(_ model: [String: Any], skipped: Set<String>, workspace: URL, file: StaticString, line: UInt) throws {
        let name = try XCTUnwrap(model["name"] as? String)
        let shown = try XCTUnwrap(try CLI.json(["models", "show", name], in: workspace) as? [String: Any], name)
        let versions = shown["versions"] as? [[String: Any]] ?? []
        let expectedVersions = (model["versions"] as? [[String: Any]] ?? []).filter {
            !skipped.contains("\(name)|\(($0["version"] as? NSNumber)?.intValue ?? -1)")
        }
        XCTAssertEqual(versions.count, expectedVersions.count, "model \(name): versions", file: file, line: line)
        // An MLflow version N is the MLDeck version tagged mlflow.import.version = N, of the same run.
        var local: [Int: Int] = [:]
        for v in expectedVersions {
            let number = (v["version"] as? NSNumber)?.intValue ?? -1
            let match = versions.filter { ($0["tags"] as? [String: String])?["mlflow.import.version"] == String(number) }
            XCTAssertEqual(match.count, 1, "model \(name) version \(number) imported once", file: file, line: line)
            guard let found = match.first else { continue }
            XCTAssertEqual(found["run_id"] as? String, v["run_id"] as? String, "model \(name) version \(number): run", file: file, line: line)
            XCTAssertEqual((found["tags"] as? [String: String])?["mlflow.source"], v["source"] as? String, file: file, line: line)
            local[number] = (found["version"] as? NSNumber)?.intValue
        }
        for (alias, version) in model["aliases"] as? [String: Any] ?? [:] {
            let target = local[(version as? NSNumber)?.intValue ?? -1]
            let holder = versions.first { ($0["aliases"] as? [String] ?? []).contains(alias) }
            XCTAssertNotNil(target, "alias \(alias)", file: file, line: line)
            XCTAssertEqual((holder?["version"] as? NSNumber)?.intValue, target, "model \(name) alias \(alias)", file: file, line: line)
        }
    }
}
