@testable import DeckStore
import Foundation
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// Packs: many objects in one file with an index (issue 9: a 10,000-file add spent half its time
/// allocating inodes). Written in parallel, readable by the writer before commit and by everyone
/// after, deduplicated, pruned by gc, and damage is reported, never read as data.
final class PackTests: XCTestCase {
    var ws: DatasetsTestWorkspace!
    override func setUpWithError() throws { ws = try DatasetsTestWorkspace() }
    override func tearDown() { ws.cleanup() }

    var packFolder: String { ws.store.objects.packs.folder }
    func packFiles() -> [String] { ((try? FileManager.default.contentsOfDirectory(atPath: packFolder)) ?? []).sorted() }
    /// Another process's view: a store value with its own pack set.
    func freshObjects() -> ObjectStore { ObjectStore(root: ws.store.objects.root, temporary: ws.store.objects.temporary) }
    func blob(_ i: Int) -> Data { Data("object number \(i) ".utf8) + TestSplitMix64.bytes(seed: UInt64(i), count: 100 + i % 300) }

    /// Writes `blob(0 ..< count)` into one committed pack; returns their ids.
    func committedPack(of count: Int) throws -> [ObjectID] {
        let writer = PackWriter(store: ws.store.objects)
        let ids = (0..<count).map { ObjectID.of(blob($0)) }
        for (i, id) in ids.enumerated() { _ = try blob(i).withUnsafeBytes { try writer.put($0, as: id) } }
        try writer.commit()
        return ids
    }

    func testIndexFindsEveryEntryAndNothingElse() throws {
        let ids = (0..<500).map { ObjectID.of(blob($0)) }
        let entries = ids.enumerated().map { (key: PackKey($1), offset: UInt64($0 * 10), length: UInt64($0)) }
        let index = try XCTUnwrap(PackIndexFile(data: PackIndexFile.encode(entries.shuffled())))
        XCTAssertEqual(index.count, 500)
        XCTAssertTrue(index.isIntact())
        for (i, id) in ids.enumerated() {
            let found = try XCTUnwrap(index.lookup(PackKey(id)))
            XCTAssertEqual(found.offset, UInt64(i * 10)); XCTAssertEqual(found.length, UInt64(i))
            XCTAssertEqual(PackKey(id).objectID, id)
        }
        XCTAssertNil(index.lookup(PackKey(ObjectID.of(Data("absent".utf8)))))
        var damaged = PackIndexFile.encode(entries)
        damaged[100] ^= 0xFF
        XCTAssertFalse(try XCTUnwrap(PackIndexFile(data: damaged)).isIntact())
        XCTAssertNil(PackIndexFile(data: damaged.dropLast()), "a wrong size is not an index")
    }

