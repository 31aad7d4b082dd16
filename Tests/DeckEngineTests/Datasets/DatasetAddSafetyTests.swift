@testable import DeckEngine
import DeckML
import DeckStore
import Foundation
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// `datasets add` records statistics from the bytes it stored, or nothing: a source edited in place
/// during the add fails with "the file changed while it was read", and the cached copy of a version
/// is checked against its chunks before use.
final class DatasetAddSafetyTests: XCTestCase {
    /// The case: a column of values below 1, rewritten in place (same size) between the read
    /// that stores the chunks and the profile, used to record max 2.11 for bytes that never had it.
    func testSourceEditedInPlaceDuringAddRecordsNothing() throws {
        let ws = try DatasetEngineWorkspace()
        defer { ws.cleanup() }
        let path = try ws.write("t.csv", "id,x\n1,0.11\n2,0.52\n3,0.93\n")
        let request = DatasetAddRequest(name: "t", path: path)
        XCTAssertThrowsError(try DatasetAdder.add(request, to: ws.store, afterRead: { p, _ in
            let fd = open(p, O_WRONLY)
            _ = "id,x\n1,2.11\n".withCString { write(fd, $0, 12) }
            close(fd)
        })) { error in
            XCTAssertEqual(error as? DatasetError, .changedWhileRead(path), "\(error)")
            XCTAssertTrue("\(error)".contains("\(path): the file changed while it was read"), "\(error)")
        }
        XCTAssertNil(try ws.store.latestDatasetVersion(named: "t"))
    }

    /// An edit after the bytes were stored (when profiling starts) no longer reaches the statistics:
    /// they are computed from the stored chunks, so they describe the version that was recorded.
    func testEditAfterStoringDoesNotReachTheStatistics() throws {
        let ws = try DatasetEngineWorkspace()
        defer { ws.cleanup() }
        let path = try ws.write("t.csv", "id,x\n1,0.11\n2,0.52\n3,0.93\n")
        let request = DatasetAddRequest(name: "t", path: path)
        let result = try DatasetAdder.add(request, to: ws.store, events: { event in
            guard case .profiling = event else { return }
            try? Data("id,x\n1,2.11\n2,0.52\n3,0.93\n".utf8).write(to: URL(fileURLWithPath: path))
        })
        let profile = try XCTUnwrap(try DatasetVersionDetails.profile(of: result.version))
        XCTAssertEqual(profile.column("x")?.max, 0.93)
        XCTAssertEqual(profile.column("x")?.min, 0.11)
        XCTAssertEqual(result.version.rows, 3)
    }

    /// Profiling a large table reports its progress (the second read of a 10 GB file takes a
    /// while): bytes read back from the stored chunks, growing, ending at the file's size.
    func testProfilingReportsTheBytesItHasReadBack() throws {
        let ws = try DatasetEngineWorkspace()
        defer { ws.cleanup() }
        var text = "id,x,name\n"
        for i in 0..<600_000 { text += "\(i),\(Double(i % 1_000) / 7),name-\(i % 50)\n" }
        let path = try ws.write("big.csv", text)
        let seen = LockedEvents()
        let result = try DatasetAdder.add(DatasetAddRequest(name: "big", path: path), to: ws.store, events: { event in
            if case .profiled(let done, let total) = event { seen.append((done, total)) }
        })
        XCTAssertEqual(result.version.rows, 600_000)
        let reports = seen.all
        let size = Int64(text.utf8.count)
        XCTAssertGreaterThan(reports.count, 1, "one report per 8 MiB read and one at the end (\(size) bytes)")
        XCTAssertEqual(reports.map(\.1), Array(repeating: size, count: reports.count))
        XCTAssertEqual(reports.map(\.0), reports.map(\.0).sorted(), "bytes read only grow within one pass")
        XCTAssertEqual(reports.last?.0, size)
    }

    /// The profile is computed from the stored chunks: what `datasets show` reports is what `export` gives back.
    func testProfileDescribesTheStoredBytes() throws {
        let ws = try DatasetEngineWorkspace()
        defer { ws.cleanup() }
        var text = "id,x\n"
        for i in 0..<200_000 { text += "\(i),0.\(i % 97)\n" }
        let path = try ws.write("big.csv", text)
        let result = try ws.add("big", path)
        XCTAssertEqual(result.version.rows, 200_000)
        let profile = try XCTUnwrap(try DatasetVersionDetails.profile(of: result.version))
        XCTAssertEqual(profile.column("x")?.max, 0.96)
        XCTAssertEqual(profile.column("id")?.max, 199_999)
    }

