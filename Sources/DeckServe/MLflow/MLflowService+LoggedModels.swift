import DeckStore
import Foundation

/// MLflow 3's logged models (`mlflow.<flavor>.log_model`, autologging): a model logged inside a
/// run keeps its files among that run's artifacts, under `models/<model_id>/` (its
/// `artifact_uri` is `mlflow-artifacts:/<experiment>/<run>/artifacts/models/<model_id>`), so an
/// autologged model is an ordinary MLDeck artifact of its run. The records themselves (name,
/// status, params, tags) are kept for the server's lifetime.
struct LoggedModel: Sendable {
    var id: String
    var experimentID: String
    var name: String
    var runID: String
    var modelType: String?
    var ready = false
    var params: [String: String] = [:]
    var tags: [String: String] = [:]
    var createdAt: Double
    var updatedAt: Double

    /// The folder of the run's artifacts that holds the model's files.
    var artifactFolder: String { "models/\(id)" }
}

/// The logged models this server has seen.
final class LoggedModelState: @unchecked Sendable {
    private let lock = NSLock()
    private var models: [String: LoggedModel] = [:]
    private var order: [String] = []

    func get(_ id: String) -> LoggedModel? { lock.lock(); defer { lock.unlock() }; return models[id] }
    func all() -> [LoggedModel] { lock.lock(); defer { lock.unlock() }; return order.compactMap { models[$0] } }
    func put(_ model: LoggedModel) {
        lock.lock(); defer { lock.unlock() }
        if models[model.id] == nil { order.append(model.id) }
        models[model.id] = model
    }
    func remove(_ id: String) { lock.lock(); defer { lock.unlock() }; models[id] = nil; order.removeAll { $0 == id } }
    @discardableResult
    func update(_ id: String, _ change: (inout LoggedModel) -> Void) throws(MLflowError) -> LoggedModel {
        lock.lock(); defer { lock.unlock() }
        guard var model = models[id] else { throw MLflowError.notFound("Logged model with ID '\(id)' not found") }
        change(&model); model.updatedAt = Date().timeIntervalSince1970; models[id] = model
        return model
    }
}

extension MLflowService {
    /// `logged-models…` by method and path: `POST logged-models`, `GET|PATCH|DELETE logged-models/ID`,
    /// `PATCH logged-models/ID/tags`, `DELETE logged-models/ID/tags/KEY`, `POST logged-models/ID/params`,
    /// `POST logged-models/search`.
    func handleLoggedModels(_ endpoint: String, method: String, _ p: MLflowParams) throws -> String {
        let parts = endpoint.split(separator: "/").map(String.init)
        switch (method, parts.count) {
        case ("POST", 1): return try createLoggedModel(p)
        case (_, 2) where parts[1] == "search": return try searchLoggedModels(p)
        case ("GET", 2): return try loggedModelAnswer(try loggedModel(parts[1]))
        case ("PATCH", 2):
            let status = try p.string("status") ?? "LOGGED_MODEL_READY"
            return try loggedModelAnswer(try loggedModels.update(parts[1]) { $0.ready = status.contains("READY") || status == "2" })
        case ("DELETE", 2): _ = try loggedModel(parts[1]); loggedModels.remove(parts[1]); return "{}"
        case ("PATCH", 3) where parts[2] == "tags":
            var tags: [String: String] = [:]
            for t in try p.objects("tags") { tags[try t.required("key")] = try t.string("value") ?? "" }
            try loggedModels.update(parts[1]) { $0.tags.merge(tags) { $1 } }
            return "{}"
        case ("DELETE", 4) where parts[2] == "tags":
            try loggedModels.update(parts[1]) { $0.tags[parts[3]] = nil }
            return "{}"
        case ("POST", 3) where parts[2] == "params":
            var params: [String: String] = [:]
            for t in try p.objects("params") { params[try t.required("key")] = try t.string("value") ?? "" }
            try loggedModels.update(parts[1]) { $0.params.merge(params) { $1 } }
            return "{}"
        default: throw MLflowError("ENDPOINT_NOT_FOUND", "no endpoint \(method) /api/2.0/mlflow/\(endpoint)")
        }
    }

    func loggedModel(_ id: String) throws(MLflowError) -> LoggedModel {
        guard let model = loggedModels.get(id) else { throw .notFound("Logged model with ID '\(id)' not found") }
        return model
    }