    func testAFolderAddIsOnePackNotAFilePerObject() throws {
        let folder = ws.file("many")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        for i in 0..<500 { try blob(i).write(to: URL(fileURLWithPath: folder + "/f\(i).txt")) }
        guard case .recorded(let version) = try ws.add("many", path: folder) else { return XCTFail("not recorded") }
        XCTAssertGreaterThan(version.objectCount, 500)
        let root = ws.store.objects.root.path
        let files = (FileManager.default.subpaths(atPath: root) ?? []).filter { path in
            var isFolder: ObjCBool = false
            return FileManager.default.fileExists(atPath: root + "/" + path, isDirectory: &isFolder) && !isFolder.boolValue
        }
        XCTAssertEqual(files.count, 2, "one pack and its index: \(files)")
        XCTAssertFalse(packFiles().contains { $0.hasPrefix("tmp-") })

        let reopened = try DeckStore.open(ws.store.workspace)
        let out = ws.file("out")
        try DatasetContentReader(objects: reopened.objects).exportDirectory(manifest: version.contentID, to: out)
        for i in 0..<500 { XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: out + "/f\(i).txt")), blob(i)) }
        XCTAssertTrue(try StoreChecker(store: reopened).check().isHealthy)
    }

    func testObjectsAreReadableByTheWriterBeforeCommitAndByOthersOnlyAfter() throws {
        let objects = ws.store.objects
        let writer = PackWriter(store: objects)
        let blobs = (0..<300).map(blob)
        let ids = blobs.map { ObjectID.of($0) }
        let failures = LockedCount()
        DispatchQueue.concurrentPerform(iterations: ids.count) { i in
            do { if try !blobs[i].withUnsafeBytes({ try writer.put($0, as: ids[i]) }) { failures.add() } } catch { failures.add() }
        }
        XCTAssertEqual(failures.value, 0)
        for (i, id) in ids.enumerated() { XCTAssertEqual(try objects.read(id), blob(i)) }
        let other = freshObjects()
        XCTAssertFalse(other.contains(ids[0]), "not visible to another process before commit")
        XCTAssertEqual(packFiles().filter { $0.hasSuffix(".idx") }, [])

        try writer.commit()
        XCTAssertTrue(other.contains(ids[0]), "a miss lists the pack folder again")
        for (i, id) in ids.enumerated() { XCTAssertEqual(try other.read(id), blob(i)) }
        XCTAssertEqual(packFiles().count, 2)
        XCTAssertEqual(Set(other.allObjects()), Set(ids))
    }

    func testStoredObjectsAreNotWrittenAgain() throws {
        let objects = ws.store.objects
        let first = PackWriter(store: objects)
        let id = ObjectID.of(blob(1))
        XCTAssertTrue(try blob(1).withUnsafeBytes { try first.put($0, as: id) })
        XCTAssertFalse(try blob(1).withUnsafeBytes { try first.put($0, as: id) }, "the same object twice in one pack")
        try first.commit()
        let second = PackWriter(store: objects)
        XCTAssertFalse(try blob(1).withUnsafeBytes { try second.put($0, as: id) }, "already in a committed pack")
        let loose = try objects.put(blob(2))
        XCTAssertFalse(try blob(2).withUnsafeBytes { try second.put($0, as: loose) }, "already stored loose")
        try second.commit()
        XCTAssertEqual(packFiles().count, 2, "the second writer wrote nothing, so made no pack")
    }

    func testAWriterDroppedWithoutCommitLeavesNothing() throws {
        do {
            let writer = PackWriter(store: ws.store.objects)
            XCTAssertTrue(try blob(3).withUnsafeBytes { try writer.put($0, as: ObjectID.of(blob(3))) })
            XCTAssertEqual(packFiles().count, 1)
        }
        XCTAssertEqual(packFiles(), [])
        XCTAssertFalse(ws.store.objects.contains(ObjectID.of(blob(3))))
    }

    func testPruningRewritesThePackWithTheObjectsItKeeps() throws {
        let objects = ws.store.objects
        let ids = try committedPack(of: 50)
        let before = packFiles()
        let odd = Set(ids.enumerated().filter { $0.offset % 2 == 1 }.map(\.element))
        let outcome = try PackPruner(store: objects).prune(isGarbage: odd.contains, grace: 0, now: Date().timeIntervalSince1970, dryRun: false)
        XCTAssertEqual(outcome.removedObjects, 25)
        XCTAssertEqual(outcome.removedBytes, odd.reduce(0) { $0 + Int64(blob(ids.firstIndex(of: $1)!).count) })
        XCTAssertEqual(packFiles().count, 2)
        XCTAssertTrue(Set(packFiles()).isDisjoint(with: before), "a new pack replaced the old one")
        let other = freshObjects()
        for (i, id) in ids.enumerated() {
            XCTAssertEqual(other.contains(id), i % 2 == 0)
            if i % 2 == 0 { XCTAssertEqual(try other.read(id), blob(i)) }
        }
        _ = try PackPruner(store: objects).prune(isGarbage: { _ in true }, grace: 0, now: Date().timeIntervalSince1970, dryRun: false)
        XCTAssertEqual(packFiles(), [], "a pack with nothing left is deleted")
    }

    func testDamageIsReportedNeverReadAsData() throws {
        let objects = ws.store.objects
        let ids = try committedPack(of: 20)
        let pack = try XCTUnwrap(packFiles().first { $0.hasSuffix(".pack") })
        let index = String(pack.dropLast(5)) + ".idx"

        // A truncated pack: the last objects are past its end.
        let last = try XCTUnwrap(ids.max { objects.packs.locate(PackKey($0), rescan: false)!.offset < objects.packs.locate(PackKey($1), rescan: false)!.offset })
        chmod(packFolder + "/" + pack, 0o644)
        XCTAssertEqual(truncate(packFolder + "/" + pack, off_t(objects.packs.locate(PackKey(last), rescan: false)!.offset + 2)), 0)
        XCTAssertThrowsError(try objects.read(last)) { error in
            guard case .damagedPack(let id, _, let reason)? = error as? ObjectStoreError else { return XCTFail("\(error)") }
            XCTAssertEqual(id, last); XCTAssertTrue(reason.contains("the pack has"), reason)
        }

        // An index that fails its checksum, then one that is not an index at all.
        chmod(packFolder + "/" + index, 0o644)
        var bytes = try Data(contentsOf: URL(fileURLWithPath: packFolder + "/" + index))
        bytes[bytes.count - 1] ^= 0xFF
        try bytes.write(to: URL(fileURLWithPath: packFolder + "/" + index))
        let checksum = try StoreChecker(store: try DeckStore.open(ws.store.workspace)).check()
        XCTAssertFalse(checksum.isHealthy)
        XCTAssertTrue(checksum.damaged.contains { $0.reference.hasSuffix(index) && $0.reason.contains("checksum") }, "\(checksum.damaged)")
        try Data("not an index".utf8).write(to: URL(fileURLWithPath: packFolder + "/" + index))
        let unreadable = try StoreChecker(store: try DeckStore.open(ws.store.workspace)).check()
        XCTAssertTrue(unreadable.damaged.contains { $0.reference.hasSuffix(index) && $0.reason.contains("cannot be read") }, "\(unreadable.damaged)")
        XCTAssertFalse(freshObjects().contains(ids[0]))
    }

    func testUnfinishedPacksAreStaleFilesThatGcRemovesButAPackWithoutIndexIsReported() throws {
        try FileManager.default.createDirectory(atPath: packFolder, withIntermediateDirectories: true)
        let unfinished = [packFolder + "/tmp-pack-a.pack", packFolder + "/tmp-pack-a.idx", packFolder + "/pack-b.idx"]
        let lost = packFolder + "/pack-c.pack"
        for path in unfinished + [lost, packFolder + "/tmp-pack-young.pack"] { try Data("x".utf8).write(to: URL(fileURLWithPath: path)) }
        var old = [timeval(tv_sec: time(nil) - 7200, tv_usec: 0), timeval(tv_sec: time(nil) - 7200, tv_usec: 0)]
        for path in unfinished + [lost] { XCTAssertEqual(utimes(path, &old), 0) }
        XCTAssertEqual(Set(StoreChecker(store: ws.store).staleTemporaryFiles()), Set(unfinished))
        let report = try GarbageCollector(store: ws.store).collect(grace: 0)
        XCTAssertEqual(report.removedTemporaryFiles, 3)
        XCTAssertEqual(packFiles(), ["pack-c.pack", "tmp-pack-young.pack"], "a pack whose index is lost is kept")
        let fsck = try StoreChecker(store: ws.store).check()
        XCTAssertTrue(fsck.damaged.contains { $0.reference == lost && $0.reason.contains("no index") }, "\(fsck.damaged)")
    }

    /// Another process's `gc` rewrites a pack this process has loaded: reads and `contains` look
    /// again instead of reporting the object missing.
    func testAReaderFollowsAPackAnotherProcessRewrote() throws {
        let reader = freshObjects()
        let ids = try committedPack(of: 10)
        XCTAssertEqual(try reader.read(ids[0]), blob(0), "the reader has loaded the pack")
        let gc = freshObjects()
        _ = try PackPruner(store: gc).prune(isGarbage: { $0 == ids[9] }, grace: 0, now: Date().timeIntervalSince1970, dryRun: false)
        for (i, id) in ids.dropLast().enumerated() { XCTAssertEqual(try reader.read(id), blob(i)) }
        XCTAssertTrue(reader.contains(ids[1]))
        XCTAssertFalse(reader.contains(ids[9]))
        XCTAssertTrue(try StoreChecker(store: try DeckStore.open(ws.store.workspace)).check().missing.isEmpty)
    }

    /// An object only in another writer's uncommitted pack is not "already stored": that writer
    /// may still fail (its pack discarded) or crash before its pack is durable.
    func testAnotherWritersUncommittedObjectIsWrittenAgain() throws {
        let objects = ws.store.objects
        let first = PackWriter(store: objects), second = PackWriter(store: objects)
        let id = ObjectID.of(blob(4))
        XCTAssertTrue(try blob(4).withUnsafeBytes { try first.put($0, as: id) })
        XCTAssertEqual(try objects.read(id), blob(4), "readable in this process before commit")
        XCTAssertTrue(try blob(4).withUnsafeBytes { try second.put($0, as: id) })
        try second.commit()
        _ = first   // dropped without commit: its pack goes
        XCTAssertEqual(try freshObjects().read(id), blob(4))
    }
}

/// A counter safe to bump from many threads.
final class LockedCount: @unchecked Sendable {
    // @unchecked: `count` is guarded by `lock`.
    private let lock = NSLock()
    private var count = 0
    func add() { lock.lock(); count += 1; lock.unlock() }
    var value: Int { lock.lock(); defer { lock.unlock() }; return count }
}
