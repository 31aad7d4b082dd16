import DeckStore
import Foundation
import GRDB
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// Issue 8, items 3, 11 and 13, through the real binary: refused databases, damaged records,
/// flipped pages, and the runs of scripts and trackers that die.
final class StoreSafetyEndToEndTests: XCTestCase {
    var workspace: URL!
    override func setUpWithError() throws {
        try XCTSkipUnless(FileManager.default.isExecutableFile(atPath: CLI.binary), "build mldeck first (make test does)")
        workspace = try CLI.makeWorkspace()
    }
    override func tearDown() { if let workspace { try? FileManager.default.removeItem(at: workspace) } }

    var database: URL { workspace.appendingPathComponent(".mldeck/mldeck.sqlite") }

    /// Runs SQL on the workspace database from the test (as a damaged or hand-edited file would be).
    func sql(_ text: String) throws {
        let queue = try DatabaseQueue(path: database.path)
        try queue.write { db in try db.execute(sql: text) }
        try queue.close()
    }

    // MARK: Item 3

    func testMissingEmptyAndForeignDatabasesAreRefusedByEveryCommandAndNothingIsCreated() throws {
        // An object that a gc over an empty store would delete.
        let object = workspace.appendingPathComponent(".mldeck/objects/ab/cdef")
        try FileManager.default.createDirectory(at: object.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data("precious".utf8).write(to: object)
        let cases: [(String, () throws -> Void, String)] = [
            ("missing", {}, "is missing"),
            ("empty", { try Data().write(to: self.database) }, "empty (0 bytes)"),
            ("garbage", { try Data(repeating: 0x42, count: 10_000).write(to: self.database) }, "not an MLDeck database"),
        ]
        for (name, damage, message) in cases {
            try? FileManager.default.removeItem(at: database)
            try damage()
            let before = try? Data(contentsOf: database)
            for command in [["runs", "list"], ["fsck"], ["gc", "--grace", "0"], ["datasets", "list"], ["runs", "create"]] {
                let result = try CLI.run(command, in: workspace)
                XCTAssertEqual(result.status, 1, "\(name) \(command): \(result.stdout)")
                XCTAssertTrue(result.stderr.contains(message), "\(name) \(command): \(result.stderr)")
                XCTAssertTrue(result.stderr.contains("backup") && result.stderr.contains("mldeck init"), result.stderr)
                XCTAssertFalse(result.stderr.contains("SQLite error") || result.stderr.contains("GRDB"), result.stderr)
                XCTAssertEqual(try? Data(contentsOf: database), before, "\(name) \(command): the database file is untouched")
                XCTAssertFalse(FileManager.default.fileExists(atPath: database.path + "-wal"), "\(name) \(command)")
            }
            XCTAssertEqual(try Data(contentsOf: object), Data("precious".utf8), "gc deleted nothing")
        }
    }

    // MARK: Item 11

    func testADamagedRecordIsSkippedWithAWarningAndFsckNamesIt() throws {
        let csv = workspace.appendingPathComponent("d.csv")
        try "a,b\n1,2\n3,4\n".write(to: csv, atomically: true, encoding: .utf8)
        for name in ["good", "bad"] {
            XCTAssertEqual(try CLI.run(["datasets", "add", name, csv.path], in: workspace).status, 0)
        }
        let keep = try CLI.run(["runs", "create", "--name", "keep", "--owner-pid", "0"], in: workspace).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let broken = try CLI.run(["runs", "create", "--name", "broken", "--owner-pid", "0"], in: workspace).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        XCTAssertEqual(try CLI.run(["runs", "log", keep, "--metric", "loss=0.5@1", "--metric", "acc=0.9@1"], in: workspace).status, 0)
        XCTAssertEqual(try CLI.run(["runs", "log", keep, "--metric", "loss=0.4@2"], in: workspace).status, 0)
        try sql("UPDATE dataset_versions SET schema = '[{\"name\": broken' WHERE dataset_id = (SELECT id FROM datasets WHERE name = 'bad')")
        try sql("UPDATE runs SET start_time = 'garbage' WHERE uuid = '\(broken)'")
        try sql("UPDATE metric_chunks SET points = substr(points, 1, 20) WHERE seq = 2")

        let datasets = try CLI.run(["datasets", "list"], in: workspace)
        XCTAssertEqual(datasets.status, 0, datasets.stderr)
        XCTAssertTrue(datasets.stdout.contains("good"), datasets.stdout)
        XCTAssertFalse(datasets.stdout.contains("bad"), datasets.stdout)
        XCTAssertTrue(datasets.stderr.contains("warning: skipped dataset bad@1"), datasets.stderr)
        XCTAssertFalse(datasets.stderr.contains("DecodingError"), datasets.stderr)
        XCTAssertEqual(try CLI.run(["datasets", "list", "--json"], in: workspace).status, 0)

        let runs = try CLI.run(["runs", "list"], in: workspace)
        XCTAssertEqual(runs.status, 0, runs.stderr)
        XCTAssertTrue(runs.stdout.contains("keep"), runs.stdout)
        XCTAssertTrue(runs.stderr.contains("skipped run \(broken.prefix(8))"), runs.stderr)

        let shown = try CLI.run(["runs", "show", keep, "--json"], in: workspace)
        XCTAssertEqual(shown.status, 0, shown.stderr)
        XCTAssertTrue(shown.stderr.contains("metric 'loss' chunk 2"), shown.stderr)
        let showBroken = try CLI.run(["runs", "show", broken], in: workspace)
        XCTAssertEqual(showBroken.status, 1)
        XCTAssertTrue(showBroken.stderr.contains("run \(broken.prefix(8)) is damaged"), showBroken.stderr)

        let fsck = try CLI.run(["fsck"], in: workspace)
        XCTAssertEqual(fsck.status, 1, fsck.stdout)
        for name in ["dataset bad@1", "run \(broken.prefix(8))", "run \(keep.prefix(8)) metric 'loss' chunk 2"] {
            XCTAssertTrue(fsck.stdout.contains("damaged  \(name)"), "\(name):\n\(fsck.stdout)")
        }
        XCTAssertTrue(fsck.stdout.contains("integrity_check ok"), fsck.stdout)
    }

    func testFlippedBytesInAPageOfACopyFailFsck() throws {
        for i in 0..<30 {
            let id = try CLI.run(["runs", "create", "--name", "r\(i)", "--owner-pid", "0", "-p", "i=\(i)"], in: workspace).stdout
            _ = id
        }
        XCTAssertEqual(try CLI.run(["fsck"], in: workspace).status, 0)
        let copy = FileManager.default.temporaryDirectory.appendingPathComponent("mldeck-e2e-flip-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: copy) }
        try FileManager.default.copyItem(at: workspace, to: copy)
        let copyDB = copy.appendingPathComponent(".mldeck/mldeck.sqlite")
        let page = try DatabaseQueue(path: copyDB.path).read { db in
            try Int.fetchOne(db, sql: "SELECT rootpage FROM sqlite_master WHERE name = 'runs'")
        }
        let handle = try FileHandle(forUpdating: copyDB)
        try handle.seek(toOffset: UInt64((try XCTUnwrap(page) - 1) * 4096 + 8))
        try handle.write(contentsOf: Data(repeating: 0xEE, count: 300))
        try handle.close()
        for flags in [[], ["--quick"]] {
            let fsck = try CLI.run(["fsck", "--workspace", copy.path] + flags, in: copy)
            XCTAssertEqual(fsck.status, 1, "\(flags): \(fsck.stdout)\n\(fsck.stderr)")
            XCTAssertTrue((fsck.stdout + fsck.stderr).contains("damaged"), "\(flags): \(fsck.stdout)\n\(fsck.stderr)")
            XCTAssertFalse(fsck.stderr.contains("SQLite error"), fsck.stderr)
        }
        XCTAssertEqual(try CLI.run(["fsck"], in: workspace).status, 0, "the original is fine")
    }

    // MARK: Item 13

    func testARunCreatedByAScriptIsOwnedByItAndEndsWhenItDiesWithItsRealDuration() throws {
        let idFile = workspace.appendingPathComponent("run.id")
        let bin = CLI.binary
        let script = """
        id=$('\(bin)' runs create --name scripted)
        '\(bin)' runs log "$id" --metric loss=0.9@1
        sleep 2
        '\(bin)' runs log "$id" --metric loss=0.5@2
        sleep 60 &
        echo $! > '\(idFile.path).sleep'
        echo "$id" > '\(idFile.path)'
        wait
        """
        let shell = Process()
        shell.executableURL = URL(fileURLWithPath: "/bin/sh")
        shell.arguments = ["-c", script]
        shell.currentDirectoryURL = workspace
        try shell.run()
        defer { if shell.isRunning { kill(shell.processIdentifier, SIGKILL) } }
        XCTAssertTrue(CLI.waitFor(20) { FileManager.default.fileExists(atPath: idFile.path) && ((try? String(contentsOf: idFile, encoding: .utf8)) ?? "").count > 10 })
        let id = try String(contentsOf: idFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        var shown = try CLI.json(["runs", "show", id], in: workspace) as! [String: Any]
        XCTAssertEqual(shown["status"] as? String, "RUNNING", "the script is alive")
        kill(shell.processIdentifier, SIGKILL)
        // The sleep the killed shell left behind (Foundation's Process waits for it otherwise).
        if let text = try? String(contentsOf: URL(fileURLWithPath: idFile.path + ".sleep"), encoding: .utf8),
           let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)) { kill(pid, SIGKILL) }
        shell.waitUntilExit()
        shown = try CLI.json(["runs", "show", id], in: workspace) as! [String: Any]
        XCTAssertEqual(shown["status"] as? String, "FAILED")
        XCTAssertTrue((shown["status_reason"] as? String)?.contains("owner process \(shell.processIdentifier)") == true, "\(shown)")
        XCTAssertGreaterThanOrEqual(shown["duration_s"] as? Double ?? 0, 1.5, "ends at its last activity, not at its start")
    }

    func testOwnerPidChoosesTheOwnerAndZeroMeansNone() throws {
        let sleeper = Process()
        sleeper.executableURL = URL(fileURLWithPath: "/bin/sleep")
        sleeper.arguments = ["60"]
        try sleeper.run()
        let owned = try CLI.run(["runs", "create", "--owner-pid", "\(sleeper.processIdentifier)"], in: workspace).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let free = try CLI.run(["runs", "create", "--owner-pid", "0"], in: workspace).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let bad = try CLI.run(["runs", "create", "--owner-pid", "999999999"], in: workspace)
        XCTAssertNotEqual(bad.status, 0)
        XCTAssertTrue(bad.stderr.contains("--owner-pid 999999999"), bad.stderr)
        sleeper.terminate(); sleeper.waitUntilExit()
        XCTAssertEqual((try CLI.json(["runs", "show", owned], in: workspace) as! [String: Any])["status"] as? String, "FAILED")
        XCTAssertEqual((try CLI.json(["runs", "show", free], in: workspace) as! [String: Any])["status"] as? String, "RUNNING")
    }

    func testATrackerKilledWithSigkillKeepsItsRealDuration() throws {
        let pidFile = workspace.appendingPathComponent("child.pid")
        let process = CLI.start(["track", "--name", "crash", "--", "sh", "-c", "echo $$ > '\(pidFile.path)'; exec sleep 30"], in: workspace)
        try process.run()
        XCTAssertTrue(try CLI.waitFor { (try CLI.json(["runs", "list"], in: workspace) as? [[String: Any]])?.first?["status"] as? String == "RUNNING" })
        sleep(3)
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        let run = try XCTUnwrap((try CLI.json(["runs", "list"], in: workspace) as? [[String: Any]])?.first)
        XCTAssertEqual(run["status"] as? String, "FAILED")
        XCTAssertGreaterThanOrEqual(run["duration_s"] as? Double ?? 0, 2, "\(run)")
        if let text = try? String(contentsOf: pidFile, encoding: .utf8), let child = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)) {
            kill(child, SIGKILL)
        }
    }
}
