import DeckEngine
import DeckStore
import Foundation

/// MLflow's model registry calls (`mlflow.register_model`, `MlflowClient.create_registered_model`,
/// `create_model_version`, `get_registered_model`, `search_registered_models`,
/// `set_registered_model_alias`, `get_model_version_by_alias`) on MLDeck's registry: a version's
/// model file is the run's artifact the version's `source` names (an XGBoost `model.ubj` lands
/// as framework `xgboost`), kept with tags `mlflow.source` and `mlflow.model_id`.
extension MLflowService {
    static let registryEndpoints: Set<String> = [
        "registered-models/create", "registered-models/get", "registered-models/search", "registered-models/get-latest-versions",
        "registered-models/alias", "registered-models/alias/get", "registered-models/alias/delete",
        "model-versions/create", "model-versions/get", "model-versions/search",
    ]

    func handleRegistry(_ endpoint: String, _ p: MLflowParams) throws -> String {
        switch endpoint {
        case "registered-models/create":
            let name = try p.required("name")
            guard try store.createModel(named: name, description: try p.string("description")) else {
                throw MLflowError("RESOURCE_ALREADY_EXISTS", "Registered Model (name=\(name)) already exists.")
            }
            return try wrap("registered_model") { try registeredModelJSON(name, into: &$0) }
        case "registered-models/get":
            let name = try p.required("name")
            return try wrap("registered_model") { try registeredModelJSON(name, into: &$0) }
        case "registered-models/search": return try searchRegisteredModels(p)
        case "registered-models/get-latest-versions":
            let name = try p.required("name")
            let latest = try versions(name).first.map { [$0] } ?? []
            var json = JSONText()
            json.raw("{"); json.key("model_versions"); json.raw("[")
            for (i, v) in latest.enumerated() { if i > 0 { json.raw(",") }; versionJSON(v, into: &json) }
            json.raw("]}")
            return json.text
        case "registered-models/alias":
            let name = try p.required("name"), alias = try p.required("alias")
            guard let version = Int(try p.required("version")), version > 0 else { throw MLflowError.invalid("Invalid version '\(try p.required("version"))': expected a positive integer") }
            _ = try store.setModelAlias(model: name, alias: alias, version: version, author: "mlflow-client", reason: "set by the MLflow client")
            return "{}"
        case "registered-models/alias/delete":
            let name = try p.required("name"), alias = try p.required("alias")
            guard try store.removeModelAlias(model: name, alias: alias, author: "mlflow-client", reason: "deleted by the MLflow client") else {
                throw MLflowError.notFound("Registered model alias \(alias) not found.")
            }
            return "{}"
        case "registered-models/alias/get":
            let name = try p.required("name"), alias = try p.required("alias")
            guard let version = try store.modelVersion(model: name, alias: alias) else {
                throw MLflowError.notFound("Registered model alias \(alias) not found.")
            }
            return wrap("model_version") { versionJSON(version, into: &$0) }
        case "model-versions/create": return try createModelVersion(p)
        case "model-versions/get":
            let name = try p.required("name")
            guard let number = Int(try p.required("version")) else { throw MLflowError.invalid("Invalid version '\(try p.required("version"))'") }
            let version = try store.modelVersion(ModelReference(model: name, selector: .version(number)))
            return wrap("model_version") { versionJSON(version, into: &$0) }
        case "model-versions/search":
            var found: [ModelVersionRecord] = []
            for model in try store.models() where try ExperimentFilter.matches(modelFilter(try p.string("filter")), name: model.name, tags: [:], missingTagIsEmpty: true) {
                found += try versions(model.name)
            }
            var json = JSONText()
            json.raw("{"); json.key("model_versions"); json.raw("[")
            for (i, v) in found.prefix(try MLflowLimits.maxResults(try p.int64("max_results"), default: 10_000)).enumerated() {
                if i > 0 { json.raw(",") }; versionJSON(v, into: &json)
            }
            json.raw("]}")
            return json.text
        default: throw MLflowError("ENDPOINT_NOT_FOUND", "no endpoint /api/2.0/mlflow/\(endpoint)")
        }
    }

    /// MLflow filters registered models and versions by `name` (and versions by `run_id`, which this ignores).
    func modelFilter(_ filter: String?) -> String {
        guard let filter, !filter.isEmpty, !filter.contains("run_id") else { return "" }
        return filter
    }

    func versions(_ model: String) throws -> [ModelVersionRecord] {
        do { return try store.modelVersions(model) } catch let error as ModelRegistryError {
            if case .unknownModel = error { throw MLflowError.notFound("Registered Model with name=\(model) not found") }
            throw error
        }
    }

    func wrap(_ key: String, _ body: (inout JSONText) throws -> Void) rethrows -> String {
        var json = JSONText()
        json.raw("{"); json.key(key); try body(&json); json.raw("}")
        return json.text
    }

    func registeredModelJSON(_ name: String, into json: inout JSONText) throws {
        guard let model = try store.models().first(where: { $0.name == name }) else {
            throw MLflowError.notFound("Registered Model with name=\(name) not found")
        }
        let all = try versions(name)
        json.raw("{"); json.key("name"); json.string(model.name)
        json.raw(","); json.key("creation_timestamp"); json.raw(String(MLflowJSON.millis(model.createdAt)))
        json.raw(","); json.key("last_updated_timestamp"); json.raw(String(MLflowJSON.millis(model.updatedAt ?? model.createdAt)))
        if let description = model.description { json.raw(","); json.key("description"); json.string(description) }
        json.raw(","); json.key("latest_versions"); json.raw("[")
        if let latest = all.first { versionJSON(latest, into: &json) }
        json.raw("],"); json.key("aliases"); json.raw("[")
        for (i, (alias, version)) in model.aliases.sorted(by: { $0.key < $1.key }).enumerated() {
            if i > 0 { json.raw(",") }
            json.raw("{"); json.key("alias"); json.string(alias); json.raw(","); json.key("version"); json.string(String(version)); json.raw("}")
        }
        json.raw("]}")
    }

