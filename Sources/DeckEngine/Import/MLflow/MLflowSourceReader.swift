import DeckStore
import Foundation

/// An experiment as an MLflow store holds it.
public struct MLflowExperimentInfo: Sendable, Equatable {
    /// MLflow's id ("0" is Default).
    public var id: String
    public var name: String
    public var deleted: Bool
    public var tags: [String: String]

    public init(id: String, name: String, deleted: Bool, tags: [String: String]) {
        self.id = id; self.name = name; self.deleted = deleted; self.tags = tags
    }
}

/// A run's attributes (`RunInfo`), without its data.
public struct MLflowRunInfo: Sendable, Equatable {
    public var id: String
    public var experimentID: String
    /// nil when the store has none (the `mlflow.runName` tag then names it).
    public var name: String?
    /// RUNNING, SCHEDULED, FINISHED, FAILED or KILLED.
    public var status: String
    /// Epoch milliseconds.
    public var startTime: Int64
    public var endTime: Int64?
    public var deleted: Bool
    /// Where the store keeps the run's artifacts (`file:///…/artifacts`, `mlflow-artifacts:/…`).
    public var artifactURI: String

    public init(id: String, experimentID: String, name: String?, status: String, startTime: Int64, endTime: Int64?,
                deleted: Bool, artifactURI: String) {
        self.id = id; self.experimentID = experimentID; self.name = name; self.status = status; self.startTime = startTime
        self.endTime = endTime; self.deleted = deleted; self.artifactURI = artifactURI
    }
}

/// A run's params, tags and full metric histories.
public struct MLflowRunData: Sendable {
    public var params: [String: String] = [:]
    public var tags: [String: String] = [:]
    public var metrics: [MetricPoint] = []

    public init(params: [String: String] = [:], tags: [String: String] = [:], metrics: [MetricPoint] = []) {
        self.params = params; self.tags = tags; self.metrics = metrics
    }
}

/// One artifact file of a run: its path under the run's artifacts, `/`-separated.
public struct MLflowArtifactFile: Sendable, Equatable {
    public var path: String
    public var size: Int64?

    public init(path: String, size: Int64?) { self.path = path; self.size = size }
}

/// A registered model with its versions and aliases.
public struct MLflowRegisteredModel: Sendable, Equatable {
    public struct Version: Sendable, Equatable {
        public var version: Int
        public var runID: String?
        /// Where the version's files are (`runs:/RUN/model`, the run's artifact URI + `/model`, `models:/m-…`).
        public var source: String
        public var description: String?

        public init(version: Int, runID: String?, source: String, description: String?) {
            self.version = version; self.runID = runID; self.source = source; self.description = description
        }
    }

    public var name: String
    public var description: String?
    public var versions: [Version]
    /// Alias → version number.
    public var aliases: [String: Int]

    public init(name: String, description: String?, versions: [Version], aliases: [String: Int]) {
        self.name = name; self.description = description; self.versions = versions; self.aliases = aliases
    }
}

/// What `mldeck import mlflow` reads from one kind of MLflow source (an `sqlite:///` database, a
/// `./mlruns` file store, a tracking server's REST API). Readers only read; ``MLflowImporter``
/// writes. Errors are ``MLflowImportError``s naming the source.
public protocol MLflowSourceReader: AnyObject {
    /// The source as the user named it (for messages).
    var label: String { get }
    /// Every experiment, deleted ones included.
    func experiments() throws -> [MLflowExperimentInfo]
    /// Every run of the given experiments, deleted ones included.
    func runs(experimentIDs: [String]) throws -> [MLflowRunInfo]
    /// Params, tags and full metric histories of several runs at once (readers may batch), by run id.
    func data(of runs: [MLflowRunInfo]) throws -> [String: MLflowRunData]
    /// The run's artifact files (none when the run has none); throws when its artifact location cannot be reached.
    func artifacts(of run: MLflowRunInfo) throws -> [MLflowArtifactFile]
    /// A local file with the artifact's bytes, and whether it is a temporary copy to delete after use.
    func localFile(of artifact: MLflowArtifactFile, run: MLflowRunInfo) throws -> (url: URL, temporary: Bool)
    /// Registered models with their versions and aliases (empty when the source has no registry).
    func registeredModels() throws -> [MLflowRegisteredModel]
    /// The MLflow 3 logged model with this id, or nil when the source has none by that id (or no
    /// logged models at all).
    func loggedModel(id: String) throws -> MLflowLoggedModel?
    /// The logged model's files, paths relative to its artifact location (none when it has none).
    func artifacts(of model: MLflowLoggedModel) throws -> [MLflowArtifactFile]
    /// A local file with the bytes of one of the logged model's files, and whether it is a temporary copy.
    func localFile(of artifact: MLflowArtifactFile, model: MLflowLoggedModel) throws -> (url: URL, temporary: Bool)
}

extension MLflowSourceReader {
    /// Lists the files at the model's artifact location as a run's (local stores).
    public func artifacts(of model: MLflowLoggedModel) throws -> [MLflowArtifactFile] { try artifacts(of: model.artifactHolder) }
    /// Reads the file at the model's artifact location as a run's (local stores).
    public func localFile(of artifact: MLflowArtifactFile, model: MLflowLoggedModel) throws -> (url: URL, temporary: Bool) {
        try localFile(of: artifact, run: model.artifactHolder)
    }
}
