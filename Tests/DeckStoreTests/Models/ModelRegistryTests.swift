import DeckStore
import Foundation
import XCTest

/// The model registry: versions per model, aliases with their history, resolution, best-by.
final class ModelRegistryTests: XCTestCase {
    var root: URL!
    var store: DeckStore!

    override func setUpWithError() throws {
        root = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("models-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        store = try DeckStore.open(try Workspace.create(at: root))
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: root) }

    func register(_ model: String, auc: Double, alias: String? = nil) throws -> ModelVersionRecord {
        let object = try store.objects.put(Data("model \(model) \(auc)".utf8))
        return try store.registerModelVersion(NewModelVersion(model: model, modelObject: object, task: "binary",
                                                              signature: [SignatureColumn(name: "x", type: "float")],
                                                              metrics: ["auc": auc, "logloss": 1 - auc], params: ["max_depth": "3"],
                                                              runID: "r\(auc)", datasetName: "churn", datasetVersionNumber: 2),
                                              alias: alias, author: "tester", reason: alias.map { "first \($0)" })
    }

    func testVersionsCountPerModel() throws {
        XCTAssertEqual(try register("a", auc: 0.8).version, 1)
        XCTAssertEqual(try register("a", auc: 0.9).version, 2)
        XCTAssertEqual(try register("b", auc: 0.7).version, 1)
        let models = try store.models()
        XCTAssertEqual(models.map(\.name), ["a", "b"])
        XCTAssertEqual(models[0].versions, 2)
        XCTAssertEqual(models[0].latestVersion, 2)
        XCTAssertEqual(models[0].latestMetrics["auc"], 0.9)
        let versions = try store.modelVersions("a")
        XCTAssertEqual(versions.map(\.version), [2, 1])
        XCTAssertEqual(versions[1].datasetReference, "churn@2")
        XCTAssertEqual(versions[1].signature, [SignatureColumn(name: "x", type: "float")])
    }

    func testAliasMovesAreRecorded() throws {
        _ = try register("a", auc: 0.8, alias: "staging")
        _ = try register("a", auc: 0.9)
        let first = try XCTUnwrap(try store.setModelAlias(model: "a", alias: "production", version: 1, author: "ann", reason: "go live"))
        XCTAssertNil(first.fromVersion)
        XCTAssertEqual(first.toVersion, 1)
        XCTAssertNil(try store.setModelAlias(model: "a", alias: "production", version: 1, author: "ann"))  // no move, nothing recorded
        let second = try XCTUnwrap(try store.setModelAlias(model: "a", alias: "production", version: 2, author: "bob", reason: "better auc"))
        XCTAssertEqual(second.fromVersion, 1)
        let history = try store.aliasHistory(model: "a", alias: "production")
        XCTAssertEqual(history.map(\.toVersion), [2, 1])
        XCTAssertEqual(history.map(\.author), ["bob", "ann"])
        XCTAssertEqual(history[0].reason, "better auc")
        XCTAssertEqual(try store.aliasHistory(model: "a").count, 3)  // staging set at registration too
        XCTAssertEqual(try store.modelVersion(ModelReference(parsing: "a@production")).version, 2)
        XCTAssertEqual(try store.modelVersion(ModelReference(parsing: "a@staging")).version, 1)
        XCTAssertEqual(try store.modelVersion(ModelReference(parsing: "a")).version, 2)
        XCTAssertEqual(try store.modelVersions("a").first { $0.version == 2 }?.aliases, ["production"])
        XCTAssertTrue(try store.removeModelAlias(model: "a", alias: "staging", author: "ann"))
        XCTAssertNil(try store.modelVersion(model: "a", alias: "staging"))
        XCTAssertNil(try store.aliasHistory(model: "a", alias: "staging").first?.toVersion)
    }

