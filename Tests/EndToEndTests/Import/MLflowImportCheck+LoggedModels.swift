import DeckStore
import Foundation
import XCTest

/// MLflow 3 logged models (`models:/m-…`) in expected-*.json (`logged_models`: id, source run, files
/// with size and SHA-256 as the MLflow client downloaded them) against the workspace.
extension MLflowImportCheck {
    static func loggedModels(_ expected: [String: Any]) -> [[String: Any]] { expected["logged_models"] as? [[String: Any]] ?? [] }

    /// Run id → "models/<id>/<path>:size" of the logged models it logged.
    static func loggedModelArtifacts(_ expected: [String: Any]) -> [String: [String]] {
        var out: [String: [String]] = [:]
        for model in loggedModels(expected) {
            guard let run = model["source_run_id"] as? String, let id = model["model_id"] as? String else { continue }
            for f in model["files"] as? [[String: Any]] ?? [] { out[run, default: []].append("models/\(id)/\(f["path"] ?? "?"):\(f["size"] ?? "?")") }
        }
        return out
    }

    /// Versions whose source is a logged model without a source run: the import skips them.
    static func runlessVersions(_ expected: [String: Any]) -> [(model: String, version: Int)] {
        let runless = Set(loggedModels(expected).filter { $0["source_run_id"] as? String == nil }.compactMap { $0["model_id"] as? String })
        var out: [(String, Int)] = []
        for model in expected["registered_models"] as? [[String: Any]] ?? [] {
            for v in model["versions"] as? [[String: Any]] ?? [] {
                guard let source = v["source"] as? String, source.hasPrefix("models:/"), runless.contains(String(source.dropFirst("models:/".count))) else { continue }
                out.append((model["name"] as? String ?? "?", (v["version"] as? NSNumber)?.intValue ?? -1))
            }
        }
        return out
    }

    /// Each logged model with a run: its files copied out of the run's artifacts are byte-identical
    /// (SHA-256) to MLflow's, and the version registered from it holds its model.ubj as an XGBoost model.
    static func compareLoggedModels(_ expected: [String: Any], workspace: URL, file: StaticString, line: UInt) throws {
        let withRun = loggedModels(expected).filter { $0["source_run_id"] is String }
        XCTAssertFalse(withRun.isEmpty, "the fixture holds a logged model logged inside a run", file: file, line: line)
        for model in withRun {
            let id = try XCTUnwrap(model["model_id"] as? String), run = try XCTUnwrap(model["source_run_id"] as? String)
            let out = FileManager.default.temporaryDirectory.appendingPathComponent("mldeck-logged-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: out) }
            let copied = try CLI.run(["runs", "artifacts", run, "models/\(id)", "--out", out.path], in: workspace)
            XCTAssertEqual(copied.status, 0, copied.stderr, file: file, line: line)
            var ubj: String?
            for f in model["files"] as? [[String: Any]] ?? [] {
                let path = try XCTUnwrap(f["path"] as? String)
                let data = try Data(contentsOf: out.appendingPathComponent("models/\(id)/\(path)"))
                let digest = ObjectID.of(data).hex  // SHA-256
                XCTAssertEqual(digest, f["sha256"] as? String, "logged model \(id): \(path) byte-identical", file: file, line: line)
                if path == "model.ubj" { ubj = digest }
            }
            let sourceOf = "models:/\(id)"
            for registered in expected["registered_models"] as? [[String: Any]] ?? [] {
                let name = try XCTUnwrap(registered["name"] as? String)
                let numbers = (registered["versions"] as? [[String: Any]] ?? []).filter { $0["source"] as? String == sourceOf }
                    .compactMap { ($0["version"] as? NSNumber)?.intValue }
                guard !numbers.isEmpty else { continue }
                let shown = try XCTUnwrap(try CLI.json(["models", "show", name], in: workspace) as? [String: Any])
                for number in numbers {
                    let version = try XCTUnwrap((shown["versions"] as? [[String: Any]] ?? []).first {
                        ($0["tags"] as? [String: String])?["mlflow.import.version"] == String(number)
                    }, "model \(name) version \(number) (logged model \(id)) imported", file: file, line: line)
                    XCTAssertEqual(version["framework"] as? String, "xgboost", file: file, line: line)
                    XCTAssertEqual(version["run_id"] as? String, run, file: file, line: line)
                    XCTAssertEqual((version["tags"] as? [String: String])?["mlflow.model_id"], id, file: file, line: line)
                    XCTAssertEqual(objectHex(version["model_object"]), ubj, "model \(name) version \(number) is the logged model.ubj", file: file, line: line)
                }
            }
        }
    }

    /// An object id as the CLI's JSON prints it (its hex, bare or under `hex`).
    static func objectHex(_ value: Any?) -> String? {
        if let s = value as? String { return s }
        return (value as? [String: Any])?["hex"] as? String
    }
}
