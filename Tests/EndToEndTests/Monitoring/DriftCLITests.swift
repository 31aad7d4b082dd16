import Foundation
import XCTest

/// `mldeck drift` on the churn data: two halves of the same file raise nothing; a copy with two
/// features shifted names exactly those two; a dataset version works as a side; bad input fails
/// with a message naming the file or column (exit 1), bad usage exits 2.
final class DriftCLITests: XCTestCase {
    var workspace: URL!
    var odd: String!, even: String!, shifted: String!

    override func setUpWithError() throws {
        try XCTSkipUnless(FileManager.default.isExecutableFile(atPath: CLI.binary), "build mldeck first (make test does)")
        workspace = try CLI.makeWorkspace()
        let text = try String(contentsOf: CLI.sharedData.appendingPathComponent("wa_churn.csv"), encoding: .utf8)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
        let header = lines.removeFirst()
        let columns = header.split(separator: ",").map(String.init)
        let tenure = try XCTUnwrap(columns.firstIndex(of: "tenure")), charges = try XCTUnwrap(columns.firstIndex(of: "monthly_charges"))
        // Alternate rows, so that even the row id has the same distribution in both halves.
        let a = lines.enumerated().filter { $0.offset % 2 == 0 }.map(\.element)
        let b = lines.enumerated().filter { $0.offset % 2 == 1 }.map(\.element)
        let moved = b.map { line -> String in
            var cells = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            if let t = Double(cells[tenure]) { cells[tenure] = String(Int(t) + 24) }
            if let m = Double(cells[charges]) { cells[charges] = String(format: "%.2f", m * 1.4) }
            return cells.joined(separator: ",")
        }
        odd = workspace.appendingPathComponent("odd.csv").path
        even = workspace.appendingPathComponent("even.csv").path
        shifted = workspace.appendingPathComponent("shifted.csv").path
        try ([header] + a).joined(separator: "\n").write(toFile: odd, atomically: true, encoding: .utf8)
        try ([header] + b).joined(separator: "\n").write(toFile: even, atomically: true, encoding: .utf8)
        try ([header] + moved).joined(separator: "\n").write(toFile: shifted, atomically: true, encoding: .utf8)
    }

    override func tearDownWithError() throws {
        if let workspace { try? FileManager.default.removeItem(at: workspace) }
    }

    private func report(_ arguments: [String]) throws -> [String: Any] {
        try XCTUnwrap(try CLI.json(["drift"] + arguments, in: workspace) as? [String: Any])
    }

    private func drifted(_ report: [String: Any]) -> Set<String> {
        Set((report["columns"] as? [[String: Any]] ?? []).filter { $0["drifted"] as? Bool == true }.compactMap { $0["column"] as? String })
    }

    func testHalvesOfTheSameDataRaiseNothing() throws {
        let r = try report([odd, even])
        XCTAssertEqual(drifted(r), [])
        XCTAssertEqual(r["dataset_drift"] as? Bool, false)
        XCTAssertEqual((r["columns"] as? [[String: Any]])?.count, 21)
        // More than 1,000 reference rows: normed Wasserstein for numbers, Jensen-Shannon otherwise.
        let tests = Dictionary(uniqueKeysWithValues: (r["columns"] as? [[String: Any]] ?? []).map { ($0["column"] as? String ?? "", $0["test"] as? String ?? "") })
        XCTAssertEqual(tests["monthly_charges"], "wasserstein")
        XCTAssertEqual(tests["contract"], "jensenshannon")
    }

    func testShiftedCopyNamesExactlyTheShiftedFeatures() throws {
        let r = try report([odd, shifted])
        XCTAssertEqual(drifted(r), ["tenure", "monthly_charges"])
        XCTAssertEqual(r["dataset_drift"] as? Bool, false)
        // A low drift share makes the two columns a dataset drift; the text says so at a glance.
        let text = try CLI.run(["drift", odd, shifted, "--drift-share", "0.05"], in: workspace)
        XCTAssertEqual(text.status, 0, text.stderr)
        XCTAssertTrue(text.stdout.contains("Dataset: DRIFT — 2 of 21 columns drifted"), text.stdout)
        let line = try XCTUnwrap(text.stdout.split(separator: "\n").first { $0.hasPrefix("tenure ") })
        XCTAssertTrue(line.contains("wasserstein") && line.contains("✗"), String(line))
    }

    func testColumnsTestOverridesAndDatasetVersionSides() throws {
        let add = try CLI.run(["datasets", "add", "churn-a", odd, "--quiet"], in: workspace)
        XCTAssertEqual(add.status, 0, add.stderr)
        let r = try report(["churn-a@1", shifted, "--columns", "tenure,contract", "--test", "tenure=ks", "--test", "contract=psi:0.2"])
        let columns = try XCTUnwrap(r["columns"] as? [[String: Any]])
        XCTAssertEqual(columns.map { $0["column"] as? String }, ["tenure", "contract"])
        XCTAssertEqual(columns[0]["test"] as? String, "ks")
        XCTAssertNotNil(columns[0]["p_value"] as? Double)
        XCTAssertEqual(columns[0]["drifted"] as? Bool, true)
        XCTAssertEqual(columns[1]["test"] as? String, "psi")
        XCTAssertEqual(columns[1]["threshold"] as? Double, 0.2)
    }

    func testBadInputNamesTheFileOrColumnAndUsageErrorsExitTwo() throws {
        let missing = try CLI.run(["drift", odd, workspace.appendingPathComponent("nope.csv").path], in: workspace)
        XCTAssertEqual(missing.status, 1)
        XCTAssertTrue(missing.stderr.contains("nope.csv"), missing.stderr)
        let column = try CLI.run(["drift", odd, even, "--columns", "tenure,no_such"], in: workspace)
        XCTAssertEqual(column.status, 1)
        XCTAssertTrue(column.stderr.contains("no_such"), column.stderr)
        let categorical = try CLI.run(["drift", odd, even, "--test", "contract=ks"], in: workspace)
        XCTAssertEqual(categorical.status, 1)
        XCTAssertTrue(categorical.stderr.contains("contract"), categorical.stderr)
        XCTAssertEqual(try CLI.run(["drift", odd, even, "--test", "tenure=bogus"], in: workspace).status, 2)
        XCTAssertEqual(try CLI.run(["drift", odd, even, "--drift-share", "2"], in: workspace).status, 2)
        XCTAssertEqual(try CLI.run(["drift", odd], in: workspace).status, 2)
    }
}
