import DeckStore
import Foundation
import GRDB
import XCTest

/// Model version tags, the promotion judgement (both numbers, the metric's direction) and the
/// deployment record kept by alias moves.
final class ProductionRegistryTests: XCTestCase {
    var root: URL!
    var store: DeckStore!

    override func setUpWithError() throws {
        root = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("production-registry-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        store = try DeckStore.open(try Workspace.create(at: root))
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: root) }

    @discardableResult
    func register(_ auc: Double, rmse: Double = 1) throws -> ModelVersionRecord {
        let object = try store.objects.put(Data("model \(auc) \(rmse)".utf8))
        return try store.registerModelVersion(NewModelVersion(model: "m", modelObject: object, metrics: ["auc": auc, "rmse": rmse]))
    }

    func testTagsAreSetShownAndRemoved() throws {
        try register(0.8)
        let tagged = try store.tagModelVersion(model: "m", version: 1, set: ["reviewed": "yes", "owner": "ana"])
        XCTAssertEqual(tagged.tags, ["reviewed": "yes", "owner": "ana"])
        XCTAssertEqual(try store.tagModelVersion(model: "m", version: 1, set: ["owner": "bo"], remove: ["reviewed"]).tags, ["owner": "bo"])
        XCTAssertEqual(try store.modelVersions("m").first?.tags, ["owner": "bo"])
        let json = try JSONEncoder().encode(try store.modelVersion(ModelReference(parsing: "m@1")))
        XCTAssertEqual(try JSONDecoder().decode(ModelVersionRecord.self, from: json).tags, ["owner": "bo"])
        XCTAssertThrowsError(try store.tagModelVersion(model: "m", version: 1, set: [:], remove: ["reviewed"])) { error in
            XCTAssertEqual(error as? ProductionRegistryError, .unknownTag(model: "m", version: 1, key: "reviewed", known: ["owner"]))
        }
        XCTAssertThrowsError(try store.tagModelVersion(model: "m", version: 1, set: ["bad key": "x"]))
        XCTAssertThrowsError(try store.tagModelVersion(model: "m", version: 7, set: ["a": "b"])) { error in
            XCTAssertEqual(error as? ModelRegistryError, .unknownVersion(model: "m", version: 7, latest: 1))
        }
    }

    func testNotBetterNamesBothNumbers() throws {
        let v1 = try register(0.8412, rmse: 3.0)
        let v2 = try register(0.8530, rmse: 2.5)
        try store.setModelAlias(model: "m", alias: "production", version: 2)
        let worse = try store.judgePromotion(of: v1, metric: "auc")
        XCTAssertEqual(worse.verdict, .notBetter)
        XCTAssertEqual(worse.message, "v1 auc 0.8412 is not better than production v2 auc 0.8530; production stays at v2")
        let lower = try store.judgePromotion(of: v1, metric: "rmse")
        XCTAssertEqual(lower.verdict, .notBetter, "rmse: lower is better, 3.0 is worse than 2.5")
        XCTAssertTrue(lower.message.contains("3.0000") && lower.message.contains("2.5000") && lower.message.contains("lower is better"), lower.message)
        XCTAssertEqual(try store.judgePromotion(of: v2, metric: "auc").verdict, .alreadyThere)
        let v3 = try register(0.8530, rmse: 2.0)
        XCTAssertEqual(try store.judgePromotion(of: v3, metric: "auc").verdict, .notBetter, "equal is not better")
        let better = try store.judgePromotion(of: v3, metric: "rmse")
        XCTAssertEqual(better.verdict, .promote)
        XCTAssertTrue(better.message.contains("2.0000") && better.message.contains("2.5000"), better.message)
        XCTAssertEqual(try store.judgePromotion(of: v1, alias: "staging", metric: "auc").verdict, .promote, "an alias pointing nowhere")
        // Values equal to 4 decimals are shown with enough digits to tell them apart.
        XCTAssertEqual(PromotionDecision(model: "m", alias: "production", metric: "auc", higherIsBetter: true, candidate: 2,
                                         candidateValue: 0.853012, current: 1, currentValue: 0.853034).message,
                       "v2 auc 0.853012 is not better than production v1 auc 0.853034; production stays at v1")
    }

