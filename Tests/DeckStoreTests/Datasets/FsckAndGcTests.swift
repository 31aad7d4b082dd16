@testable import DeckStore
import Foundation
import GRDB
import XCTest

/// `fsck` finds corrupt, missing and orphaned objects; `gc` removes orphans and stale files only.
final class FsckAndGcTests: XCTestCase {
    func addFile(_ ws: DatasetsTestWorkspace, _ name: String, bytes: Data) throws -> DatasetVersionRecord {
        let path = ws.file(name + ".bin")
        try bytes.write(to: URL(fileURLWithPath: path))
        guard case .recorded(let v) = try ws.add(name, path: path) else { throw DatasetError.versionNotFound(name) }
        return v
    }

    func testHealthyStoreIsReportedHealthy() throws {
        let ws = try DatasetsTestWorkspace()
        defer { ws.cleanup() }
        let v = try addFile(ws, "d", bytes: TestSplitMix64.bytes(seed: 1, count: 700_000))
        let report = try StoreChecker(store: ws.store).check()
        XCTAssertTrue(report.isHealthy)
        XCTAssertEqual(report.objectsChecked, v.objectCount)
        XCTAssertEqual(report.referencedObjects, v.objectCount)
        XCTAssertEqual(report.orphanedCount, 0)
    }

    func testCorruptObjectIsFoundWithTheVersionUsingIt() throws {
        let ws = try DatasetsTestWorkspace()
        defer { ws.cleanup() }
        let v = try addFile(ws, "d", bytes: TestSplitMix64.bytes(seed: 2, count: 700_000))
        let chunk = try DatasetContentReader(objects: ws.store.objects).chunks(of: v.contentID, isRecipe: true, size: 0)[2].id
        try ObjectDamage.overwrite(chunk, in: ws.store.objects, at: 100, with: Data([0xFF, 0x00, 0xFF]))
        let report = try StoreChecker(store: ws.store).check()
        XCTAssertFalse(report.isHealthy)
        XCTAssertEqual(report.corrupt.map(\.object), [chunk.hex])
        XCTAssertEqual(report.corrupt.first?.referencedBy, ["dataset d@1"])
        XCTAssertNotEqual(report.corrupt.first?.actual, chunk.hex)
        XCTAssertEqual(report.damaged.map(\.reference), ["d@1"])
        XCTAssertTrue(report.missing.isEmpty)
    }

    func testMissingObjectIsFound() throws {
        let ws = try DatasetsTestWorkspace()
        defer { ws.cleanup() }
        let v = try addFile(ws, "d", bytes: Data("small".utf8))
        try ObjectDamage.remove(v.contentID, from: ws.store.objects)
        let report = try StoreChecker(store: ws.store).check()
        XCTAssertEqual(report.missing.map(\.object), [v.contentHash])
        XCTAssertEqual(report.missing.first?.referencedBy, ["dataset d@1"])
        XCTAssertFalse(report.isHealthy)
    }

    /// A FIFO or a symlink planted where an object should be is reported, named for what it is,
    /// and never read or waited on (a FIFO would block a plain read forever).
    func testFifoOrSymlinkInAnObjectsPlaceIsReportedNotRead() throws {
        let ws = try DatasetsTestWorkspace()
        defer { ws.cleanup() }
        let fifo = try addFile(ws, "f", bytes: Data("fifo victim".utf8))
        let link = try addFile(ws, "l", bytes: Data("link victim".utf8))
        let outside = ws.file("outside.txt")
        try Data("link victim".utf8).write(to: URL(fileURLWithPath: outside))   // same bytes: a hash check alone would pass
        // Loose objects, as an MLDeck before packs stored them (a pack is one file, not one per object).
        try ObjectDamage.unpack(fifo.contentID, in: ws.store.objects)
        try ObjectDamage.unpack(link.contentID, in: ws.store.objects)
        let fifoPath = ws.store.objects.path(of: fifo.contentID), linkPath = ws.store.objects.path(of: link.contentID)
        chmod(fifoPath, 0o644); chmod(linkPath, 0o644)
        XCTAssertEqual(unlink(fifoPath), 0); XCTAssertEqual(mkfifo(fifoPath, 0o644), 0)
        XCTAssertEqual(unlink(linkPath), 0); XCTAssertEqual(symlink(outside, linkPath), 0)

        let report = try StoreChecker(store: ws.store).check()
        XCTAssertFalse(report.isHealthy)
        let byObject = Dictionary(uniqueKeysWithValues: report.corrupt.map { ($0.object, $0) })
        XCTAssertEqual(Set(byObject.keys), [fifo.contentHash, link.contentHash])
        XCTAssertEqual(byObject[fifo.contentHash]?.referencedBy, ["dataset f@1"])
        XCTAssertTrue(byObject[fifo.contentHash]?.reason?.contains("FIFO") == true, "\(report.corrupt)")
        XCTAssertTrue(byObject[link.contentHash]?.reason?.contains("symbolic link to \(outside)") == true, "\(report.corrupt)")
        XCTAssertNil(byObject[link.contentHash]?.actual)
        XCTAssertEqual(Set(report.damaged.map(\.reference)), ["f@1", "l@1"])
        XCTAssertTrue(report.missing.isEmpty)
    }