    func createLoggedModel(_ p: MLflowParams) throws -> String {
        let experiment = try self.experiment(id: try p.string("experiment_id") ?? "0")
        guard let runID = try p.string("source_run_id"), !runID.isEmpty, let run = try store.runRecord(exactID: runID) else {
            throw MLflowError.invalid("mldeck server keeps a logged model's files with the run that logged it: log the model inside a run (mlflow.start_run())")
        }
        let now = Date().timeIntervalSince1970
        let id = "m-" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        var model = LoggedModel(id: id, experimentID: mlflowID(experiment), name: try p.string("name") ?? "model", runID: run.id,
                                modelType: try p.string("model_type"), createdAt: now, updatedAt: now)
        for t in try p.objects("tags") { model.tags[try t.required("key")] = try t.string("value") ?? "" }
        for t in try p.objects("params") { model.params[try t.required("key")] = try t.string("value") ?? "" }
        loggedModels.put(model)
        _ = try noteCall(run)
        return try loggedModelAnswer(model)
    }

    func loggedModelAnswer(_ model: LoggedModel) throws -> String {
        var json = JSONText()
        json.raw("{"); json.key("model"); try loggedModelJSON(model, into: &json); json.raw("}")
        return json.text
    }

    func loggedModelJSON(_ m: LoggedModel, into json: inout JSONText) throws {
        json.raw("{"); json.key("info"); json.raw("{")
        json.key("model_id"); json.string(m.id)
        json.raw(","); json.key("experiment_id"); json.string(m.experimentID)
        json.raw(","); json.key("name"); json.string(m.name)
        json.raw(","); json.key("artifact_uri"); json.string("mlflow-artifacts:/\(m.experimentID)/\(m.runID)/artifacts/\(m.artifactFolder)")
        json.raw(","); json.key("status"); json.string(m.ready ? "LOGGED_MODEL_READY" : "LOGGED_MODEL_PENDING")
        json.raw(","); json.key("creation_timestamp_ms"); json.raw(String(MLflowJSON.millis(m.createdAt)))
        json.raw(","); json.key("last_updated_timestamp_ms"); json.raw(String(MLflowJSON.millis(m.updatedAt)))
        json.raw(","); json.key("source_run_id"); json.string(m.runID)
        if let type = m.modelType { json.raw(","); json.key("model_type"); json.string(type) }
        json.raw(","); json.key("tags"); MLflowJSON.keyValues(m.tags, into: &json)
        json.raw("},"); json.key("data"); json.raw("{"); json.key("params"); MLflowJSON.keyValues(m.params, into: &json)
        json.raw(","); json.key("metrics"); json.raw("[]}}")
    }

    /// `logged-models/search`: by experiment, filtered on `name = '…'` / `source_run_id = '…'` (other filters match all).
    func searchLoggedModels(_ p: MLflowParams) throws -> String {
        let experiments = Set(try p.strings("experiment_ids"))
        let filter = try p.string("filter") ?? ""
        func wanted(_ field: String) -> String? {
            guard let range = filter.range(of: "\(field) = '") ?? filter.range(of: "\(field)='") else { return nil }
            return filter[range.upperBound...].split(separator: "'", maxSplits: 1).first.map(String.init)
        }
        let name = wanted("name"), run = wanted("source_run_id")
        let found = loggedModels.all().filter { m in
            (experiments.isEmpty || experiments.contains(m.experimentID)) && (name == nil || m.name == name) && (run == nil || m.runID == run)
        }
        let maxResults = try MLflowLimits.maxResults(try p.int64("max_results"), default: 100)
        let offset = try MLflowJSON.offset(fromToken: try p.string("page_token"))
        let page = found.dropFirst(offset).prefix(maxResults)
        var json = JSONText()
        json.raw("{"); json.key("models"); json.raw("[")
        for (i, m) in page.enumerated() { if i > 0 { json.raw(",") }; try loggedModelJSON(m, into: &json) }
        json.raw("]")
        if offset + page.count < found.count { json.raw(","); json.key("next_page_token"); json.string(MLflowJSON.pageToken(offset: offset + page.count)) }
        json.raw("}")
        return json.text
    }
}