    /// Judging and moving happen in one transaction; a worse candidate moves nothing unless forced.
    func testPromoteIfBetterMovesOnlyABetterVersion() throws {
        try register(0.80); try register(0.90)
        try store.setModelAlias(model: "m", alias: "production", version: 2)
        let refused = try store.promoteIfBetter(model: "m", version: 1, metric: "auc") { _ in "should not be used" }
        XCTAssertEqual(refused.decision.verdict, .notBetter)
        XCTAssertNil(refused.move)
        XCTAssertEqual(try store.modelVersion(model: "m", alias: "production")?.version, 2)
        let forced = try store.promoteIfBetter(model: "m", version: 1, metric: "auc", force: true, runID: "run-1") { "forced: \($0.message)" }
        XCTAssertEqual(forced.move?.toVersion, 1)
        XCTAssertEqual(try store.aliasHistory(model: "m", alias: "production").first?.reason,
                       "forced: v1 auc 0.8000 is not better than production v2 auc 0.9000; production stays at v2")
        XCTAssertEqual(try store.deployments(model: "m", currentOnly: true).first?.runID, "run-1")
        let better = try store.promoteIfBetter(model: "m", version: 2, metric: "auc") { $0.message }
        XCTAssertEqual(better.decision.verdict, .promote)
        XCTAssertEqual(better.move?.fromVersion, 1)
        XCTAssertEqual(try store.promoteIfBetter(model: "m", version: 2, metric: "auc") { $0.message }.decision.verdict, .alreadyThere)
    }