    func versionJSON(_ v: ModelVersionRecord, into json: inout JSONText) {
        json.raw("{"); json.key("name"); json.string(v.model)
        json.raw(","); json.key("version"); json.string(String(v.version))
        json.raw(","); json.key("creation_timestamp"); json.raw(String(MLflowJSON.millis(v.createdAt)))
        json.raw(","); json.key("last_updated_timestamp"); json.raw(String(MLflowJSON.millis(v.createdAt)))
        json.raw(","); json.key("current_stage"); json.string("None")
        json.raw(","); json.key("description"); json.string(v.description ?? "")
        json.raw(","); json.key("source"); json.string(v.tags["mlflow.source"] ?? "")
        json.raw(","); json.key("run_id"); json.string(v.runID ?? "")
        if let modelID = v.tags["mlflow.model_id"] { json.raw(","); json.key("model_id"); json.string(modelID) }
        json.raw(","); json.key("status"); json.string("READY")
        json.raw(","); json.key("tags"); MLflowJSON.keyValues(v.tags.filter { !$0.key.hasPrefix("mlflow.") }, into: &json)
        json.raw(","); json.key("aliases"); json.raw("[")
        for (i, a) in v.aliases.enumerated() { if i > 0 { json.raw(",") }; json.string(a) }
        json.raw("]}")
    }

    func searchRegisteredModels(_ p: MLflowParams) throws -> String {
        let maxResults = try MLflowLimits.maxResults(try p.int64("max_results"), default: 100)
        let offset = try MLflowJSON.offset(fromToken: try p.string("page_token"))
        let filter = modelFilter(try p.string("filter"))
        let all = try store.models().filter { try filter.isEmpty || ExperimentFilter.matches(filter, name: $0.name, tags: [:], missingTagIsEmpty: true) }
        let page = all.dropFirst(offset).prefix(maxResults)
        var json = JSONText()
        json.raw("{"); json.key("registered_models"); json.raw("[")
        for (i, m) in page.enumerated() { if i > 0 { json.raw(",") }; try registeredModelJSON(m.name, into: &json) }
        json.raw("]")
        if offset + page.count < all.count { json.raw(","); json.key("next_page_token"); json.string(MLflowJSON.pageToken(offset: offset + page.count)) }
        json.raw("}")
        return json.text
    }

    func createModelVersion(_ p: MLflowParams) throws -> String {
        let name = try p.required("name"), source = try p.required("source")
        let located = try modelFile(source: source, runID: try p.string("run_id"), modelID: try p.string("model_id"))
        var tags: [String: String] = ["mlflow.source": source]
        if let modelID = located.modelID { tags["mlflow.model_id"] = modelID }
        for t in try p.objects("tags") { tags[try t.required("key")] = try t.string("value") ?? "" }
        let run = try store.runRecord(exactID: located.runID)
        let details = try run.map { try store.runDetails($0.id) }
        let new = NewModelVersion(model: name, modelObject: located.artifact.object, framework: located.framework,
                                  metrics: details.map { Dictionary($0.metrics.map { ($0.key, $0.last) }, uniquingKeysWith: { a, _ in a }) } ?? [:],
                                  params: details?.params ?? [:], runID: run?.id, description: try p.string("description"))
        let version = try store.registerModelVersion(new, alias: nil, author: "mlflow-client", reason: nil)
        let tagged = try store.tagModelVersion(model: name, version: version.version, set: tags)
        return wrap("model_version") { versionJSON(tagged, into: &$0) }
    }

    /// The model file a version's `source` names: a folder of a run's artifacts (`runs:/RUN/model`,
    /// `mlflow-artifacts:/EXP/RUN/artifacts/model`) or a logged model (`models:/m-…`), and the
    /// framework its file name tells.
    func modelFile(source: String, runID: String?, modelID: String?) throws -> (runID: String, artifact: ArtifactRecord, framework: String, modelID: String?) {
        var run: String, folder: String, logged: String? = modelID.flatMap { $0.isEmpty ? nil : $0 }
        if source.hasPrefix("mlflow-artifacts:/") {
            let path = try MLflowArtifactPath(raw: String(source.dropFirst("mlflow-artifacts:/".count)))
            run = path.runID; folder = path.path
        } else if source.hasPrefix("runs:/") {
            let parts = source.dropFirst("runs:/".count).split(separator: "/", maxSplits: 1)
            run = parts.first.map(String.init) ?? ""; folder = parts.count > 1 ? String(parts[1]) : ""
        } else if source.hasPrefix("models:/m-") || logged != nil {
            let id = logged ?? String(source.dropFirst("models:/".count))
            guard let model = loggedModels.get(id) else { throw MLflowError.notFound("Logged model '\(id)' not found") }
            logged = id; run = model.runID; folder = model.artifactFolder
        } else {
            throw MLflowError.invalid("Unsupported model source '\(source)': expected runs:/RUN/PATH, mlflow-artifacts:/… of this server or models:/m-…")
        }
        if run.isEmpty, let runID { run = runID }
        let artifacts = try store.runDetails(run).artifacts
        guard let picked = MLflowModelFile.pick(in: artifacts, folder: folder) else {
            throw MLflowError.invalid("No model file under '\(folder)' in the artifacts of run \(run) (source '\(source)'): log the model before registering it")
        }
        return (run, picked.artifact, picked.framework, logged)
    }
}