    func testGcRemovesOrphansButKeepsEverythingReferenced() throws {
        let ws = try DatasetsTestWorkspace()
        defer { ws.cleanup() }
        let kept = try addFile(ws, "keep", bytes: TestSplitMix64.bytes(seed: 3, count: 500_000))
        let gone = try addFile(ws, "gone", bytes: TestSplitMix64.bytes(seed: 4, count: 500_000))
        // Objects other parts of MLDeck point to: a run artifact, a model version, a step-cache manifest naming another object.
        let artifact = try ws.store.objects.put(Data("artifact".utf8))
        let model = try ws.store.objects.put(Data("model".utf8))
        let cached = try ws.store.objects.put(Data("cached output".utf8))
        let manifest = try ws.store.objects.put(Data("{\"outs\":{\"model.bin\":\"\(cached.hex)\"}}".utf8))
        let run = try ws.store.createRun(RunStart(name: "r"))
        try ws.store.database.write { db in
            try db.execute(sql: "INSERT INTO artifacts(run_id, path, object, size, created_at) VALUES (?, 'a.txt', ?, 8, 0)", arguments: [run.rowID, artifact.hex])
            try db.execute(sql: "INSERT INTO models(id, name, created_at) VALUES (1, 'm', 0)")
            try db.execute(sql: "INSERT INTO model_versions(model_id, version, created_at, framework, model_object) VALUES (1, 1, 0, 'xgboost', ?)", arguments: [model.hex])
            try db.execute(sql: "INSERT INTO step_cache(key, manifest_object, created_at) VALUES ('k', ?, 0)", arguments: [manifest.hex])
        }
        try ws.store.removeDatasetVersion(try DatasetReference(parsing: "gone@1"))
        let orphan = try ws.store.objects.put(Data("orphan".utf8))

        let before = try StoreChecker(store: ws.store).check()
        XCTAssertTrue(before.isHealthy)
        XCTAssertEqual(before.orphanedCount, gone.objectCount + 1)

        // Young orphans are kept by default.
        let cautious = try GarbageCollector(store: ws.store).collect()
        XCTAssertEqual(cautious.removedObjects, 0)
        XCTAssertEqual(cautious.keptRecentOrphans, gone.objectCount + 1)

        let report = try GarbageCollector(store: ws.store).collect(grace: 0)
        XCTAssertEqual(report.removedObjects, gone.objectCount + 1)
        XCTAssertFalse(ws.store.objects.contains(orphan))
        for id in [artifact, model, cached, manifest, kept.contentID] { XCTAssertTrue(ws.store.objects.contains(id), id.hex) }
        let after = try StoreChecker(store: ws.store).check()
        XCTAssertTrue(after.isHealthy)
        XCTAssertEqual(after.orphanedCount, 0)
        let out = ws.file("kept.out")
        try DatasetContentReader(objects: ws.store.objects).exportFile(hash: kept.contentID, isRecipe: true, size: kept.logicalBytes, to: out)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: out)), TestSplitMix64.bytes(seed: 3, count: 500_000))
    }

    func testGcRemovesOnlyStaleTemporaryFiles() throws {
        let ws = try DatasetsTestWorkspace()
        defer { ws.cleanup() }
        let tmp = ws.store.workspace.temporaryDirectory.path
        let old = tmp + "/old-partial", fresh = tmp + "/fresh-partial"
        try Data("x".utf8).write(to: URL(fileURLWithPath: old))
        try Data("y".utf8).write(to: URL(fileURLWithPath: fresh))
        var times = [timeval(tv_sec: time(nil) - 7200, tv_usec: 0), timeval(tv_sec: time(nil) - 7200, tv_usec: 0)]
        XCTAssertEqual(utimes(old, &times), 0)
        XCTAssertEqual(try StoreChecker(store: ws.store).check().staleTemporaryFiles, 1)
        let dry = try GarbageCollector(store: ws.store).collect(dryRun: true, grace: 0)
        XCTAssertEqual(dry.removedTemporaryFiles, 1)
        XCTAssertTrue(FileManager.default.fileExists(atPath: old))
        let report = try GarbageCollector(store: ws.store).collect(grace: 0)
        XCTAssertEqual(report.removedTemporaryFiles, 1)
        XCTAssertFalse(FileManager.default.fileExists(atPath: old))
        XCTAssertTrue(FileManager.default.fileExists(atPath: fresh))
    }

    func testGcWaitsForADatasetAddHoldingTheLock() throws {
        let ws = try DatasetsTestWorkspace()
        defer { ws.cleanup() }
        let shared = try XCTUnwrap(try MaintenanceLock.acquire(ws.store.workspace, mode: .shared))
        XCTAssertNil(try MaintenanceLock.acquire(ws.store.workspace, mode: .exclusive, wait: false))
        shared.release()
        XCTAssertNotNil(try MaintenanceLock.acquire(ws.store.workspace, mode: .exclusive, wait: false))
    }
}
