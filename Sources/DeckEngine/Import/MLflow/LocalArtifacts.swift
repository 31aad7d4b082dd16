import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The artifacts of a local MLflow store (`file://` artifact URIs), found again when the store
/// was moved or copied with its artifact folder: MLflow records absolute paths
/// (`file:///old/place/mlruns/1/RUN/artifacts`), so when that path is gone the reader tries the
/// path's tails (`mlruns/1/RUN/artifacts`, then `1/RUN/artifacts`) under the store's own folder.
enum LocalArtifacts {
    /// The folder of a run's artifacts, or nil when neither the recorded path nor a moved copy exists.
    static func folder(uri: String, storeFolder: URL) -> URL? {
        guard let path = localPath(uri) else { return nil }
        if isDirectory(path) { return URL(fileURLWithPath: path) }
        let parts = path.split(separator: "/")
        guard parts.count >= 3 else { return nil }
        let base = storeFolder.path.hasSuffix("/") ? storeFolder.path : storeFolder.path + "/"
        for start in 0...(parts.count - 3) {
            let candidate = base + parts[start...].joined(separator: "/")
            if isDirectory(candidate) { return URL(fileURLWithPath: candidate) }
        }
        return nil
    }

    /// The path of a `file:` URI or a plain path; nil for remote schemes (s3:, gs:, mlflow-artifacts:, …).
    static func localPath(_ uri: String) -> String? {
        if uri.hasPrefix("file://") {
            let rest = String(uri.dropFirst("file://".count))
            return (rest.removingPercentEncoding ?? rest)
        }
        if uri.hasPrefix("file:") { return String(uri.dropFirst("file:".count)) }
        if uri.hasPrefix("/") { return uri }
        return nil
    }

    /// Whether `path` is a folder (following symbolic links), by one `stat` (called for every run of an import).
    static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }

    /// Every regular file under `folder`, as `/`-separated paths relative to it, sorted; symbolic
    /// links are not followed out of the folder.
    static func files(in folder: URL) throws -> [MLflowArtifactFile] {
        var out: [MLflowArtifactFile] = []
        func walk(_ dir: URL, _ prefix: String) throws {
            for name in try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() {
                let url = dir.appendingPathComponent(name)
                let attributes = try FileManager.default.attributesOfItem(atPath: url.path)
                let type = attributes[.type] as? FileAttributeType
                if type == .typeDirectory {
                    try walk(url, prefix + name + "/")
                } else if type == .typeRegular {
                    out.append(MLflowArtifactFile(path: prefix + name, size: (attributes[.size] as? NSNumber)?.int64Value))
                }
            }
        }
        try walk(folder, "")
        return out
    }

    /// The run's artifact files: none when it logged none (MLflow makes the folder on the first
    /// artifact); throws when the artifacts live somewhere this machine cannot read as files.
    static func list(run: MLflowRunInfo, storeFolder: URL) throws -> [MLflowArtifactFile] {
        guard !run.artifactURI.isEmpty else { return [] }
        guard localPath(run.artifactURI) != nil else {
            let hint = run.artifactURI.hasPrefix("mlflow-artifacts:") ? "; they are served by the tracking server: import from its http:// URL" : ""
            throw MLflowImportError.unreadable(source: run.artifactURI, detail: "not a local artifact location\(hint)")
        }
        guard let folder = folder(uri: run.artifactURI, storeFolder: storeFolder) else { return [] }
        do { return try files(in: folder) } catch {
            throw MLflowImportError.unreadable(source: folder.path, detail: "cannot list the run's artifacts (\(error.localizedDescription))")
        }
    }

    /// The artifact's file in place (never a temporary copy).
    static func file(_ artifact: MLflowArtifactFile, run: MLflowRunInfo, storeFolder: URL) throws -> (url: URL, temporary: Bool) {
        guard let folder = folder(uri: run.artifactURI, storeFolder: storeFolder) else {
            throw MLflowImportError.missing(path: localPath(run.artifactURI) ?? run.artifactURI)
        }
        return (folder.appendingPathComponent(artifact.path), false)
    }
}