    func testFIFOSourceIsRefusedAtOnce() throws {
        let ws = try DatasetEngineWorkspace()
        defer { ws.cleanup() }
        let path = ws.root.appendingPathComponent("f.csv").path
        XCTAssertEqual(mkfifo(path, 0o644), 0)
        let started = Date()
        XCTAssertThrowsError(try ws.add("f", path)) { error in
            XCTAssertTrue("\(error)".contains("FIFO"), "\(error)")
            XCTAssertTrue("\(error)".contains("not a regular file"), "\(error)")
        }
        XCTAssertLessThan(Date().timeIntervalSince(started), 5)
    }

    /// Flips one byte of the cached copy (same size): the materializer rebuilds it, fsck reports it.
    func testDamagedCacheIsReportedByFsckAndRebuiltOnUse() throws {
        let ws = try DatasetEngineWorkspace()
        defer { ws.cleanup() }
        let original = "id,x\n1,0.5\n2,0.25\n"
        let path = try ws.write("t.csv", original)
        let version = try ws.add("t", path).version
        let materializer = DatasetMaterializer(store: ws.store)
        let cached = try materializer.path(for: version)
        XCTAssertEqual(try String(contentsOf: cached, encoding: .utf8), original)
        XCTAssertTrue(try StoreChecker(store: ws.store).check().isHealthy)

        chmod(cached.path, 0o644)
        let flipped = original.replacingOccurrences(of: "0.5", with: "9.5")
        try Data(flipped.utf8).write(to: cached)
        VerifiedCacheEntries.shared.removeAll()   // as in a new process

        let report = try StoreChecker(store: ws.store).check()
        XCTAssertFalse(report.isHealthy)
        XCTAssertEqual(report.damaged.count, 1, "\(report.damaged)")
        XCTAssertTrue(report.damaged.first?.reference.contains("t@1") ?? false, "\(report.damaged)")
        XCTAssertTrue(report.damaged.first?.reference.contains("cache/datasets/\(version.contentHash).csv") ?? false, "\(report.damaged)")

        let again = try materializer.path(for: version)
        XCTAssertEqual(again, cached)
        XCTAssertEqual(try String(contentsOf: again, encoding: .utf8), original)
        XCTAssertTrue(try StoreChecker(store: ws.store).check().isHealthy)
    }

    /// Within a process a checked copy is not re-read, but a copy changed since is checked again.
    func testCacheChangedAfterItsCheckIsCheckedAgain() throws {
        let ws = try DatasetEngineWorkspace()
        defer { ws.cleanup() }
        let original = "a,b\n1,2\n"
        let version = try ws.add("t", try ws.write("t.csv", original)).version
        let materializer = DatasetMaterializer(store: ws.store)
        let cached = try materializer.path(for: version)
        _ = try materializer.path(for: version)
        chmod(cached.path, 0o644)
        try Data("a,b\n1,3\n".utf8).write(to: cached)
        XCTAssertEqual(try String(contentsOf: try materializer.path(for: version), encoding: .utf8), original)
    }

    func testDamagedFolderCacheIsRebuilt() throws {
        let ws = try DatasetEngineWorkspace()
        defer { ws.cleanup() }
        try ws.write("d/a.txt", "alpha\n")
        try ws.write("d/b.txt", "beta\n")
        let version = try ws.add("d", ws.root.appendingPathComponent("d").path).version
        let materializer = DatasetMaterializer(store: ws.store)
        let cached = try materializer.path(for: version)
        try Data("alphA\n".utf8).write(to: cached.appendingPathComponent("a.txt"))
        XCTAssertFalse(try StoreChecker(store: ws.store).check().isHealthy)
        let again = try materializer.path(for: version)
        XCTAssertEqual(try String(contentsOf: again.appendingPathComponent("a.txt"), encoding: .utf8), "alpha\n")
    }
}

/// Events collected from the adder's callback (which may run on another thread).
private final class LockedEvents: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [(Int64, Int64)] = []
    func append(_ item: (Int64, Int64)) { lock.lock(); items.append(item); lock.unlock() }
    var all: [(Int64, Int64)] { lock.lock(); defer { lock.unlock() }; return items }
}
