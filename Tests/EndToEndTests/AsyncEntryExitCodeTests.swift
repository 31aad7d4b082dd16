import Foundation
import XCTest

/// The `@main` entry is async (`MLDeckMain`); exit statuses stay 0 success, 1 failure, 2 usage, for
/// synchronous subcommands and for the async ones (`dashboard`, `demo`) alike.
final class AsyncEntryExitCodeTests: XCTestCase {
    override func setUpWithError() throws {
        try XCTSkipUnless(FileManager.default.isExecutableFile(atPath: CLI.binary), "build mldeck first (make test does)")
    }

    func testTheAsyncDashboardCommandKeepsTheExitStatuses() throws {
        let workspace = try CLI.makeWorkspace()
        defer { try? FileManager.default.removeItem(at: workspace) }
        // Success: the headless dashboard runs on the main actor under the async entry.
        let ok = try CLI.run(["dashboard", "--headless", "100x20"], in: workspace)
        XCTAssertEqual(ok.status, 0, ok.stderr)
        XCTAssertTrue(ok.stdout.contains("1 Runs"), ok.stdout)
        // Usage: a validation error thrown from an async run() exits 2 with ArgumentParser's message.
        let usage = try CLI.run(["dashboard", "--headless", "wide"], in: workspace)
        XCTAssertEqual(usage.status, 2, usage.stderr)
        XCTAssertTrue(usage.stderr.contains("--headless takes WIDTHxHEIGHT"), usage.stderr)
        let option = try CLI.run(["dashboard", "--bogus"], in: workspace)
        XCTAssertEqual(option.status, 2, option.stderr)
        // Failure: a store error thrown from an async run() is shown for the user and exits 1.
        let missing = workspace.appendingPathComponent("no-such-workspace").path
        let failure = try CLI.run(["dashboard", "--workspace", missing, "--headless", "100x20"], in: workspace)
        XCTAssertEqual(failure.status, 1, failure.stderr)
        XCTAssertTrue(failure.stderr.hasPrefix("mldeck: error: "), failure.stderr)
        XCTAssertFalse(failure.stderr.contains("Error Domain"), failure.stderr)
    }

    func testHelpAndVersionExitZeroAndUnknownCommandsTwo() throws {
        XCTAssertEqual(try CLI.run(["--help"]).status, 0)
        XCTAssertEqual(try CLI.run(["dashboard", "--help"]).status, 0)
        XCTAssertEqual(try CLI.run(["--version"]).status, 0)
        XCTAssertEqual(try CLI.run(["dashbord"]).status, 2)
    }
}
