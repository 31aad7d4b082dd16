import DeckStore
import Foundation

/// MLflow's tracking REST API (`/api/2.0/mlflow/…`) mapped onto the workspace's tracking store,
/// with no HTTP framework in it: ``handle(_:params:)`` takes an endpoint (`runs/log-batch`) and its
/// fields and gives the JSON answer, or throws an ``MLflowError``. Runs logged this way are
/// ordinary MLDeck runs.
public final class MLflowService: @unchecked Sendable {
    public let store: DeckStore
    /// When each run was last named by a call (for ``inactiveAfter``).
    let callClock = RunCallClock()
    /// MLflow 3's logged models (this server's lifetime; their files are run artifacts).
    let loggedModels = LoggedModelState()
    /// Seconds without a call after which a RUNNING MLflow run is marked FAILED (nil: never).
    public let inactiveAfter: Double?
    /// The writer that groups concurrent logging calls into shared transactions (``handleLogging(_:params:)``).
    let committer: GroupCommit

    /// The name MLflow's experiment "0" stands for.
    public static let defaultExperiment = "Default"

    public init(store: DeckStore, inactiveAfter: Double? = nil) throws {
        self.store = store
        self.inactiveAfter = inactiveAfter
        committer = GroupCommit(store: store)
        if try store.experimentRecord(named: Self.defaultExperiment) == nil {
            try store.ensureExperiment(named: Self.defaultExperiment)
        }
    }

    deinit { committer.stop() }

    /// The endpoints, by path after `/api/2.0/mlflow/`.
    public static let endpoints: Set<String> = [
        "experiments/create", "experiments/get", "experiments/get-by-name", "experiments/search", "experiments/list",
        "experiments/delete", "experiments/restore", "experiments/update", "experiments/set-experiment-tag",
        "runs/create", "runs/get", "runs/update", "runs/delete", "runs/restore", "runs/log-metric", "runs/log-parameter",
        "runs/set-tag", "runs/delete-tag", "runs/log-batch", "runs/search", "runs/log-inputs", "runs/outputs",
        "metrics/get-history", "logged-models/search",
    ]

    /// Whether `endpoint` (the path after `/api/2.0/mlflow/`) is one this server answers.
    public static func knows(_ endpoint: String) -> Bool {
        endpoints.contains(endpoint) || registryEndpoints.contains(endpoint) || endpoint == "logged-models" || endpoint.hasPrefix("logged-models/")
    }

    /// Answers one request whose meaning depends on its method too (`registered-models/alias`, `logged-models/ID`).
    public func handle(_ endpoint: String, method: String, params: MLflowParams) throws(MLflowError) -> String {
        do {
            if endpoint == "logged-models" || (endpoint.hasPrefix("logged-models/") && endpoint != "logged-models/search") {
                return try handleLoggedModels(endpoint, method: method, params)
            }
            if endpoint == "registered-models/alias" && method != "POST" {
                return try handle(endpoint + (method == "GET" ? "/get" : "/delete"), params: params)
            }
        } catch { throw MLflowError.from(error) }
        return try handle(endpoint, params: params)
    }

    /// Answers one request: the JSON text of the response.
    public func handle(_ endpoint: String, params: MLflowParams) throws(MLflowError) -> String {
        do {
            if Self.registryEndpoints.contains(endpoint) { return try handleRegistry(endpoint, params) }
            switch endpoint {
            case "experiments/create": return try createExperiment(params)
            case "experiments/get": return try getExperiment(params)
            case "experiments/get-by-name": return try getExperimentByName(params)
            case "experiments/search", "experiments/list": return try searchExperiments(params)
            case "experiments/delete": return try setExperimentDeleted(params, true)
            case "experiments/restore": return try setExperimentDeleted(params, false)
            case "experiments/update": return try updateExperiment(params)
            case "experiments/set-experiment-tag": return try setExperimentTag(params)
            case "runs/create": return try createRun(params)
            case "runs/get": return try getRun(params)
            case "runs/update": return try updateRun(params)
            case "runs/delete": return try setRunDeleted(params, true)
            case "runs/restore": return try setRunDeleted(params, false)
            case "runs/log-metric", "runs/log-parameter", "runs/set-tag", "runs/log-batch": return try log(endpoint, params)
            case "runs/delete-tag": return try deleteTag(params)
            case "runs/search": return try searchRuns(params)
            case "runs/log-inputs", "runs/outputs": _ = try activeRun(params); return "{}"
            case "metrics/get-history": return try metricHistory(params)
            case "logged-models/search": return try searchLoggedModels(params)
            default: throw MLflowError("ENDPOINT_NOT_FOUND", "no endpoint /api/2.0/mlflow/\(endpoint)")
            }
        } catch {
            throw MLflowError.from(error)
        }
    }

    // MARK: experiments

    /// MLflow's id of an experiment: "0" for Default, the row id otherwise.
    func mlflowID(_ e: ExperimentRecord) -> String { e.name == Self.defaultExperiment ? "0" : String(e.id) }

    /// The experiment an MLflow id names.
    func experiment(id: String) throws -> ExperimentRecord {
        if id == "0", let e = try store.experimentRecord(named: Self.defaultExperiment) { return e }
        guard let row = Int64(id), row > 0, let e = try store.experimentRecord(id: row), e.name != Self.defaultExperiment else {
            throw MLflowError.experimentNotFound(id)
        }
        return e
    }

