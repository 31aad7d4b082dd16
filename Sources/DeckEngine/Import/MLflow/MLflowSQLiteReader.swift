import DeckStore
import Foundation
import GRDB

/// Reads an MLflow `sqlite:///` tracking store directly (read-only), by MLflow's own schema:
/// `experiments`, `experiment_tags`, `runs`, `params`, `tags`, `metrics` (NaN kept as `is_nan`),
/// `registered_models`, `model_versions`, `registered_model_aliases`, `logged_models` (MLflow 3).
/// Artifacts are read from the runs' and logged models' `file:` artifact URIs (see ``LocalArtifacts``).
public final class MLflowSQLiteReader: MLflowSourceReader {
    public let label: String
    let path: String
    let queue: DatabaseQueue
    let folder: URL

    /// Opens the database at `path` read-only; throws when it is missing or not an MLflow store.
    public init(path: String, label: String) throws {
        self.label = label
        self.path = path
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else { throw MLflowImportError.missing(path: path) }
        guard !isDir.boolValue else { throw MLflowImportError.notAStore(path: path, reason: "a folder, not an SQLite database") }
        folder = URL(fileURLWithPath: path).deletingLastPathComponent()
        var config = Configuration()
        config.readonly = true
        do {
            queue = try DatabaseQueue(path: path, configuration: config)
            let tables = try queue.read { db in try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table'") }
            let missing = ["experiments", "runs", "params", "tags", "metrics"].filter { !tables.contains($0) }
            guard missing.isEmpty else {
                throw MLflowImportError.notAStore(path: path, reason: "an SQLite database without MLflow's table(s) \(missing.joined(separator: ", "))")
            }
        } catch let error as MLflowImportError {
            throw error
        } catch {
            throw MLflowImportError.notAStore(path: path, reason: "not an SQLite database (\(Self.describe(error)))")
        }
    }

    static func describe(_ error: Error) -> String {
        if let db = error as? DatabaseError { return db.message ?? "SQLite error \(db.resultCode.rawValue)" }
        return "\(error)"
    }

    func read<T>(_ body: (Database) throws -> T) throws -> T {
        do { return try queue.read(body) } catch let error as MLflowImportError { throw error } catch {
            throw MLflowImportError.unreadable(source: path, detail: Self.describe(error))
        }
    }

    public func experiments() throws -> [MLflowExperimentInfo] {
        try read { db in
            var tags: [String: [String: String]] = [:]
            let hasTags = try db.tableExists("experiment_tags")
            if hasTags {
                for row in try Row.fetchAll(db, sql: "SELECT experiment_id, key, value FROM experiment_tags") {
                    tags[Self.text(row[0]), default: [:]][row["key"]] = row["value"] ?? ""
                }
            }
            return try Row.fetchAll(db, sql: "SELECT experiment_id, name, lifecycle_stage FROM experiments ORDER BY experiment_id").map { row in
                let id = Self.text(row[0])
                return MLflowExperimentInfo(id: id, name: row["name"], deleted: (row["lifecycle_stage"] as String?) == "deleted", tags: tags[id] ?? [:])
            }
        }
    }

    /// An id column as text (MLflow's experiment ids are integers in SQL, strings in the API).
    static func text(_ value: DatabaseValue) -> String {
        switch value.storage {
        case .int64(let i): return String(i)
        case .string(let s): return s
        case .double(let d): return String(Int64(exactly: d) ?? 0)
        default: return ""
        }
    }

    public func runs(experimentIDs: [String]) throws -> [MLflowRunInfo] {
        let wanted = Set(experimentIDs)
        return try read { db in
            try Row.fetchAll(db, sql: """
                SELECT run_uuid, experiment_id, name, status, start_time, end_time, lifecycle_stage, artifact_uri
                FROM runs ORDER BY start_time, run_uuid
                """).compactMap { row in
                let experiment = Self.text(row[1])
                guard wanted.contains(experiment) else { return nil }
                return MLflowRunInfo(id: row[0], experimentID: experiment, name: row[2], status: row[3] ?? "FINISHED",
                                     startTime: row[4] ?? 0, endTime: row[5], deleted: (row[6] as String?) == "deleted",
                                     artifactURI: row[7] ?? "")
            }
        }
    }

    public func data(of runs: [MLflowRunInfo]) throws -> [String: MLflowRunData] {
        guard !runs.isEmpty else { return [:] }
        var out: [String: MLflowRunData] = [:]
        for run in runs { out[run.id] = MLflowRunData() }
        let marks = Array(repeating: "?", count: runs.count).joined(separator: ",")
        let ids = StatementArguments(runs.map(\.id))
        try read { db in
            for row in try Row.fetchAll(db, sql: "SELECT run_uuid, key, value FROM params WHERE run_uuid IN (\(marks))", arguments: ids) {
                out[row[0]]?.params[row[1]] = row[2] ?? ""
            }
            for row in try Row.fetchAll(db, sql: "SELECT run_uuid, key, value FROM tags WHERE run_uuid IN (\(marks))", arguments: ids) {
                out[row[0]]?.tags[row[1]] = row[2] ?? ""
            }
            for row in try Row.fetchAll(db, sql: """
                SELECT run_uuid, key, value, timestamp, step, is_nan FROM metrics WHERE run_uuid IN (\(marks))
                ORDER BY run_uuid, key, step, timestamp
                """, arguments: ids) {
                let value: Double = (row[5] as Bool? ?? false) ? .nan : (row[2] as Double? ?? .nan)
                let millis: Int64 = row[3] ?? 0
                out[row[0]]?.metrics.append(MetricPoint(key: row[1], value: value, step: row[4] ?? 0, timestamp: Double(millis) / 1000))
            }
        }
        return out
    }

    public func artifacts(of run: MLflowRunInfo) throws -> [MLflowArtifactFile] {
        try LocalArtifacts.list(run: run, storeFolder: folder)
    }

    public func localFile(of artifact: MLflowArtifactFile, run: MLflowRunInfo) throws -> (url: URL, temporary: Bool) {
        try LocalArtifacts.file(artifact, run: run, storeFolder: folder)
    }

    public func registeredModels() throws -> [MLflowRegisteredModel] {
        try read { db in
            guard try db.tableExists("registered_models"), try db.tableExists("model_versions") else { return [] }
            var versions: [String: [MLflowRegisteredModel.Version]] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT name, version, run_id, source, description FROM model_versions WHERE current_stage != 'Deleted_Internal' ORDER BY name, version") {
                let run: String? = row[2]
                versions[row[0], default: []].append(.init(version: row[1], runID: (run ?? "").isEmpty ? nil : run, source: row[3] ?? "", description: row[4]))
            }
            var aliases: [String: [String: Int]] = [:]
            if try db.tableExists("registered_model_aliases") {
                for row in try Row.fetchAll(db, sql: "SELECT name, alias, version FROM registered_model_aliases") { aliases[row[0], default: [:]][row[1]] = row[2] }
            }
            return try Row.fetchAll(db, sql: "SELECT name, description FROM registered_models ORDER BY name").map { row in
                let name: String = row[0]
                return MLflowRegisteredModel(name: name, description: row[1], versions: versions[name] ?? [], aliases: aliases[name] ?? [:])
            }
        }
    }

    public func loggedModel(id: String) throws -> MLflowLoggedModel? {
        try read { db in
            guard try db.tableExists("logged_models") else { return nil }
            guard let row = try Row.fetchOne(db, sql: "SELECT model_id, experiment_id, source_run_id, artifact_location FROM logged_models WHERE model_id = ?",
                                             arguments: [id]) else { return nil }
            let run: String? = row[2]
            return MLflowLoggedModel(id: row[0], experimentID: Self.text(row[1]), sourceRunID: (run ?? "").isEmpty ? nil : run,
                                     artifactURI: row[3] ?? "")
        }
    }
}
