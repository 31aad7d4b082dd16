import Foundation

/// An MLflow 3 logged model (`mlflow.<flavor>.log_model`, `mlflow.initialize_logged_model`): a
/// model with its own id `m-…` and files, which a registered model version names as its source
/// `models:/m-…`. Its files live apart from its run's artifacts (MLflow keeps them under
/// `<experiment artifact root>/models/<model_id>/artifacts`); the import copies them into the
/// source run's artifacts under `models/<model_id>/`, where `mldeck server` keeps the files of a
/// model logged through it.
public struct MLflowLoggedModel: Sendable, Equatable {
    /// `m-` and 32 hex digits.
    public var id: String
    public var experimentID: String
    /// The run that logged it; nil for a model logged outside a run.
    public var sourceRunID: String?
    /// Where the store keeps its files (`file:///…/mlruns/1/models/m-…/artifacts`, `mlflow-artifacts:/1/models/m-…/artifacts`).
    public var artifactURI: String

    public init(id: String, experimentID: String, sourceRunID: String?, artifactURI: String) {
        self.id = id; self.experimentID = experimentID; self.sourceRunID = sourceRunID; self.artifactURI = artifactURI
    }

    /// The logged model id a version's `source` names (`models:/m-…`, optionally followed by a
    /// path), or nil (`models:/NAME/VERSION` is a registry reference, not a logged model).
    public static func id(inSource source: String) -> String? {
        guard source.hasPrefix("models:/m-") else { return nil }
        let id = String(source.dropFirst("models:/".count).split(separator: "/", maxSplits: 1).first ?? "")
        return isID(id) ? id : nil
    }

    /// `m-` followed by letters, digits, `-` or `_` (MLflow makes `m-` + 32 hex digits), safe as a path component.
    public static func isID(_ text: String) -> Bool {
        text.hasPrefix("m-") && text.utf8.count > 2 && text.utf8.count <= 64
            && text.unicodeScalars.allSatisfy { ($0.isASCII && CharacterSet.alphanumerics.contains($0)) || $0 == "-" || $0 == "_" }
    }

    /// The folder of its source run's artifacts that holds its files in the workspace.
    public var folder: String { "models/\(id)" }

    /// A run info carrying the model's artifact location, through which a local store's reader
    /// lists and reads its files as it does a run's.
    public var artifactHolder: MLflowRunInfo {
        MLflowRunInfo(id: sourceRunID ?? id, experimentID: experimentID, name: nil, status: "FINISHED", startTime: 0, endTime: nil,
                      deleted: false, artifactURI: artifactURI)
    }
}
