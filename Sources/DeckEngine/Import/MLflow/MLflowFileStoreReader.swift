import DeckStore
import Foundation
import Yams

/// Reads an MLflow file store (`./mlruns`) by its folder layout: `<experiment>/meta.yaml` and
/// `tags/`; `<experiment>/<run>/meta.yaml`, `params/`, `tags/` (one file per key, keys with `/`
/// as sub-folders) and `metrics/` (lines `timestamp value step`); deleted experiments under
/// `.trash/`; the registry under `models/<name>/` (`meta.yaml`, `aliases/`, `version-N/meta.yaml`);
/// MLflow 3 logged models under `<experiment>/models/<model_id>/meta.yaml` (files in its `artifacts/`).
/// YAML values are read as their text (a run named `yes` stays `yes`).
public final class MLflowFileStoreReader: MLflowSourceReader {
    public let label: String
    let root: URL
    /// Experiment folders by MLflow id.
    var experimentFolders: [String: URL] = [:]

    /// Opens the store at `path`; throws when it is missing or has no experiment folder.
    public init(path: String, label: String) throws {
        self.label = label
        root = URL(fileURLWithPath: path)
        guard FileManager.default.fileExists(atPath: path) else { throw MLflowImportError.missing(path: path) }
        guard LocalArtifacts.isDirectory(path) else { throw MLflowImportError.notAStore(path: path, reason: "not a folder") }
        let hasExperiment = Self.children(root).contains { FileManager.default.fileExists(atPath: $0.appendingPathComponent("meta.yaml").path) }
        guard hasExperiment else {
            throw MLflowImportError.notAStore(path: path, reason: "no experiment folder with a meta.yaml (expected MLflow's ./mlruns layout)")
        }
    }

