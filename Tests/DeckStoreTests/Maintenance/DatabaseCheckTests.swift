@testable import DeckStore
import GRDB
import XCTest

/// Item 11 of issue 8: fsck checks the database and every record; listings skip damaged records.
final class DatabaseCheckTests: XCTestCase {
    var ws: DatasetsTestWorkspace!
    override func setUpWithError() throws { ws = try DatasetsTestWorkspace() }
    override func tearDown() { ws.cleanup() }

    /// Collects the warnings a store reports for skipped records.
    final class Warnings: @unchecked Sendable {
        private let lock = NSLock()
        private var list: [String] = []
        func add(_ s: String) { lock.lock(); list.append(s); lock.unlock() }
        var all: [String] { lock.lock(); defer { lock.unlock() }; return list }
    }

    func addTwoDatasets() throws {
        for name in ["good", "bad"] {
            let path = ws.file("\(name).bin")
            try Data("content of \(name)".utf8).write(to: URL(fileURLWithPath: path))
            try ws.add(name, path: path)
        }
    }

    func testAHealthyStorePassesIntegrityCheck() throws {
        try addTwoDatasets()
        let report = try StoreChecker(store: ws.store).check()
        XCTAssertEqual(report.databaseProblems, [])
        XCTAssertEqual(report.databaseCheck, "integrity_check")
        XCTAssertEqual(try StoreChecker(store: ws.store).check(quick: true).databaseCheck, "quick_check")
        XCTAssertTrue(report.isHealthy)
    }

    func testADatasetVersionWithBrokenJSONIsSkippedWithAWarningAndNamedByFsck() throws {
        try addTwoDatasets()
        try ws.store.database.write { db in
            try db.execute(sql: "UPDATE dataset_versions SET key_columns = '[\"unterminated' WHERE dataset_id = (SELECT id FROM datasets WHERE name = 'bad')")
        }
        let warnings = Warnings()
        ws.store.onDamagedRecord = { warnings.add($0) }
        XCTAssertEqual(try ws.store.datasets().map(\.name), ["good"])
        XCTAssertEqual(warnings.all.count, 1)
        XCTAssertTrue(warnings.all.first?.contains("dataset bad@1") == true, "\(warnings.all)")
        XCTAssertTrue(warnings.all.first?.contains("key columns") == true, "\(warnings.all)")
        XCTAssertEqual(try ws.store.datasetVersions("bad").count, 0)
        XCTAssertThrowsError(try ws.store.datasetVersion("bad@1")) { error in
            XCTAssertEqual(error as? WorkspaceError, .damagedRecord(reference: "dataset bad@1", reason: "its key columns is not valid JSON of the expected shape"))
            XCTAssertTrue("\(error)".contains("mldeck fsck"))
        }
        let report = try StoreChecker(store: ws.store).check()
        XCTAssertFalse(report.isHealthy)
        XCTAssertEqual(report.damaged.map(\.reference), ["dataset bad@1"])
    }

    func testARunWithAValueOfTheWrongTypeIsSkippedNotACrash() throws {
        let good = try ws.store.createRun(RunStart(name: "good", owner: nil))
        let bad = try ws.store.createRun(RunStart(name: "bad", owner: nil))
        try ws.store.database.write { db in
            try db.execute(sql: "UPDATE runs SET start_time = 'yesterday-ish' WHERE id = ?", arguments: [bad.rowID])
        }
        let warnings = Warnings()
        ws.store.onDamagedRecord = { warnings.add($0) }
        XCTAssertEqual(try ws.store.listRuns(RunQuery()).map(\.run.id), [good.id])
        XCTAssertTrue(warnings.all.first?.contains("run \(bad.id.prefix(8))") == true, "\(warnings.all)")
        XCTAssertThrowsError(try ws.store.runDetails(bad.id)) { error in
            guard case .damagedRecord(let reference, let reason)? = error as? WorkspaceError else { return XCTFail("\(error)") }
            XCTAssertEqual(reference, "run \(bad.id.prefix(8))")
            XCTAssertTrue(reason.contains("start time"), reason)
        }
        let report = try StoreChecker(store: ws.store).check()
        XCTAssertEqual(report.damaged.map(\.reference), ["run \(bad.id.prefix(8))"])
    }

