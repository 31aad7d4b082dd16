import Foundation

/// Picks the reader for what the user named as SOURCE:
/// - `sqlite:///relative/mlflow.db`, `sqlite:////absolute/mlflow.db` (MLflow's spelling), or a
///   path to an SQLite file → ``MLflowSQLiteReader``;
/// - `file:///…/mlruns` or a folder path → ``MLflowFileStoreReader``;
/// - `http://…`, `https://…` → ``MLflowRESTReader``.
public enum MLflowSource {
    public static func reader(for source: String) throws -> MLflowSourceReader {
        let text = source.trimmingCharacters(in: .whitespaces)
        guard !text.isEmpty else { throw MLflowImportError.unsupportedSource(source) }
        if text.hasPrefix("http://") || text.hasPrefix("https://") { return try MLflowRESTReader(url: text) }
        if text.hasPrefix("sqlite:") {
            guard text.hasPrefix("sqlite:///") else { throw MLflowImportError.unsupportedSource(source) }
            let path = String(text.dropFirst("sqlite:///".count))
            guard !path.isEmpty else { throw MLflowImportError.unsupportedSource(source) }
            return try MLflowSQLiteReader(path: path, label: source)
        }
        var path = text
        if text.hasPrefix("file://") { path = LocalArtifacts.localPath(text) ?? text } else if text.contains("://") {
            throw MLflowImportError.unsupportedSource(source)
        }
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else { throw MLflowImportError.missing(path: path) }
        if isDir.boolValue { return try MLflowFileStoreReader(path: path, label: source) }
        return try MLflowSQLiteReader(path: path, label: source)
    }
}
