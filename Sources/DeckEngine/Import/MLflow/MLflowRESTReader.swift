import DeckStore
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Reads a running MLflow tracking server (MLflow's own, or `mldeck server`) through its REST
/// API: `experiments/search`, `runs/search`, `metrics/get-history` (paged), the
/// `mlflow-artifacts` proxy (listing and download), `registered-models/search` and
/// `model-versions/search`, `logged-models/<id>` (MLflow 3; its files through the same proxy). Sends `Authorization: Bearer $MLFLOW_TRACKING_TOKEN` when set.
public final class MLflowRESTReader: MLflowSourceReader {
    public let label: String
    let base: String
    let http: MLflowHTTP
    /// Metric keys per run (from `runs/search`), for the history calls.
    var metricKeys: [String: [String]] = [:]
    var runData: [String: MLflowRunData] = [:]
    /// Logged models whose files this server hands over only through the `mlflow-artifacts` proxy.
    var proxiedModels = Set<String>()

    /// A reader of the server at `url`; checks that it answers as MLflow does.
    public init(url: String, token: String? = ProcessInfo.processInfo.environment["MLFLOW_TRACKING_TOKEN"]) throws {
        label = url
        var trimmed = url
        while trimmed.hasSuffix("/") { trimmed.removeLast() }
        base = trimmed
        guard URL(string: trimmed)?.host != nil else { throw MLflowImportError.unsupportedSource(url) }
        http = MLflowHTTP(base: trimmed, token: token)
    }

    func api(_ endpoint: String) -> String { "/api/2.0/mlflow/" + endpoint }

    public func experiments() throws -> [MLflowExperimentInfo] {
        var out: [MLflowExperimentInfo] = []
        try paged { token in
            var body: [String: Any] = ["max_results": 1000, "view_type": "ALL"]
            if let token { body["page_token"] = token }
            let page = try http.post(api("experiments/search"), body)
            for e in page["experiments"] as? [[String: Any]] ?? [] {
                guard let id = MLflowHTTP.text(e["experiment_id"]), let name = e["name"] as? String else { continue }
                out.append(MLflowExperimentInfo(id: id, name: name, deleted: (e["lifecycle_stage"] as? String) == "deleted",
                                                tags: MLflowHTTP.keyValues(e["tags"])))
            }
            return page["next_page_token"] as? String
        }
        return out
    }

    /// Calls `body` with each page token (nil first) until it returns no next token.
    func paged(_ body: (String?) throws -> String?) throws {
        var token: String?
        var seen = Set<String>()
        repeat {
            token = try body(token)
            if let t = token, !seen.insert(t).inserted { break }  // a server repeating a token must not loop forever
        } while token.map { !$0.isEmpty } ?? false
    }

    public func runs(experimentIDs: [String]) throws -> [MLflowRunInfo] {
        var out: [MLflowRunInfo] = []
        for start in stride(from: 0, to: experimentIDs.count, by: 100) {
            let ids = Array(experimentIDs[start..<min(start + 100, experimentIDs.count)])
            try paged { token in
                var body: [String: Any] = ["experiment_ids": ids, "run_view_type": "ALL", "max_results": 1000]
                if let token { body["page_token"] = token }
                let page = try http.post(api("runs/search"), body)
                for run in page["runs"] as? [[String: Any]] ?? [] {
                    guard let info = run["info"] as? [String: Any], let id = MLflowHTTP.text(info["run_id"] ?? info["run_uuid"]) else { continue }
                    let data = run["data"] as? [String: Any] ?? [:]
                    runData[id] = MLflowRunData(params: MLflowHTTP.keyValues(data["params"]), tags: MLflowHTTP.keyValues(data["tags"]))
                    metricKeys[id] = Array(Set((data["metrics"] as? [[String: Any]] ?? []).compactMap { $0["key"] as? String })).sorted()
                    out.append(MLflowRunInfo(id: id, experimentID: MLflowHTTP.text(info["experiment_id"]) ?? "0",
                                             name: (info["run_name"] as? String).flatMap { $0.isEmpty ? nil : $0 },
                                             status: info["status"] as? String ?? "FINISHED",
                                             startTime: MLflowHTTP.int64(info["start_time"]) ?? 0, endTime: MLflowHTTP.int64(info["end_time"]),
                                             deleted: (info["lifecycle_stage"] as? String) == "deleted",
                                             artifactURI: info["artifact_uri"] as? String ?? ""))
                }
                return page["next_page_token"] as? String
            }
        }
        return out.sorted { ($0.startTime, $0.id) < ($1.startTime, $1.id) }
    }

    public func data(of runs: [MLflowRunInfo]) throws -> [String: MLflowRunData] {
        var out: [String: MLflowRunData] = [:]
        for run in runs {
            var data = runData[run.id] ?? MLflowRunData()
            for key in metricKeys[run.id] ?? [] {
                try paged { token in
                    var query = ["run_id": run.id, "metric_key": key, "max_results": "25000"]
                    if let token { query["page_token"] = token }
                    let page = try http.get(api("metrics/get-history"), query: query)
                    for m in page["metrics"] as? [[String: Any]] ?? [] {
                        guard let value = MLflowHTTP.double(m["value"]) else { continue }
                        let millis = MLflowHTTP.int64(m["timestamp"]) ?? 0
                        data.metrics.append(MetricPoint(key: key, value: value, step: MLflowHTTP.int64(m["step"]) ?? 0, timestamp: Double(millis) / 1000))
                    }
                    return page["next_page_token"] as? String
                }
            }
            out[run.id] = data
        }
        return out
    }

    /// The proxy path of the run's artifacts (`<experiment>/<run>/artifacts`), from `mlflow-artifacts:/…`.
    func proxyPath(_ run: MLflowRunInfo) throws -> String {
        let scheme = "mlflow-artifacts:"
        guard run.artifactURI.hasPrefix(scheme) else {
            throw MLflowImportError.unreadable(source: run.artifactURI, detail: "the server does not proxy this artifact location (only mlflow-artifacts: URIs can be read through it)")
        }
        var path = String(run.artifactURI.dropFirst(scheme.count))
        if path.hasPrefix("//"), let slash = path.dropFirst(2).firstIndex(of: "/") { path = String(path[slash...]) }  // mlflow-artifacts://host/…
        while path.hasPrefix("/") { path.removeFirst() }
        return path
    }

    public func artifacts(of run: MLflowRunInfo) throws -> [MLflowArtifactFile] {
        let root = try proxyPath(run)
        return try walk { relative in
            try http.get("/api/2.0/mlflow-artifacts/artifacts", query: ["path": relative.isEmpty ? root : root + "/" + relative])
        }
    }

    /// Every file of a listing walked folder by folder (`list` answers a folder, "" for the root,
    /// with `files`: `path`, `is_dir`, `file_size`), paths relative to the root, sorted.
    func walk(_ list: (String) throws -> [String: Any]) throws -> [MLflowArtifactFile] {
        var out: [MLflowArtifactFile] = []
        func walk(_ relative: String, depth: Int) throws {
            guard depth < 64 else { return }
            for file in try list(relative)["files"] as? [[String: Any]] ?? [] {
                guard let raw = file["path"] as? String else { continue }
                let name = raw.split(separator: "/").last.map(String.init) ?? raw
                guard MLflowHTTP.isSafeName(name) else { continue }
                let path = relative.isEmpty ? name : relative + "/" + name
                if file["is_dir"] as? Bool ?? false { try walk(path, depth: depth + 1) } else {
                    out.append(MLflowArtifactFile(path: path, size: MLflowHTTP.int64(file["file_size"])))
                }
            }
        }
        try walk("", depth: 0)
        return out.sorted { $0.path < $1.path }
    }

    public func localFile(of artifact: MLflowArtifactFile, run: MLflowRunInfo) throws -> (url: URL, temporary: Bool) {
        let path = try proxyPath(run) + "/" + artifact.path
        return (try http.download("/api/2.0/mlflow-artifacts/artifacts/" + MLflowHTTP.escapePath(path)), true)
    }

    public func registeredModels() throws -> [MLflowRegisteredModel] {
        var out: [MLflowRegisteredModel] = []
        try paged { token in
            var query = ["max_results": "1000"]
            if let token { query["page_token"] = token }
            let page = try http.get(api("registered-models/search"), query: query)
            for m in page["registered_models"] as? [[String: Any]] ?? [] {
                guard let name = m["name"] as? String else { continue }
                var aliases: [String: Int] = [:]
                for a in m["aliases"] as? [[String: Any]] ?? [] {
                    if let alias = a["alias"] as? String, let v = MLflowHTTP.int64(a["version"]) { aliases[alias] = Int(v) }
                }
                out.append(MLflowRegisteredModel(name: name, description: m["description"] as? String, versions: [], aliases: aliases))
            }
            return page["next_page_token"] as? String
        }
        for i in out.indices {
            let escaped = out[i].name.replacingOccurrences(of: "'", with: "\\'")
            let page = try http.get(api("model-versions/search"), query: ["filter": "name = '\(escaped)'", "max_results": "10000"])
            out[i].versions = (page["model_versions"] as? [[String: Any]] ?? []).compactMap { v in
                guard (v["name"] as? String) == out[i].name, let number = MLflowHTTP.int64(v["version"]) else { return nil }
                let run = v["run_id"] as? String
                return .init(version: Int(number), runID: (run ?? "").isEmpty ? nil : run, source: v["source"] as? String ?? "",
                             description: v["description"] as? String)
            }.sorted { $0.version < $1.version }
        }
        return out
    }

    /// `GET logged-models/<id>`; nil when the server answers 404 (no such model, a server before
    /// MLflow 3, or `mldeck server`, which keeps logged-model records only for its lifetime).
    public func loggedModel(id: String) throws -> MLflowLoggedModel? {
        guard MLflowLoggedModel.isID(id) else { return nil }
        let page: [String: Any]
        do { page = try http.get(api("logged-models/") + MLflowHTTP.escapePath(id), query: [:]) } catch MLflowImportError.http(_, 404, _) {
            return nil
        }
        guard let info = (page["model"] as? [String: Any])?["info"] as? [String: Any] else { return nil }
        let run = MLflowHTTP.text(info["source_run_id"])
        return MLflowLoggedModel(id: MLflowHTTP.text(info["model_id"]) ?? id, experimentID: MLflowHTTP.text(info["experiment_id"]) ?? "0",
                                 sourceRunID: (run ?? "").isEmpty ? nil : run, artifactURI: info["artifact_uri"] as? String ?? "")
    }

    /// MLflow 3.6's `GET logged-models/<id>/artifacts/directories` (paths relative to the model),
    /// walked folder by folder; the server reads the model's artifact location itself, proxied or
    /// not. A server without that endpoint (404: `mldeck server`) is read through the
    /// `mlflow-artifacts` proxy when the model's `artifact_uri` is proxied.
    public func artifacts(of model: MLflowLoggedModel) throws -> [MLflowArtifactFile] {
        let endpoint = api("logged-models/") + MLflowHTTP.escapePath(model.id) + "/artifacts/directories"
        do {
            return try walk { relative in try http.get(endpoint, query: relative.isEmpty ? [:] : ["artifact_directory_path": relative]) }
        } catch MLflowImportError.http(_, 404, _) where model.artifactURI.hasPrefix("mlflow-artifacts:") {
            proxiedModels.insert(model.id)
            return try artifacts(of: model.artifactHolder)
        }
    }

    /// MLflow 3.6 serves a logged model's file at `/ajax-api/2.0/mlflow/logged-models/<id>/artifacts/files?artifact_file_path=…`
    /// (or the proxy does, for a model listed through it).
    public func localFile(of artifact: MLflowArtifactFile, model: MLflowLoggedModel) throws -> (url: URL, temporary: Bool) {
        if proxiedModels.contains(model.id) { return try localFile(of: artifact, run: model.artifactHolder) }
        let path = "/ajax-api/2.0/mlflow/logged-models/" + MLflowHTTP.escapePath(model.id) + "/artifacts/files"
        return (try http.download(path, query: ["artifact_file_path": artifact.path]), true)
    }
}