    /// Alias names are case-insensitive; removing one is recorded with who removed it.
    func testAliasesAreCaseInsensitiveAndRemovalIsRecorded() throws {
        _ = try register("m", auc: 0.8)
        _ = try register("m", auc: 0.9)
        _ = try store.setModelAlias(model: "m", alias: "Production", version: 1, author: "ana")
        XCTAssertEqual(try store.modelVersion(ModelReference(model: "m", selector: .alias("PRODUCTION"))).version, 1)
        XCTAssertEqual(try store.setModelAlias(model: "m", alias: "production", version: 2, author: "bo")?.fromVersion, 1,
                       "the same alias, whatever its case")
        XCTAssertEqual(try store.models().first?.aliases, ["production": 2])
        XCTAssertTrue(try store.removeModelAlias(model: "m", alias: "PrOdUcTiOn", author: "cy", reason: "retired"))
        XCTAssertFalse(try store.removeModelAlias(model: "m", alias: "production"))
        let history = try store.aliasHistory(model: "m", alias: "Production")
        XCTAssertEqual(history.map(\.author), ["cy", "bo", "ana"])
        XCTAssertEqual(history.first?.toVersion, nil)
        XCTAssertEqual(history.first?.reason, "retired")
    }

    func testErrorsNameWhatExists() throws {
        _ = try register("a", auc: 0.8)
        XCTAssertThrowsError(try store.modelVersion(ModelReference(parsing: "a@7"))) { error in
            XCTAssertEqual("\(error)", "model 'a' has no version 7 (versions 1…1)")
        }
        XCTAssertThrowsError(try store.modelVersion(ModelReference(parsing: "zz"))) { error in
            XCTAssertEqual("\(error)", "no model named 'zz' (models: a)")
        }
        XCTAssertThrowsError(try store.modelVersion(ModelReference(parsing: "a@production"))) { error in
            XCTAssertTrue("\(error)".contains("has no alias 'production'"))
        }
        XCTAssertThrowsError(try store.setModelAlias(model: "a", alias: "production", version: 3))
        let missing = ObjectID.of(Data("never stored".utf8))
        XCTAssertThrowsError(try store.registerModelVersion(NewModelVersion(model: "a", modelObject: missing))) { error in
            XCTAssertTrue("\(error)".contains("is not in the object store"))
        }
        XCTAssertEqual(try store.modelVersions("a").count, 1)
    }

    func testBestVersionAndJSON() throws {
        _ = try register("a", auc: 0.8)
        _ = try register("a", auc: 0.95)
        _ = try register("a", auc: 0.9)
        XCTAssertEqual(try store.bestModelVersion(model: "a", metric: "auc").version, 2)
        XCTAssertEqual(try store.bestModelVersion(model: "a", metric: "logloss").version, 2)  // lower is better
        XCTAssertEqual(try store.bestModelVersion(model: "a", metric: "auc", filter: "metrics.auc < 0.93").version, 3)
        let v = try store.modelVersion(ModelReference(parsing: "a@1"))
        let data = try JSONEncoder().encode(v)
        var decoded = try JSONDecoder().decode(ModelVersionRecord.self, from: data)
        XCTAssertEqual(decoded.createdAt, v.createdAt, accuracy: 0.001)  // JSON times have milliseconds
        decoded.createdAt = v.createdAt
        XCTAssertEqual(decoded, v)
        let text = String(decoding: data, as: UTF8.self)
        for key in ["\"model_object\"", "\"dataset_version_number\"", "\"created_at\""] { XCTAssertTrue(text.contains(key), text) }
    }

    func testConcurrentRegistrationsGetDistinctVersions() throws {
        let workspace = store.workspace
        let group = DispatchGroup()
        let errors = LockedErrors()
        for i in 0..<8 {
            group.enter()
            Thread {
                defer { group.leave() }
                do {
                    let other = try DeckStore.open(workspace)
                    let object = try other.objects.put(Data("m\(i)".utf8))
                    _ = try other.registerModelVersion(NewModelVersion(model: "c", modelObject: object))
                } catch { errors.add(error) }
            }.start()
        }
        group.wait()
        XCTAssertTrue(errors.all.isEmpty, "\(errors.all)")
        XCTAssertEqual(try store.modelVersions("c").map(\.version).sorted(), Array(1...8))
    }
}

final class LockedErrors: @unchecked Sendable {
    private let lock = NSLock()
    private var errors: [Error] = []
    func add(_ e: Error) { lock.lock(); errors.append(e); lock.unlock() }
    var all: [Error] { lock.lock(); defer { lock.unlock() }; return errors }
}
