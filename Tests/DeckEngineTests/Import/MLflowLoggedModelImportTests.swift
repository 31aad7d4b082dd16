import DeckStore
import DeckTestSupport
import Foundation
import XCTest
@testable import DeckEngine

/// A source in memory: experiments, runs, files by artifact URI, a registry and logged models.
final class InMemoryMLflowSource: MLflowSourceReader {
    let label = "memory"
    var experimentList: [MLflowExperimentInfo] = [MLflowExperimentInfo(id: "1", name: "exp", deleted: false, tags: [:])]
    var runList: [MLflowRunInfo] = []
    /// Artifact URI → path → bytes.
    var files: [String: [String: Data]] = [:]
    var models: [MLflowRegisteredModel] = []
    var logged: [String: MLflowLoggedModel] = [:]
    /// Files handed out by `localFile` (a copy counts as one).
    var reads = 0

    func experiments() throws -> [MLflowExperimentInfo] { experimentList }
    func runs(experimentIDs: [String]) throws -> [MLflowRunInfo] { runList.filter { experimentIDs.contains($0.experimentID) } }
    func data(of runs: [MLflowRunInfo]) throws -> [String: MLflowRunData] { [:] }
    func artifacts(of run: MLflowRunInfo) throws -> [MLflowArtifactFile] {
        (files[run.artifactURI] ?? [:]).map { MLflowArtifactFile(path: $0.key, size: Int64($0.value.count)) }.sorted { $0.path < $1.path }
    }
    func localFile(of artifact: MLflowArtifactFile, run: MLflowRunInfo) throws -> (url: URL, temporary: Bool) {
        let data = try XCTUnwrap(files[run.artifactURI]?[artifact.path])
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("mldeck-memory-source-\(UUID().uuidString)")
        try data.write(to: url)
        reads += 1
        return (url, true)
    }
    func registeredModels() throws -> [MLflowRegisteredModel] { models }
    func loggedModel(id: String) throws -> MLflowLoggedModel? { logged[id] }
}

/// Versions whose source is an MLflow 3 logged model (`models:/m-…`): the logged model's files
/// land in its run's artifacts under `models/<id>/`, the version is registered from there, and a
/// second or interrupted import adds nothing twice.
final class MLflowLoggedModelImportTests: XCTestCase {
    let run = "0123456789abcdef0123456789abcdef"
    let modelID = "m-00112233445566778899aabbccddeeff"
    let ubj = Data([0x7b, 0x4c, 0x00, 0x00, 0x00, 0x03] + Array("xgboost booster".utf8))
    let mlmodel = Data("flavors:\n  xgboost:\n    model_format: ubj\n".utf8)

    func source(runless: Bool = false) -> InMemoryMLflowSource {
        let source = InMemoryMLflowSource()
        source.runList = [MLflowRunInfo(id: run, experimentID: "1", name: "train", status: "FINISHED", startTime: 1_000, endTime: 2_000,
                                        deleted: false, artifactURI: "mem://1/\(run)/artifacts")]
        let uri = "mem://1/models/\(modelID)/artifacts"
        source.files[uri] = ["model.ubj": ubj, "MLmodel": mlmodel]
        source.logged[modelID] = MLflowLoggedModel(id: modelID, experimentID: "1", sourceRunID: runless ? nil : run, artifactURI: uri)
        source.models = [MLflowRegisteredModel(name: "churn", description: nil,
                                               versions: [.init(version: 1, runID: runless ? nil : run, source: "models:/\(modelID)", description: "v1")],
                                               aliases: ["champion": 1])]
        return source
    }

    func testLoggedModelIDsInSources() {
        XCTAssertEqual(MLflowLoggedModel.id(inSource: "models:/\(modelID)"), modelID)
        XCTAssertEqual(MLflowLoggedModel.id(inSource: "models:/\(modelID)/sub"), modelID)
        XCTAssertNil(MLflowLoggedModel.id(inSource: "models:/churn/1"))
        XCTAssertNil(MLflowLoggedModel.id(inSource: "models:/m-../../etc"))
        XCTAssertNil(MLflowLoggedModel.id(inSource: "runs:/\(run)/model"))
    }

