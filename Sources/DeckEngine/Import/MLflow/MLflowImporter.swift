import DeckStore
import Foundation

/// What an import did, and what it left out and why.
public struct MLflowImportSummary: Sendable, Codable, Equatable {
    /// Something not imported, and why.
    public struct Skip: Sendable, Codable, Equatable {
        public var what: String
        public var reason: String
    }

    public var source = ""
    public var experiments = 0
    public var experimentsCreated = 0
    public var runs = 0
    public var runsImported = 0
    /// Runs whose id was already in the workspace (an earlier import): left as they are.
    public var runsAlreadyPresent = 0
    public var metricPoints = 0
    public var artifacts = 0
    public var artifactBytes: Int64 = 0
    public var modelsCreated = 0
    public var versionsImported = 0
    public var versionsAlreadyPresent = 0
    public var aliasesSet = 0
    public var skipped: [Skip] = []

    enum CodingKeys: String, CodingKey {
        case source, experiments, experimentsCreated = "experiments_created", runs, runsImported = "runs_imported"
        case runsAlreadyPresent = "runs_already_present", metricPoints = "metric_points", artifacts, artifactBytes = "artifact_bytes"
        case modelsCreated = "models_created", versionsImported = "versions_imported"
        case versionsAlreadyPresent = "versions_already_present", aliasesSet = "aliases_set", skipped
    }

    mutating func skip(_ what: String, _ reason: String) { skipped.append(Skip(what: what, reason: reason)) }
}

/// Brings an MLflow history into the workspace (`mldeck import mlflow SOURCE`): experiments
/// (with tags and deletion), runs with params, tags, full metric histories and artifacts, then
/// registered models, their versions and aliases. Runs are written a batch at a time (``batchSize``
/// runs, fewer when their histories pass ``pointsPerCommit``), each batch in one transaction and
/// each run whole, after their artifacts are durable in the object store. Runs keep their MLflow
/// ids: a run already there is left alone, so a second import adds nothing and an interrupted one
/// (even `kill -9`) resumes, redoing the batch it was killed in.
/// Model versions carry the tag ``versionTag`` (their MLflow version number) for the same reason.
/// A version whose source is an MLflow 3 logged model (`models:/m-…`) gets the logged model's files
/// copied into its source run's artifacts under `models/<model_id>/` first (see ``loggedModelFile(id:versionRunID:what:into:)``).
/// MLflow's system tags map as `mldeck server` maps them: `mlflow.runName` → name,
/// `mlflow.parentRunId` → parent, `mlflow.source.git.commit` → git commit, `mlflow.source.name` → command.
public final class MLflowImporter {
    /// The tag that records an imported model version's MLflow version number.
    public static let versionTag = "mlflow.import.version"
    /// The tag that records the MLflow 3 logged model (`m-…`) an imported version was registered from (as `mldeck server` tags it).
    public static let modelIDTag = "mlflow.model_id"
    /// Who imported versions and aliases, in the registry's history.
    public static let author = "mlflow-import"

    public let store: DeckStore
    public let reader: MLflowSourceReader
    /// Runs read from the source, and written to the workspace in one transaction, at a time.
    public var batchSize = 500
    /// Metric points written in one transaction at most (a batch of long histories is split).
    public var pointsPerCommit = 250_000
    /// Called after each batch of runs with (runs done, runs in all).
    public var progress: ((Int, Int) -> Void)?

    public init(store: DeckStore, reader: MLflowSourceReader, progress: ((Int, Int) -> Void)? = nil) {
        self.store = store; self.reader = reader; self.progress = progress
    }

