import Foundation
import XCTest

/// Rough edges of the command line a new user meets in the first hour.
final class FirstHourCLITests: XCTestCase {
    override func setUpWithError() throws {
        try XCTSkipUnless(FileManager.default.isExecutableFile(atPath: CLI.binary), "build mldeck first (make test does)")
    }

    func testMistypedCommandSuggestsTheRightOne() throws {
        let result = try CLI.run(["modles", "list"])
        XCTAssertEqual(result.status, 2)
        XCTAssertTrue(result.stderr.contains("unknown command 'modles'; did you mean 'models'?"), result.stderr)
        let far = try CLI.run(["frobnicate"])
        XCTAssertEqual(far.status, 2)
        XCTAssertTrue(far.stderr.contains("unknown command 'frobnicate'"), far.stderr)
        XCTAssertFalse(far.stderr.contains("did you mean"), far.stderr)
        XCTAssertEqual(try CLI.run(["--version"]).status, 0)
    }

    func testFilterSyntaxErrorExitsWithTheUsageStatus() throws {
        let workspace = try CLI.makeWorkspace()
        defer { try? FileManager.default.removeItem(at: workspace) }
        let result = try CLI.run(["runs", "list", "--filter", "metrics.x >"], in: workspace)
        XCTAssertEqual(result.status, 2)
        XCTAssertTrue(result.stderr.contains("filter error at column 12"), result.stderr)
    }

    func testInitKeepsTheStoreOutOfGit() throws {
        let root = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("mldeck-init-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        XCTAssertEqual(try CLI.run(["init", root.path]).status, 0)
        XCTAssertEqual(try String(contentsOf: root.appendingPathComponent(".gitignore"), encoding: .utf8).split(separator: "\n").last, ".mldeck/")

        let other = root.appendingPathComponent("other")
        try FileManager.default.createDirectory(at: other, withIntermediateDirectories: true)
        try "build/".write(to: other.appendingPathComponent(".gitignore"), atomically: true, encoding: .utf8)
        XCTAssertEqual(try CLI.run(["init", other.path]).status, 0)
        let lines = try String(contentsOf: other.appendingPathComponent(".gitignore"), encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(lines.first, "build/")
        XCTAssertEqual(lines.filter { $0 == ".mldeck/" }.count, 1)
    }
}