    /// The MLflow id of the experiment named `name` (runs carry names).
    func experimentID(named name: String) throws -> String {
        guard let e = try store.experimentRecord(named: name) else { return "0" }
        return mlflowID(e)
    }

    func experimentJSON(_ e: ExperimentRecord, into json: inout JSONText) {
        let state = (try? store.experimentState(id: e.id)) ?? ExperimentState()
        MLflowJSON.experiment(id: mlflowID(e), name: e.name, createdAt: e.createdAt, deleted: state.deleted, tags: state.tags, into: &json)
    }

    func wrapExperiment(_ e: ExperimentRecord) -> String {
        var json = JSONText()
        json.raw("{"); json.key("experiment"); experimentJSON(e, into: &json); json.raw("}")
        return json.text
    }

    func createExperiment(_ p: MLflowParams) throws -> String {
        let name = try p.required("name")
        try MLflowLimits.checkKey(name, what: "experiment name")
        if try store.experimentRecord(named: name) != nil {
            throw MLflowError("RESOURCE_ALREADY_EXISTS", "Experiment '\(name)' already exists.")
        }
        let row = try store.ensureExperiment(named: name).id
        var tags: [String: String] = [:]
        for t in try p.objects("tags") { tags[try t.required("key")] = try t.string("value") ?? "" }
        try store.setExperimentTags(tags, id: row)
        guard let e = try store.experimentRecord(id: row) else { throw MLflowError.experimentNotFound(String(row)) }
        return "{\"experiment_id\":\(JSONText.quoted(mlflowID(e)))}"
    }

    func getExperiment(_ p: MLflowParams) throws -> String {
        wrapExperiment(try experiment(id: try p.required("experiment_id")))
    }

    func getExperimentByName(_ p: MLflowParams) throws -> String {
        let name = try p.required("experiment_name")
        guard let e = try store.experimentRecord(named: name) else {
            throw MLflowError.notFound("Could not find experiment with name '\(name)'")
        }
        return wrapExperiment(e)
    }

    func searchExperiments(_ p: MLflowParams) throws -> String {
        let view = try RunViewType(try p.string("view_type"))
        let maxResults = try MLflowLimits.maxResults(try p.int64("max_results"), default: 1000)
        let offset = try MLflowJSON.offset(fromToken: try p.string("page_token"))
        var all = try store.experimentRecords().filter { view.includes(deleted: try store.experimentState(id: $0.id).deleted) }
        if let filter = try p.string("filter"), !filter.isEmpty {
            all = try all.filter { try ExperimentFilter.matches(filter, name: $0.name, tags: try store.experimentState(id: $0.id).tags) }
        }
        all.sort { $0.createdAt != $1.createdAt ? $0.createdAt > $1.createdAt : $0.id > $1.id }
        let page = all.dropFirst(offset).prefix(maxResults)
        var json = JSONText()
        json.raw("{"); json.key("experiments"); json.raw("[")
        for (i, e) in page.enumerated() { if i > 0 { json.raw(",") }; experimentJSON(e, into: &json) }
        json.raw("]")
        if offset + page.count < all.count { json.raw(","); json.key("next_page_token"); json.string(MLflowJSON.pageToken(offset: offset + page.count)) }
        json.raw("}")
        return json.text
    }

    func setExperimentDeleted(_ p: MLflowParams, _ deleted: Bool) throws -> String {
        let id = try p.required("experiment_id")
        let e = try experiment(id: id)
        if deleted && id == "0" { throw MLflowError.invalid("Cannot delete the default experiment '0'. This is an internally reserved experiment.") }
        try store.setExperimentDeleted(deleted, id: e.id)
        return "{}"
    }

    func updateExperiment(_ p: MLflowParams) throws -> String {
        let e = try experiment(id: try p.required("experiment_id"))
        guard let name = try p.string("new_name"), !name.isEmpty else { return "{}" }
        if e.name == Self.defaultExperiment { throw MLflowError.invalid("The default experiment cannot be renamed.") }
        guard try store.renameExperiment(id: e.id, to: name) else {
            throw MLflowError("RESOURCE_ALREADY_EXISTS", "Experiment '\(name)' already exists.")
        }
        return "{}"
    }

    func setExperimentTag(_ p: MLflowParams) throws -> String {
        let e = try experiment(id: try p.required("experiment_id"))
        let key = try p.required("key")
        try MLflowLimits.checkKey(key, what: "tag")
        let value = MLflowLimits.truncated(try p.string("value") ?? "", to: MLflowLimits.tagValue)
        try store.setExperimentTags([key: value], id: e.id)
        return "{}"
    }
}

/// MLflow's `run_view_type` / `view_type`.
enum RunViewType {
    case activeOnly, deletedOnly, all

    init(_ text: String?) throws(MLflowError) {
        switch text?.uppercased() {
        case nil, "", "ACTIVE_ONLY", "1": self = .activeOnly
        case "DELETED_ONLY", "2": self = .deletedOnly
        case "ALL", "3": self = .all
        case .some(let other): throw .invalid("Invalid view type '\(other)': expected ACTIVE_ONLY, DELETED_ONLY or ALL")
        }
    }

    func includes(deleted: Bool) -> Bool {
        switch self {
        case .activeOnly: return !deleted
        case .deletedOnly: return deleted
        case .all: return true
        }
    }

    var deletedRuns: RunQuery.DeletedRuns {
        switch self {
        case .activeOnly: return .exclude
        case .deletedOnly: return .only
        case .all: return .include
        }
    }
}