    /// Imports everything; throws only when the source or the workspace cannot be read or written
    /// at all (what is left out piece by piece is in the summary's `skipped`).
    public func run() throws -> MLflowImportSummary {
        var summary = MLflowImportSummary()
        summary.source = reader.label
        let experiments = try reader.experiments()
        summary.experiments = experiments.count
        var names: [String: String] = [:]
        for e in experiments {
            if try store.experimentRecord(named: e.name) == nil { summary.experimentsCreated += 1 }
            let record = try store.ensureExperiment(named: e.name)
            try store.setExperimentTags(e.tags, id: record.id)
            if e.deleted { try store.setExperimentDeleted(true, id: record.id) }
            names[e.id] = e.name
        }
        let runs = try reader.runs(experimentIDs: experiments.map(\.id))
        summary.runs = runs.count
        progress?(0, runs.count)
        var done = 0
        let size = max(1, batchSize)
        for start in stride(from: 0, to: runs.count, by: size) {
            let batch = Array(runs[start..<min(start + size, runs.count)])
            let present = try store.existingRunIDs(batch.map(\.id).filter(Self.isRunID))
            summary.runsAlreadyPresent += present.count
            let pending = batch.filter { !present.contains($0.id.lowercased()) }
            let data = try reader.data(of: pending)
            var prepared: [ImportedRun] = []
            var points = 0
            for run in pending {
                guard let imported = try prepare(run, data: data[run.id] ?? MLflowRunData(), experiment: names[run.experimentID], into: &summary) else { continue }
                if !prepared.isEmpty && points + imported.metrics.count > pointsPerCommit {
                    try commit(prepared, into: &summary)
                    prepared = []; points = 0
                }
                prepared.append(imported)
                points += imported.metrics.count
            }
            try commit(prepared, into: &summary)
            done += batch.count
            progress?(done, runs.count)
        }
        try store.linkParentsByTag()
        try importRegistry(runs: Dictionary(runs.map { ($0.id.lowercased(), $0) }, uniquingKeysWith: { a, _ in a }), into: &summary)
        return summary
    }

    /// Writes prepared runs in one transaction and counts them.
    func commit(_ runs: [ImportedRun], into summary: inout MLflowImportSummary) throws {
        guard !runs.isEmpty else { return }
        for (run, inserted) in zip(runs, try store.importRuns(runs)) {
            if inserted {
                summary.runsImported += 1
                summary.metricPoints += run.metrics.count
                summary.artifacts += run.artifacts.count
                summary.artifactBytes += run.artifacts.reduce(0) { $0 + $1.size }
            } else {
                summary.runsAlreadyPresent += 1
            }
        }
    }

    static func isRunID(_ id: String) -> Bool { id.utf8.count == 32 && id.allSatisfy(\.isHexDigit) }

    static func status(_ text: String) -> RunStatus? {
        switch text.uppercased() {
        case "RUNNING": return .running
        case "SCHEDULED": return .queued
        case "FINISHED": return .finished
        case "FAILED": return .failed
        case "KILLED": return .killed
        default: return nil
        }
    }

    /// The run as the workspace records it, its artifacts already stored in the object store; nil
    /// (with the reason in the summary) when it cannot be imported.
    func prepare(_ run: MLflowRunInfo, data: MLflowRunData, experiment: String?, into summary: inout MLflowImportSummary) throws -> ImportedRun? {
        let what = "run \(run.id)"
        guard Self.isRunID(run.id) else { summary.skip(what, "its id is not 32 hex digits"); return nil }
        guard let experiment else { summary.skip(what, "its experiment \(run.experimentID) is not in the source"); return nil }
        guard let status = Self.status(run.status) else { summary.skip(what, "unknown status '\(run.status)'"); return nil }
        if let bad = data.params.keys.first(where: { !DeckStore.isValidKey($0) }) ?? data.tags.keys.first(where: { !DeckStore.isValidKey($0) })
            ?? data.metrics.lazy.map(\.key).first(where: { !DeckStore.isValidKey($0) }) {
            summary.skip(what, "key '\(bad.prefix(60))' is empty or longer than \(DeckStore.maximumKeyLength) bytes"); return nil
        }
        var artifacts: [ArtifactRecord] = []
        do {
            for file in try reader.artifacts(of: run) {
                do {
                    let local = try reader.localFile(of: file, run: run)
                    defer { if local.temporary { try? FileManager.default.removeItem(at: local.url) } }
                    let object = try store.objects.putFile(at: local.url)
                    let size = (try? FileManager.default.attributesOfItem(atPath: local.url.path)[.size] as? NSNumber)?.int64Value ?? file.size ?? 0
                    artifacts.append(ArtifactRecord(path: file.path, object: object, size: size))
                } catch {
                    summary.skip("artifact \(file.path) of run \(run.id)", Self.message(error))
                }
            }
        } catch {
            summary.skip("artifacts of run \(run.id)", Self.message(error))
        }
        let tags = data.tags
        let name = run.name ?? tags["mlflow.runName"].flatMap { $0.isEmpty ? nil : $0 } ?? "run-\(run.id.prefix(8))"
        return ImportedRun(
            id: run.id, name: name, experiment: experiment, status: status, startTime: Double(run.startTime) / 1000,
            endTime: run.endTime.map { Double($0) / 1000 }, deleted: run.deleted, command: tags["mlflow.source.name"],
            gitCommit: tags["mlflow.source.git.commit"], parentID: tags["mlflow.parentRunId"].flatMap { Self.isRunID($0) ? $0 : nil },
            params: data.params, tags: tags, metrics: data.metrics, artifacts: artifacts)
    }

