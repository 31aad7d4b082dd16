import DeckStore
import Foundation
import XCTest
@testable import DeckEngine

/// How an imported model version's `source` is found among its run's artifacts, and how a moved
/// local store's artifact folder is found again.
final class MLflowModelFileTests: XCTestCase {
    let run = "0123456789abcdef0123456789abcdef"

    func testSourcesNameAFolderOfTheRunsArtifacts() {
        let uri = "file:///old/mlruns/1/\(run)/artifacts"
        XCTAssertEqual(MLflowModelFile.folder(source: "runs:/\(run)/model", runID: run, artifactURI: nil), "model")
        XCTAssertEqual(MLflowModelFile.folder(source: "runs:/\(run)", runID: run, artifactURI: nil), "")
        XCTAssertNil(MLflowModelFile.folder(source: "runs:/ffffffffffffffffffffffffffffffff/model", runID: run, artifactURI: nil))
        XCTAssertEqual(MLflowModelFile.folder(source: uri + "/model/", runID: run, artifactURI: uri), "model")
        XCTAssertEqual(MLflowModelFile.folder(source: "mlflow-artifacts:/3/\(run)/artifacts/a/b", runID: run, artifactURI: nil), "a/b")
        XCTAssertNil(MLflowModelFile.folder(source: "models:/m-1234", runID: run, artifactURI: uri))
        XCTAssertNil(MLflowModelFile.folder(source: "s3://bucket/other/model", runID: run, artifactURI: uri))
    }

    func testThePreferredModelFileWinsOverMetadata() throws {
        let object = ObjectID.of(Data("model".utf8))
        let artifacts = ["model/MLmodel", "model/conda.yaml", "model/weights.bin", "model/model.pkl", "other/model.ubj"]
            .map { ArtifactRecord(path: $0, object: object, size: 1) }
        XCTAssertEqual(MLflowModelFile.pick(in: artifacts, folder: "model")?.artifact.path, "model/model.pkl")
        XCTAssertEqual(MLflowModelFile.pick(in: artifacts, folder: "model")?.framework, "sklearn")
        XCTAssertEqual(MLflowModelFile.pick(in: artifacts, folder: "other")?.framework, "xgboost")
        XCTAssertNil(MLflowModelFile.pick(in: artifacts.filter { $0.path.hasSuffix("yaml") || $0.path.hasSuffix("MLmodel") }, folder: "model"))
    }

    func testAMovedStoresArtifactsAreFoundBesideIt() throws {
        let store = FileManager.default.temporaryDirectory.appendingPathComponent("mlflow-moved-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: store) }
        let folder = store.appendingPathComponent("mlruns/1/\(run)/artifacts/plots")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try Data("x".utf8).write(to: folder.appendingPathComponent("a.csv"))
        let found = LocalArtifacts.folder(uri: "file:///gone/elsewhere/mlruns/1/\(run)/artifacts", storeFolder: store)
        XCTAssertEqual(found?.standardizedFileURL.path, store.appendingPathComponent("mlruns/1/\(run)/artifacts").standardizedFileURL.path)
        XCTAssertEqual(try LocalArtifacts.files(in: found!).map(\.path), ["plots/a.csv"])
        XCTAssertNil(LocalArtifacts.folder(uri: "file:///gone/mlruns/1/ffffffffffffffffffffffffffffffff/artifacts", storeFolder: store))
        XCTAssertNil(LocalArtifacts.folder(uri: "s3://bucket/1/\(run)/artifacts", storeFolder: store))
    }

    func testFileStoreMetricValuesIncludeNaNAndInfinities() {
        XCTAssertTrue(MLflowFileStoreReader.number("nan")!.isNaN)
        XCTAssertEqual(MLflowFileStoreReader.number("inf"), .infinity)
        XCTAssertEqual(MLflowFileStoreReader.number("-inf"), -.infinity)
        XCTAssertEqual(MLflowFileStoreReader.number("0.25"), 0.25)
        XCTAssertNil(MLflowFileStoreReader.number("abc"))
        XCTAssertEqual(MLflowFileStoreReader.status("4"), "FAILED")
    }
}
