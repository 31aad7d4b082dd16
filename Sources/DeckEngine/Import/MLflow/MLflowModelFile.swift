import DeckStore
import Foundation

/// Which artifact of a run is an MLflow model version's model file, and its framework, as
/// `mldeck server` decides it when the client registers a version: under the folder the
/// version's `source` names, `model.ubj`, `model.xgb`, `model.json`, `model.pkl`, `model.joblib`
/// or `model.skops` first, else the first file that is not MLflow metadata (`MLmodel`,
/// `conda.yaml`, …).
public enum MLflowModelFile {
    static let preferred = ["model.ubj", "model.xgb", "model.json", "model.pkl", "model.joblib", "model.skops"]
    static let metadata: Set<String> = ["MLmodel", "conda.yaml", "python_env.yaml", "requirements.txt", "input_example.json", "serving_input_example.json"]

    /// The model file under `folder` ("" for the run's whole artifacts) and its framework, or nil.
    public static func pick(in artifacts: [ArtifactRecord], folder: String) -> (artifact: ArtifactRecord, framework: String)? {
        let prefix = folder.isEmpty ? "" : folder + "/"
        let inside = artifacts.filter { $0.path == folder || $0.path.hasPrefix(prefix) }
        let found = preferred.lazy.compactMap { name in inside.first { $0.path == prefix + name } }.first
            ?? inside.first { !metadata.contains(String($0.path.split(separator: "/").last ?? "")) }
        guard let artifact = found else { return nil }
        return (artifact, framework(of: artifact.path))
    }

    /// `xgboost` for .ubj/.xgb/.json, `sklearn` for .pkl/.joblib/.skops, `mlflow` otherwise.
    public static func framework(of path: String) -> String {
        switch (String(path.split(separator: "/").last ?? "") as NSString).pathExtension {
        case "ubj", "xgb", "json": return "xgboost"
        case "pkl", "joblib", "skops": return "sklearn"
        default: return "mlflow"
        }
    }

    /// The folder inside run `runID`'s artifacts that a version's `source` names: `runs:/RUN/PATH`,
    /// the run's own artifact URI followed by `/PATH`, or `mlflow-artifacts:/…/RUN/artifacts/PATH`;
    /// nil for anything else (other stores; MLflow 3 logged models `models:/m-…` are read through ``MLflowSourceReader/loggedModel(id:)``).
    public static func folder(source: String, runID: String, artifactURI: String?) -> String? {
        if source.hasPrefix("runs:/") {
            let parts = source.dropFirst("runs:/".count).split(separator: "/", maxSplits: 1)
            guard parts.first.map(String.init)?.lowercased() == runID.lowercased() else { return nil }
            return parts.count > 1 ? trimmed(String(parts[1])) : ""
        }
        if let uri = artifactURI, !uri.isEmpty {
            if source == uri { return "" }
            if source.hasPrefix(uri + "/") { return trimmed(String(source.dropFirst(uri.count + 1))) }
        }
        let marker = "/\(runID)/artifacts"
        if let range = source.range(of: marker) {
            let rest = source[range.upperBound...]
            if rest.isEmpty { return "" }
            if rest.hasPrefix("/") { return trimmed(String(rest.dropFirst())) }
        }
        return nil
    }

    static func trimmed(_ path: String) -> String {
        var p = path
        while p.hasSuffix("/") { p.removeLast() }
        return p
    }
}
