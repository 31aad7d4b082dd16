import Foundation
import XCTest

/// schemathesis (pinned in scripts/requirements-schemathesis.txt, its own venv made by
/// `make schemathesis`) generates requests from the OpenAPI descriptions the project ships
/// (docs/openapi/serve.yaml, docs/openapi/mlflow-server.yaml) and sends them to the real servers:
/// no answer is a 5xx, and the servers are still up afterwards. Examples are bounded so that each
/// run stays well under a minute.
final class OpenAPIEndToEndTests: XCTestCase {
    var workspace: URL!

    override func tearDownWithError() throws {
        if let workspace { try? FileManager.default.removeItem(at: workspace) }
    }

    /// The schemathesis command line tool, or a failure naming how to get it.
    func schemathesis() throws -> String {
        let path = ProcessInfo.processInfo.environment["MLDECK_SCHEMATHESIS"]
            ?? RepositoryFiles.root.appendingPathComponent(".build/schemathesis-venv/bin/schemathesis").path
        guard FileManager.default.isExecutableFile(atPath: path) else {
            let problem = "no schemathesis at \(path) (`make schemathesis` makes its venv from scripts/requirements-schemathesis.txt)"
            if PythonEnvironment.offline { throw XCTSkip(problem) }
            XCTFail(problem)
            throw PythonEnvironment.Missing(description: problem)
        }
        return path
    }

    /// Runs schemathesis on `spec` against `address`: its exit status and report.
    func run(_ spec: String, against address: String, examples: Int) throws -> CLI.Result {
        let tool = try schemathesis()
        let specPath = RepositoryFiles.root.appendingPathComponent("docs/openapi/\(spec)").path
        // `make soak` (MLDECK_SOAK=1): ten times the examples, for up to 10 minutes per server.
        let soak = ProcessInfo.processInfo.environment["MLDECK_SOAK"] == "1"
        return try PythonEnvironment.run(tool, [
            "run", specPath, "--url", address, "--checks", "not_a_server_error",
            "--max-examples", String(soak ? examples * 10 : examples), "--seed", "1", "--request-timeout", "30",
            "--max-time", soak ? "600" : "60",
            "--phases", "examples,coverage,fuzzing", "--generation-database", "none", "--workers", "1",
        ], in: workspace, environment: ["NO_COLOR": "1"])
    }

    func testPredictionServerAnswersEveryGeneratedRequestWithoutA5xx() throws {
        workspace = try ServeFixture.workspace()
        let server = try ServeProcess(["shop-churn@production"], in: workspace)
        defer { server.stop() }
        let result = try run("serve.yaml", against: server.address, examples: 30)
        XCTAssertEqual(result.status, 0, "schemathesis found failures:\n\(result.stdout.suffix(6000))\n\(result.stderr.suffix(2000))")
        XCTAssertTrue(server.process.isRunning, "mldeck serve died: \(server.stderr.suffix(1000))")
        XCTAssertEqual(server.stop(), 0, server.stderr.suffix(1000).description)
    }

    func testTrackingServerAnswersEveryGeneratedRequestWithoutA5xx() throws {
        workspace = try CLI.makeWorkspace()
        let server = try ServeProcess([], in: workspace, command: "server")
        defer { server.stop() }
        let result = try run("mlflow-server.yaml", against: server.address, examples: 8)
        XCTAssertEqual(result.status, 0, "schemathesis found failures:\n\(result.stdout.suffix(6000))\n\(result.stderr.suffix(2000))")
        XCTAssertTrue(server.process.isRunning, "mldeck server died: \(server.stderr.suffix(1000))")
        XCTAssertEqual(server.stop(), 0, server.stderr.suffix(1000).description)
    }
}