    func testTheLoggedModelsFilesBecomeItsRunsArtifactsAndTheVersionIsRegisteredFromThem() throws {
        let workspace = try TemporaryWorkspace(prefix: "mldeck-mlflow-logged")
        defer { workspace.cleanup() }
        let source = source()
        let first = try MLflowImporter(store: workspace.store, reader: source).run()
        XCTAssertEqual(first.skipped, [])
        XCTAssertEqual(first.versionsImported, 1)
        XCTAssertEqual(first.aliasesSet, 1)
        XCTAssertEqual(first.artifacts, 2)
        XCTAssertEqual(first.artifactBytes, Int64(ubj.count + mlmodel.count))
        let artifacts = try workspace.store.runDetails(run).artifacts
        XCTAssertEqual(artifacts.map(\.path).sorted(), ["models/\(modelID)/MLmodel", "models/\(modelID)/model.ubj"])
        let version = try XCTUnwrap(try workspace.store.modelVersion(model: "churn", alias: "champion"))
        XCTAssertEqual(version.framework, "xgboost")
        XCTAssertEqual(version.runID, run)
        XCTAssertEqual(try workspace.store.objects.read(version.modelObject), ubj)
        XCTAssertEqual(version.tags[MLflowImporter.modelIDTag], modelID)
        XCTAssertEqual(version.tags["mlflow.source"], "models:/\(modelID)")

        source.reads = 0
        let second = try MLflowImporter(store: workspace.store, reader: source).run()
        XCTAssertEqual(second.skipped, [])
        XCTAssertEqual([second.versionsImported, second.aliasesSet, second.artifacts, second.runsImported], [0, 0, 0, 0])
        XCTAssertEqual(second.versionsAlreadyPresent, 1)
        XCTAssertEqual(source.reads, 0, "nothing is read again")
        XCTAssertEqual(try workspace.store.modelVersions("churn").count, 1)
    }

    /// An import killed after copying part of the logged model's files: the rerun copies the rest.
    func testAnInterruptedCopyIsCompletedByTheRerun() throws {
        let workspace = try TemporaryWorkspace(prefix: "mldeck-mlflow-logged")
        defer { workspace.cleanup() }
        let source = source()
        let registry = source.models
        source.models = []
        _ = try MLflowImporter(store: workspace.store, reader: source).run()
        let partial = workspace.root.appendingPathComponent("MLmodel")
        try mlmodel.write(to: partial)
        try workspace.store.logArtifact(run: RunHandle(id: run), path: "models/\(modelID)/MLmodel", file: partial)
        source.models = registry
        source.reads = 0
        let rerun = try MLflowImporter(store: workspace.store, reader: source).run()
        XCTAssertEqual(rerun.skipped, [])
        XCTAssertEqual(rerun.artifacts, 1)
        XCTAssertEqual(source.reads, 1, "only model.ubj is copied")
        XCTAssertEqual(try workspace.store.modelVersion(model: "churn", alias: "champion")?.framework, "xgboost")
    }

    /// A source that does not know the logged model (`mldeck server` answers 404) but whose run
    /// brought the files under `models/<id>/`: the version is registered from those.
    func testFilesAlreadyAmongTheRunsArtifactsServeWhenTheSourceDoesNotKnowTheLoggedModel() throws {
        let workspace = try TemporaryWorkspace(prefix: "mldeck-mlflow-logged")
        defer { workspace.cleanup() }
        let source = source()
        source.files[source.runList[0].artifactURI] = ["models/\(modelID)/model.ubj": ubj]
        source.logged = [:]
        let summary = try MLflowImporter(store: workspace.store, reader: source).run()
        XCTAssertEqual(summary.skipped, [])
        XCTAssertEqual(try workspace.store.modelVersion(model: "churn", alias: "champion").map { try workspace.store.objects.read($0.modelObject) }, ubj)
    }

    func testALoggedModelWithoutARunOrFilesIsSkippedWithItsReason() throws {
        let workspace = try TemporaryWorkspace(prefix: "mldeck-mlflow-logged")
        defer { workspace.cleanup() }
        let runless = try MLflowImporter(store: workspace.store, reader: source(runless: true)).run()
        XCTAssertEqual(runless.versionsImported, 0)
        XCTAssertEqual(runless.skipped.map(\.what), ["model churn version 1", "alias champion of model churn"])
        XCTAssertTrue(runless.skipped[0].reason.contains("logged outside a run"), runless.skipped[0].reason)

        let unknown = source()
        unknown.logged = [:]
        let missing = try MLflowImporter(store: workspace.store, reader: unknown).run()
        XCTAssertEqual(missing.skipped.first?.what, "model churn version 1")
        XCTAssertTrue(missing.skipped.first?.reason.contains("is not in the source") ?? false, "\(missing.skipped)")
    }
}