    static func children(_ folder: URL) -> [URL] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).sorted().map { folder.appendingPathComponent($0) }
    }

    /// A `meta.yaml` as a mapping of key → scalar text.
    func meta(_ folder: URL) throws -> [String: String] {
        let file = folder.appendingPathComponent("meta.yaml")
        let text: String
        do { text = try String(contentsOf: file, encoding: .utf8) } catch {
            throw MLflowImportError.unreadable(source: file.path, detail: "cannot read it")
        }
        do {
            guard let node = try Yams.compose(yaml: text), let mapping = node.mapping else { return [:] }
            var out: [String: String] = [:]
            for (key, value) in mapping {
                guard let k = key.string, let v = value.scalar else { continue }
                if v.style == .plain && ["null", "Null", "NULL", "~", ""].contains(v.string) { continue }
                out[k] = v.string
            }
            return out
        } catch {
            throw MLflowImportError.unreadable(source: file.path, detail: "not valid YAML (\(error))")
        }
    }

    /// One file per key under `folder` (keys containing `/` are nested folders).
    func keyFiles(_ folder: URL) throws -> [String: String] {
        guard LocalArtifacts.isDirectory(folder.path) else { return [:] }
        var out: [String: String] = [:]
        for file in try LocalArtifacts.files(in: folder) {
            let url = folder.appendingPathComponent(file.path)
            guard let text = try? String(contentsOf: url, encoding: .utf8) else {
                throw MLflowImportError.unreadable(source: url.path, detail: "not UTF-8 text")
            }
            out[file.path] = text
        }
        return out
    }

    public func experiments() throws -> [MLflowExperimentInfo] {
        var out: [MLflowExperimentInfo] = []
        for parent in [root, root.appendingPathComponent(".trash")] {
            for folder in Self.children(parent) where FileManager.default.fileExists(atPath: folder.appendingPathComponent("meta.yaml").path) {
                let m = try meta(folder)
                guard let name = m["name"] else { continue }
                let id = m["experiment_id"] ?? folder.lastPathComponent
                experimentFolders[id] = folder
                out.append(MLflowExperimentInfo(id: id, name: name, deleted: m["lifecycle_stage"] == "deleted" || parent != root,
                                                tags: try keyFiles(folder.appendingPathComponent("tags"))))
            }
        }
        return out
    }

    /// MLflow's numeric run statuses in the file store.
    static func status(_ text: String?) -> String {
        switch text {
        case "1": return "RUNNING"
        case "2": return "SCHEDULED"
        case "3": return "FINISHED"
        case "4": return "FAILED"
        case "5": return "KILLED"
        default: return text ?? "FINISHED"
        }
    }

    public func runs(experimentIDs: [String]) throws -> [MLflowRunInfo] {
        if experimentFolders.isEmpty { _ = try experiments() }
        var out: [MLflowRunInfo] = []
        for id in experimentIDs {
            guard let folder = experimentFolders[id] else { continue }
            for runFolder in Self.children(folder) where Self.isRunID(runFolder.lastPathComponent) {
                guard FileManager.default.fileExists(atPath: runFolder.appendingPathComponent("meta.yaml").path) else { continue }
                let m = try meta(runFolder)
                out.append(MLflowRunInfo(id: m["run_id"] ?? runFolder.lastPathComponent, experimentID: id,
                                         name: m["run_name"].flatMap { $0.isEmpty ? nil : $0 }, status: Self.status(m["status"]),
                                         startTime: Int64(m["start_time"] ?? "") ?? 0, endTime: m["end_time"].flatMap { Int64($0) },
                                         deleted: m["lifecycle_stage"] == "deleted",
                                         artifactURI: m["artifact_uri"] ?? runFolder.appendingPathComponent("artifacts").path))
            }
        }
        return out.sorted { ($0.startTime, $0.id) < ($1.startTime, $1.id) }
    }

    static func isRunID(_ name: String) -> Bool { name.utf8.count == 32 && name.allSatisfy(\.isHexDigit) }

    func runFolder(_ run: MLflowRunInfo) -> URL? { experimentFolders[run.experimentID]?.appendingPathComponent(run.id) }

    public func data(of runs: [MLflowRunInfo]) throws -> [String: MLflowRunData] {
        var out: [String: MLflowRunData] = [:]
        for run in runs {
            guard let folder = runFolder(run) else { continue }
            var data = MLflowRunData()
            data.params = try keyFiles(folder.appendingPathComponent("params"))
            data.tags = try keyFiles(folder.appendingPathComponent("tags"))
            for (key, text) in try keyFiles(folder.appendingPathComponent("metrics")) {
                for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: true).enumerated() {
                    let fields = line.split(separator: " ")
                    guard fields.count >= 2, let millis = Int64(fields[0]), let value = Self.number(fields[1]) else {
                        throw MLflowImportError.unreadable(source: folder.appendingPathComponent("metrics/\(key)").path,
                                                           detail: "line \(number + 1): expected 'timestamp value step', got '\(line.prefix(80))'")
                    }
                    let step = fields.count > 2 ? Int64(fields[2]) ?? 0 : 0
                    data.metrics.append(MetricPoint(key: key, value: value, step: step, timestamp: Double(millis) / 1000))
                }
            }
            out[run.id] = data
        }
        return out
    }

    /// A metric value as MLflow writes it (`nan`, `inf`, `-inf` included).
    static func number(_ text: Substring) -> Double? {
        switch text.lowercased() {
        case "nan": return .nan
        case "inf", "infinity": return .infinity
        case "-inf", "-infinity": return -.infinity
        default: return Double(text)
        }
    }

    public func artifacts(of run: MLflowRunInfo) throws -> [MLflowArtifactFile] {
        try LocalArtifacts.list(run: run, storeFolder: root)
    }

    public func localFile(of artifact: MLflowArtifactFile, run: MLflowRunInfo) throws -> (url: URL, temporary: Bool) {
        try LocalArtifacts.file(artifact, run: run, storeFolder: root)
    }

    public func registeredModels() throws -> [MLflowRegisteredModel] {
        var out: [MLflowRegisteredModel] = []
        for folder in Self.children(root.appendingPathComponent("models")) {
            guard FileManager.default.fileExists(atPath: folder.appendingPathComponent("meta.yaml").path) else { continue }
            let m = try meta(folder)
            var versions: [MLflowRegisteredModel.Version] = []
            for v in Self.children(folder) where v.lastPathComponent.hasPrefix("version-") {
                let vm = try meta(v)
                guard let number = Int(vm["version"] ?? ""), vm["current_stage"] != "Deleted_Internal" else { continue }
                versions.append(.init(version: number, runID: vm["run_id"].flatMap { $0.isEmpty ? nil : $0 }, source: vm["source"] ?? "",
                                      description: vm["description"]))
            }
            var aliases: [String: Int] = [:]
            for (alias, text) in try keyFiles(folder.appendingPathComponent("aliases")) {
                if let n = Int(text.trimmingCharacters(in: .whitespacesAndNewlines)) { aliases[alias] = n }
            }
            out.append(MLflowRegisteredModel(name: m["name"] ?? folder.lastPathComponent, description: m["description"],
                                             versions: versions.sorted { $0.version < $1.version }, aliases: aliases))
        }
        return out
    }

    public func loggedModel(id: String) throws -> MLflowLoggedModel? {
        guard MLflowLoggedModel.isID(id) else { return nil }
        if experimentFolders.isEmpty { _ = try experiments() }
        for (experiment, folder) in experimentFolders.sorted(by: { $0.key < $1.key }) {
            let modelFolder = folder.appendingPathComponent("models").appendingPathComponent(id)
            guard FileManager.default.fileExists(atPath: modelFolder.appendingPathComponent("meta.yaml").path) else { continue }
            let m = try meta(modelFolder)
            return MLflowLoggedModel(id: m["model_id"] ?? id, experimentID: m["experiment_id"] ?? experiment,
                                     sourceRunID: m["source_run_id"].flatMap { $0.isEmpty ? nil : $0 },
                                     artifactURI: m["artifact_location"] ?? modelFolder.appendingPathComponent("artifacts").path)
        }
        return nil
    }
}