    static func message(_ error: Error) -> String { String(describing: error) }

    func importRegistry(runs: [String: MLflowRunInfo], into summary: inout MLflowImportSummary) throws {
        for model in try reader.registeredModels() {
            do {
                if try store.createModel(named: model.name, description: model.description) { summary.modelsCreated += 1 }
            } catch let error as ModelRegistryError {
                summary.skip("registered model \(model.name)", error.description); continue
            }
            // An MLflow version is the MLDeck version tagged with its number and trained by the same run
            // (another store's version N of a model of the same name is another version).
            var existing: [String: Int] = [:]
            // A logged model's version (models:/m-…) is also found by its model id, as its run may come from the logged model.
            for v in try store.modelVersions(model.name) {
                guard let n = v.tags[Self.versionTag] else { continue }
                existing["\(n)|\(v.runID ?? "")"] = v.version
                if let id = v.tags[Self.modelIDTag] { existing["\(n)|\(id)"] = v.version }
            }
            var mapped: [Int: Int] = [:]
            for v in model.versions.sorted(by: { $0.version < $1.version }) {
                let loggedID = MLflowLoggedModel.id(inSource: v.source)
                if let local = existing["\(v.version)|\(loggedID ?? v.runID?.lowercased() ?? "")"] {
                    mapped[v.version] = local; summary.versionsAlreadyPresent += 1; continue
                }
                let what = "model \(model.name) version \(v.version)"
                let runID: String, details: RunDetails, picked: (artifact: ArtifactRecord, framework: String)
                if let loggedID {
                    guard let found = try loggedModelFile(id: loggedID, versionRunID: v.runID, what: what, into: &summary) else { continue }
                    (runID, details, picked) = found
                } else {
                    guard let id = v.runID?.lowercased(), Self.isRunID(id) else { summary.skip(what, "it names no run (source \(v.source))"); continue }
                    guard let found = try? store.runDetails(id), found.run.id == id else {
                        summary.skip(what, "its run \(id) is not in the workspace"); continue
                    }
                    guard let folder = MLflowModelFile.folder(source: v.source, runID: id, artifactURI: runs[id]?.artifactURI) else {
                        summary.skip(what, "its source \(v.source) is neither a folder of its run's artifacts nor an MLflow 3 logged model (models:/m-…)")
                        continue
                    }
                    guard let file = MLflowModelFile.pick(in: found.artifacts, folder: folder) else {
                        summary.skip(what, "no model file under '\(folder)' in the artifacts of run \(id)"); continue
                    }
                    (runID, details, picked) = (id, found, file)
                }
                let metrics = Dictionary(details.metrics.filter { $0.last.isFinite }.map { ($0.key, $0.last) }, uniquingKeysWith: { a, _ in a })
                let new = NewModelVersion(model: model.name, modelObject: picked.artifact.object, framework: picked.framework,
                                          metrics: metrics, params: details.params, runID: runID, description: v.description)
                var tags = [Self.versionTag: String(v.version), "mlflow.source": String(v.source.prefix(DeckStore.maxTagValueLength))]
                if let loggedID { tags[Self.modelIDTag] = loggedID }
                let record = try store.registerModelVersion(new, author: Self.author, reason: "imported from MLflow", tags: tags)
                mapped[v.version] = record.version
                summary.versionsImported += 1
            }
            for (alias, version) in model.aliases.sorted(by: { $0.key < $1.key }) {
                guard let local = mapped[version] else {
                    summary.skip("alias \(alias) of model \(model.name)", "its version \(version) was not imported"); continue
                }
                if try store.modelVersion(model: model.name, alias: alias)?.version == local { continue }
                if try store.setModelAlias(model: model.name, alias: alias, version: local, author: Self.author,
                                           reason: "imported from MLflow", runID: nil) != nil {
                    summary.aliasesSet += 1
                }
            }
        }
    }
}
