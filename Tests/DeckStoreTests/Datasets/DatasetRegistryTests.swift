@testable import DeckStore
import Foundation
import GRDB
import XCTest

/// Versions: numbering, identical-content refusal, references, tags, removal and its guard.
final class DatasetRegistryTests: XCTestCase {
    func write(_ ws: DatasetsTestWorkspace, _ name: String, _ text: String) throws -> String {
        let path = ws.file(name)
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    func recorded(_ outcome: DatasetRecordOutcome, file: StaticString = #filePath, line: UInt = #line) -> DatasetVersionRecord? {
        if case .recorded(let r) = outcome { return r }
        XCTFail("expected a new version", file: file, line: line)
        return nil
    }

    func testVersionsAreNumberedAndIdenticalContentIsNotRecordedTwice() throws {
        let ws = try DatasetsTestWorkspace()
        defer { ws.cleanup() }
        let p = try write(ws, "d.csv", "a\n1\n")
        let v1 = try XCTUnwrap(recorded(try ws.add("d", path: p, format: .csv)))
        XCTAssertEqual(v1.number, 1)
        XCTAssertNil(v1.parent)
        guard case .unchanged(let latest) = try ws.add("d", path: p) else { return XCTFail("identical content recorded") }
        XCTAssertEqual(latest.number, 1)
        XCTAssertEqual(try ws.store.datasetVersions("d").count, 1)
        let forced = try XCTUnwrap(recorded(try ws.add("d", path: p, force: true)))
        XCTAssertEqual(forced.number, 2)
        XCTAssertEqual(forced.parent, 1)
        XCTAssertEqual(forced.contentHash, v1.contentHash)
        _ = try write(ws, "d.csv", "a\n2\n")
        let v3 = try XCTUnwrap(recorded(try ws.add("d", path: p)))
        XCTAssertEqual(v3.number, 3)
        XCTAssertEqual(try ws.store.datasets().map(\.latest?.number), [3])
    }

    func testReferencesByNumberHashPrefixAndLatest() throws {
        let ws = try DatasetsTestWorkspace()
        defer { ws.cleanup() }
        let p = try write(ws, "d.txt", "one")
        let v1 = try XCTUnwrap(recorded(try ws.add("d", path: p)))
        _ = try write(ws, "d.txt", "two")
        let v2 = try XCTUnwrap(recorded(try ws.add("d", path: p)))
        XCTAssertEqual(try ws.store.datasetVersion("d").number, 2)
        XCTAssertEqual(try ws.store.datasetVersion("d@latest").number, 2)
        XCTAssertEqual(try ws.store.datasetVersion("d@1").contentHash, v1.contentHash)
        XCTAssertEqual(try ws.store.datasetVersion("d@sha256:\(v1.contentHash.prefix(6))").number, 1)
        XCTAssertEqual(try ws.store.datasetVersion("d@sha256:\(v2.contentHash.prefix(10).uppercased())").number, 2)
        XCTAssertEqual(v1.contentHash, ObjectID.of(Data("one".utf8)).hex)
        XCTAssertThrowsError(try ws.store.datasetVersion("d@3")) { XCTAssertEqual($0 as? DatasetError, .versionNotFound("d@3")) }
        XCTAssertThrowsError(try ws.store.datasetVersion("d@sha256:ab")) { error in
            guard case .invalidReference = error as? DatasetError else { return XCTFail("\(error)") }
        }
        XCTAssertThrowsError(try ws.store.datasetVersion("nope@1")) { XCTAssertEqual($0 as? DatasetError, .datasetNotFound("nope")) }
        let unknownPrefix = v1.contentHash.hasPrefix("0000") ? "ffff" : "0000"
        if !v2.contentHash.hasPrefix(unknownPrefix) {
            XCTAssertThrowsError(try ws.store.datasetVersion("d@sha256:\(unknownPrefix)"))
        }
    }

    func testNamesAreValidated() throws {
        for bad in ["", "a/b", "a\\b", "a@b", "..", ".hidden", "has space", "-dash", String(repeating: "x", count: 129)] {
            XCTAssertThrowsError(try DatasetName.validate(bad), bad)
        }
        for good in ["churn", "churn-2024", "a.b_c", "7up"] { XCTAssertNoThrow(try DatasetName.validate(good), good) }
    }

    func testTagsAreSetAndRemoved() throws {
        let ws = try DatasetsTestWorkspace()
        defer { ws.cleanup() }
        let p = try write(ws, "d.txt", "x")
        try ws.add("d", path: p)
        var v = try ws.store.setDatasetTags(try DatasetReference(parsing: "d@1"), set: ["stage": "raw", "owner": "ana"])
        XCTAssertEqual(v.tags, ["stage": "raw", "owner": "ana"])
        v = try ws.store.setDatasetTags(try DatasetReference(parsing: "d@1"), set: ["stage": "clean"], remove: ["owner"])
        XCTAssertEqual(v.tags, ["stage": "clean"])
        XCTAssertThrowsError(try ws.store.setDatasetTags(try DatasetReference(parsing: "d@1"), set: ["bad=key": "v"]))
    }

    func testRemovalIsRefusedWhileAModelVersionDependsOnIt() throws {
        let ws = try DatasetsTestWorkspace()
        defer { ws.cleanup() }
        let p = try write(ws, "d.txt", "x")
        try ws.add("d", path: p)
        _ = try write(ws, "d.txt", "y")
        try ws.add("d", path: p)
        try ws.store.database.write { db in
            try db.execute(sql: "INSERT INTO models(id, name, created_at) VALUES (1, 'churn-model', 0)")
            try db.execute(sql: """
                INSERT INTO model_versions(model_id, version, created_at, framework, model_object, dataset_name, dataset_version_number)
                VALUES (1, 4, 0, 'xgboost', ?, 'd', 1)
                """, arguments: [String(repeating: "a", count: 64)])
        }
        let v1 = try DatasetReference(parsing: "d@1")
        XCTAssertThrowsError(try ws.store.removeDatasetVersion(v1)) { error in
            XCTAssertEqual(error as? DatasetError, .hasDependents(reference: "d@1", dependents: ["churn-model@4"]))
        }
        XCTAssertEqual(try ws.store.datasetVersions("d").count, 2)
        XCTAssertNoThrow(try ws.store.removeDatasetVersion(try DatasetReference(parsing: "d@2")))
        XCTAssertEqual(try ws.store.removeDatasetVersion(v1, force: true).number, 1)
        XCTAssertEqual(try ws.store.datasetVersions("d").count, 0)
        // Numbers are never reused.
        _ = try write(ws, "d.txt", "z")
        XCTAssertEqual(try XCTUnwrap(recorded(try ws.add("d", path: p))).number, 3)
        let objects = try ws.store.database.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM dataset_version_objects") }
        XCTAssertEqual(objects, 1)
    }
}