    /// A workspace made before deployments were recorded (schema v3) gains the tables, and its
    /// current `production` alias becomes an open deployment.
    func testMigrationRecordsTheCurrentProductionOfAnOlderWorkspace() throws {
        try register(0.8); try register(0.9)
        try store.setModelAlias(model: "m", alias: "production", version: 2)
        try store.setModelAlias(model: "m", alias: "staging", version: 1)
        let path = store.workspace.databaseURL.path
        store = nil
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in
            try db.execute(sql: "DROP TABLE deployments; DROP TABLE model_version_tags")
            try db.execute(sql: "DELETE FROM grdb_migrations WHERE identifier = 'v4-model-tags-deployments'")
        }
        try queue.close()
        store = try DeckStore.open(try Workspace.locate(from: root, explicit: root.path))
        let records = try store.deployments(model: "m")
        XCTAssertEqual(records.map(\.version), [2])
        XCTAssertEqual(records.map(\.alias), ["production"])
        XCTAssertNil(records.first?.endedAt)
        XCTAssertEqual(try store.modelVersions("m").map(\.tags), [[:], [:]])
    }

    func testProductionMovesRecordDeploymentsFromWhenToWhen() throws {
        try register(0.8); try register(0.9)
        try store.setModelAlias(model: "m", alias: "staging", version: 1)
        XCTAssertEqual(try store.deployments(model: "m").count, 0, "staging is not served")
        try store.setModelAlias(model: "m", alias: "production", version: 1, author: "ana", reason: "first")
        try store.setModelAlias(model: "m", alias: "production", version: 2, author: "bo", reason: "better", runID: "abc123")
        let records = try store.deployments(model: "m")
        XCTAssertEqual(records.map(\.version), [2, 1])
        XCTAssertNil(records[0].endedAt)
        XCTAssertEqual(records[0].runID, "abc123")
        XCTAssertEqual(records[0].author, "bo")
        XCTAssertEqual(records[1].endedAt, records[0].startedAt, "v1 served until v2 took over")
        XCTAssertEqual(records[1].reason, "first")
        XCTAssertEqual(try store.deployments(model: "m", currentOnly: true).map(\.version), [2])
        XCTAssertTrue(try store.removeModelAlias(model: "m", alias: "production"))
        XCTAssertEqual(try store.deployments(model: "m", currentOnly: true).count, 0, "removing the alias ends the deployment")
    }

    func testServerAddressesFollowTheirAlias() throws {
        try register(0.8); try register(0.9)
        try store.setModelAlias(model: "m", alias: "staging", version: 1)
        let served = try store.recordDeployment(model: "m", version: 1, alias: "staging", address: "127.0.0.1:5005")
        XCTAssertEqual(served.address, "127.0.0.1:5005")
        try store.setModelAlias(model: "m", alias: "staging", version: 2)
        let current = try store.deployments(model: "m", currentOnly: true)
        XCTAssertEqual(current.map(\.version), [2])
        XCTAssertEqual(current.first?.address, "127.0.0.1:5005", "a served alias's move carries its server along")
        XCTAssertEqual(try store.endDeployments(model: "m", address: "127.0.0.1:5005"), 1)
        XCTAssertEqual(try store.deployments(model: "m", currentOnly: true).count, 0)
        XCTAssertEqual(try store.deployments(model: "m", alias: "staging").count, 2)
        XCTAssertThrowsError(try store.recordDeployment(model: "m", version: 9))
    }

    func testAServerTakesOverTheProductionRecordSoEachDeploymentIsOneRecord() throws {
        try register(0.8); try register(0.9)
        try store.setModelAlias(model: "m", alias: "production", version: 1, author: "ana", reason: "first", runID: "run-1")
        let promoted = try XCTUnwrap(try store.deployments(model: "m").first)
        let served = try store.recordDeployment(model: "m", version: 1, alias: "production", address: "127.0.0.1:5005")
        XCTAssertEqual(served.id, promoted.id, "the server took over the promotion's record")
        XCTAssertEqual(served.runID, "run-1")
        XCTAssertEqual(served.startedAt, promoted.startedAt)
        XCTAssertEqual(try store.deployments(model: "m").map(\.address), ["127.0.0.1:5005"])
        try store.recordDeployment(model: "m", version: 1, alias: "production", address: "127.0.0.1:5006")
        try store.setModelAlias(model: "m", alias: "production", version: 2)
        let current = try store.deployments(model: "m", currentOnly: true)
        XCTAssertEqual(Set(current.map(\.address)), ["127.0.0.1:5005", "127.0.0.1:5006"], "no record without an address beside servers")
        XCTAssertEqual(current.map(\.version), [2, 2])
    }

    func testEndingAtAGivenTimeNeverEndsBeforeTheStart() throws {
        try register(0.8)
        try store.setModelAlias(model: "m", alias: "staging", version: 1)
        let served = try store.recordDeployment(model: "m", version: 1, alias: "staging", address: "127.0.0.1:5005")
        XCTAssertEqual(try store.endDeployments(model: "m", alias: "staging", address: "127.0.0.1:5005", endedAt: served.startedAt - 50), 1)
        XCTAssertEqual(try store.deployments(model: "m").first?.endedAt, served.startedAt)
        let again = try store.recordDeployment(model: "m", version: 1, alias: "staging", address: "127.0.0.1:5005")
        XCTAssertEqual(try store.endDeployments(model: "m", address: "127.0.0.1:5005", endedAt: again.startedAt + 7), 1)
        XCTAssertEqual(try store.deployments(model: "m").first?.endedAt, again.startedAt + 7)
    }

    func testTheReaperEndsADeadServersDeploymentAtItsLastHeartbeatAndLeavesOtherHostsAlone() throws {
        try register(0.8)
        try store.setModelAlias(model: "m", alias: "production", version: 1)
        let served = try store.recordDeployment(model: "m", version: 1, alias: "production", address: "127.0.0.1:5005")
        let registry = ServerRegistry(workspace: store.workspace)
        func entry(port: Int, hostName: String) -> ServerEntry {
            ServerEntry(address: "http://127.0.0.1:\(port)", host: "127.0.0.1", port: port, model: "m", alias: "production", version: 1,
                        since: served.startedAt, started: served.startedAt, requests: 3, pid: Int32.max - 7, processStart: "1",
                        hostName: hostName, heartbeat: served.startedAt + 2.5)
        }
        try registry.write(entry(port: 5005, hostName: ProcessInfo.processInfo.hostName))   // no such pid here: dead
        try registry.write(entry(port: 5006, hostName: "another-machine"))
        XCTAssertEqual(registry.list().map(\.port), [5006], "a dead server is left out of the list; another host's cannot be judged")
        XCTAssertEqual(registry.reapDead(store: store).map(\.port), [5005])
        let record = try XCTUnwrap(try store.deployments(model: "m").first)
        XCTAssertEqual(record.id, served.id)
        XCTAssertEqual(record.endedAt, served.startedAt + 2.5, "ended at its last heartbeat")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: registry.directory.path).filter { $0.hasSuffix(".json") },
                       ["127.0.0.1_5006.json"])
        XCTAssertEqual(registry.reapDead(store: store).count, 0)
    }
}