    func testAMetricChunkOfTheWrongSizeIsSkippedAndNamed() throws {
        let run = try ws.store.createRun(RunStart(name: "r", owner: nil))
        try ws.store.logMetrics([MetricPoint(key: "loss", value: 0.9, step: 1, timestamp: 1), MetricPoint(key: "loss", value: 0.8, step: 2, timestamp: 1)], run: run)
        try ws.store.logMetrics([MetricPoint(key: "loss", value: 0.7, step: 3, timestamp: 1)], run: run)
        XCTAssertTrue(try StoreChecker(store: ws.store).check().isHealthy)
        try ws.store.database.write { db in
            // 2 points need 48 bytes: cut the first chunk short.
            try db.execute(sql: "UPDATE metric_chunks SET points = substr(points, 1, 40) WHERE run_id = ? AND seq = 1", arguments: [run.rowID])
        }
        let warnings = Warnings()
        ws.store.onDamagedRecord = { warnings.add($0) }
        XCTAssertEqual(try ws.store.metricSeries(run: run, key: "loss").map(\.value), [0.7], "the damaged chunk is skipped")
        XCTAssertTrue(warnings.all.first?.contains("run \(run.id.prefix(8)) metric 'loss' chunk 1") == true, "\(warnings.all)")
        let report = try StoreChecker(store: ws.store).check()
        XCTAssertFalse(report.isHealthy)
        XCTAssertEqual(report.damaged.map(\.reference), ["run \(run.id.prefix(8)) metric 'loss' chunk 1"])
        XCTAssertTrue(report.damaged.first?.reason.contains("40 bytes where 2 points need 48") == true, "\(report.damaged)")

        try ws.store.database.write { db in
            try db.execute(sql: "UPDATE metric_chunks SET points = zeroblob(48) WHERE run_id = ? AND seq = 1", arguments: [run.rowID])
            try db.execute(sql: "UPDATE metric_summary SET count = 7 WHERE run_id = ?", arguments: [run.rowID])
        }
        let summary = try StoreChecker(store: ws.store).check()
        XCTAssertEqual(summary.damaged.map(\.reference), ["run \(run.id.prefix(8)) metric 'loss'"])
        XCTAssertTrue(summary.damaged.first?.reason.contains("counts 7 points but its chunks hold 3") == true, "\(summary.damaged)")
    }

    func testFlippedBytesInAPageFailIntegrityCheck() throws {
        let run = try ws.store.createRun(RunStart(name: "r", owner: nil))
        for batch in 0..<40 {
            var points: [MetricPoint] = []
            for i in 0..<200 { points.append(MetricPoint(key: "loss", value: Double(i), step: Int64(batch * 200 + i), timestamp: 1)) }
            try ws.store.logMetrics(points, run: run)
        }
        let root = try ws.store.database.read { db in try Int.fetchOne(db, sql: "SELECT rootpage FROM sqlite_master WHERE name = 'metric_chunks'") }
        let page = try XCTUnwrap(root)
        let copyRoot = FileManager.default.temporaryDirectory.appendingPathComponent("mldeck-flip-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: copyRoot) }
        try FileManager.default.createDirectory(at: copyRoot.appendingPathComponent(".mldeck"), withIntermediateDirectories: true)
        let copy = Workspace(root: copyRoot)
        // A consistent copy of the database (VACUUM INTO), whose table pages are then damaged.
        try ws.store.database.writeWithoutTransaction { db in try db.execute(sql: "VACUUM INTO ?", arguments: [copy.databaseURL.path]) }
        let copyPage = try DatabaseQueue(path: copy.databaseURL.path).read { db in
            try Int.fetchOne(db, sql: "SELECT rootpage FROM sqlite_master WHERE name = 'metric_chunks'")
        }
        XCTAssertNotNil(copyPage ?? page)
        let handle = try FileHandle(forUpdating: copy.databaseURL)
        try handle.seek(toOffset: UInt64(((copyPage ?? page) - 1) * 4096 + 12))
        try handle.write(contentsOf: Data(repeating: 0xA5, count: 200))
        try handle.close()
        let damaged = try DeckStore.open(copy)
        let report = try StoreChecker(store: damaged).check()
        XCTAssertFalse(report.isHealthy)
        XCTAssertFalse(report.databaseProblems.isEmpty)
        XCTAssertTrue(report.databaseProblems.allSatisfy { $0.hasPrefix("SQLite integrity_check") || $0.contains("damaged") }, "\(report.databaseProblems)")
        XCTAssertFalse(try StoreChecker(store: damaged).check(quick: true).databaseProblems.isEmpty)
    }
}
