import DeckStore
import Foundation

/// The `mlflow-artifacts` proxy: paths `<experiment>/<run>/artifacts/<path>` name a run's
/// artifacts (runs report `artifact_uri = mlflow-artifacts:/<experiment>/<run>/artifacts`).
public struct MLflowArtifactPath: Sendable, Equatable {
    public var runID: String
    /// The artifact path inside the run (`""` for the run's root).
    public var path: String

    public init(runID: String, path: String) { self.runID = runID; self.path = path }

    /// Parses a raw (percent-encoded) path; `..` in any form, a `.`, a backslash or a NUL is a 400.
    public init(raw: String) throws(MLflowError) {
        var components: [String] = []
        for part in raw.split(separator: "/", omittingEmptySubsequences: true) {
            let once = String(part).removingPercentEncoding ?? String(part)
            let twice = once.removingPercentEncoding ?? once
            for candidate in [once, twice] {
                if candidate == ".." || candidate == "." || candidate.contains("\\") || candidate.contains("\0")
                    || candidate.split(separator: "/").contains(where: { $0 == ".." }) {
                    throw .invalid("Invalid path '\(raw.prefix(200))': it must not contain '..', '.', backslashes or NUL")
                }
            }
            guard !once.contains("/") else { throw .invalid("Invalid path '\(raw.prefix(200))': an encoded '/' is not allowed") }
            components.append(once)
        }
        guard components.count >= 3, components[2] == "artifacts" else {
            throw .notFound("'\(raw.prefix(200))' is not an artifact path of this server (expected <experiment>/<run>/artifacts/<path>)")
        }
        runID = components[1]
        path = components.dropFirst(3).joined(separator: "/")
    }
}

/// One entry of an artifact listing.
struct MLflowArtifactEntry: Equatable {
    var name: String
    var isDir: Bool
    var size: Int64?
}

extension MLflowService {
    /// The run an artifact path names.
    func artifactRun(_ path: MLflowArtifactPath) throws(MLflowError) -> RunRecord {
        do {
            guard let run = try store.runRecord(exactID: path.runID) else { throw MLflowError.runNotFound(path.runID) }
            return run
        } catch { throw MLflowError.from(error) }
    }

    /// Stores `file` as the run's artifact at `path.path`.
    public func putArtifact(_ path: MLflowArtifactPath, file: URL) throws(MLflowError) {
        guard !path.path.isEmpty else { throw .invalid("An artifact needs a file name after '/artifacts/'") }
        let run = try artifactRun(path)
        do { try store.logArtifact(run: run.handle, path: path.path, file: file) } catch { throw MLflowError.from(error) }
    }

    /// The listing of a folder: names relative to it, folders without a size; empty for a file or a missing path.
    func artifactEntries(_ path: MLflowArtifactPath) throws(MLflowError) -> [MLflowArtifactEntry] {
        let run = try artifactRun(path)
        let artifacts: [ArtifactRecord]
        do { artifacts = try store.runDetails(run.id).artifacts } catch { throw MLflowError.from(error) }
        let prefix = path.path.isEmpty ? "" : path.path + "/"
        var seen: [String: MLflowArtifactEntry] = [:]
        for artifact in artifacts where artifact.path.hasPrefix(prefix) {
            let rest = artifact.path.dropFirst(prefix.count)
            let parts = rest.split(separator: "/", maxSplits: 1)
            guard let first = parts.first else { continue }
            let name = String(first)
            if parts.count > 1 { seen[name] = MLflowArtifactEntry(name: name, isDir: true, size: nil) }
            else if seen[name] == nil { seen[name] = MLflowArtifactEntry(name: name, isDir: false, size: artifact.size) }
        }
        return seen.values.sorted { $0.name < $1.name }
    }

    /// `GET /api/2.0/mlflow-artifacts/artifacts?path=…`: `{"files": [...]}` (`{}` when empty).
    public func listArtifacts(rawPath: String) throws(MLflowError) -> String {
        let entries = try artifactEntries(try MLflowArtifactPath(raw: rawPath))
        guard !entries.isEmpty else { return "{}" }
        var json = JSONText()
        json.raw("{"); json.key("files"); json.raw("[")
        for (i, e) in entries.enumerated() {
            if i > 0 { json.raw(",") }
            json.raw("{"); json.key("path"); json.string(e.name); json.raw(","); json.key("is_dir"); json.raw(e.isDir ? "true" : "false")
            if let size = e.size { json.raw(","); json.key("file_size"); json.raw(String(size)) }
            json.raw("}")
        }
        json.raw("]}")
        return json.text
    }

    /// The stored object of an artifact (for `GET …/artifacts/<path>`).
    public func artifactObject(_ path: MLflowArtifactPath) throws(MLflowError) -> ArtifactRecord {
        let run = try artifactRun(path)
        do {
            guard let artifact = try store.runDetails(run.id).artifacts.first(where: { $0.path == path.path }) else {
                throw MLflowError.notFound("Artifact '\(path.path)' of run \(run.id) not found")
            }
            return artifact
        } catch { throw MLflowError.from(error) }
    }
}
