import Foundation
import XCTest

/// Runs the built `mldeck` binary as a user would.
enum CLI {
    /// `<package root>/.build/debug/mldeck`, or `MLDECK_BINARY`.
    static var binary: String {
        if let path = ProcessInfo.processInfo.environment["MLDECK_BINARY"] { return path }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        return root.appendingPathComponent(".build/debug/mldeck").path
    }

    /// The shared data sets (`../shared/data` beside the checkout).
    static var sharedData: URL {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        for candidate in [root.deletingLastPathComponent().appendingPathComponent("shared/data"), URL(fileURLWithPath: "/work/shared/data")]
        where FileManager.default.fileExists(atPath: candidate.path) { return candidate }
        return root.deletingLastPathComponent().appendingPathComponent("shared/data")
    }

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs `mldeck ARGS` to its end.
    @discardableResult
    static func run(_ arguments: [String], in directory: URL? = nil, environment: [String: String] = [:], file: StaticString = #filePath, line: UInt = #line) throws -> Result {
        let process = start(arguments, in: directory, environment: environment)
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self), stderr: String(decoding: errData, as: UTF8.self))
    }

    /// A `Process` for `mldeck ARGS`, not started.
    static func start(_ arguments: [String], in directory: URL? = nil, environment: [String: String] = [:]) -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env["OMP_WAIT_POLICY"] = "passive"
        for (k, v) in environment { env[k] = v }
        process.environment = env
        if let directory { process.currentDirectoryURL = directory }
        return process
    }

    /// A new temporary workspace made with `mldeck init`.
    static func makeWorkspace(file: StaticString = #filePath, line: UInt = #line) throws -> URL {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("mldeck-e2e-\(UUID().uuidString)")
        let result = try run(["init", root.path])
        XCTAssertEqual(result.status, 0, result.stderr, file: file, line: line)
        return root
    }

    /// Polls `condition` every 20 ms for up to `timeout` seconds.
    static func waitFor(_ timeout: Double = 10, _ condition: () throws -> Bool) rethrows -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if try condition() { return true }
            usleep(20_000)
        }
        return try condition()
    }

    /// Decodes the JSON printed by a `--json` command.
    static func json(_ arguments: [String], in directory: URL) throws -> Any {
        let result = try run(arguments + ["--json"], in: directory)
        guard result.status == 0 else { throw NSError(domain: "cli", code: Int(result.status), userInfo: [NSLocalizedDescriptionKey: result.stderr]) }
        return try JSONSerialization.jsonObject(with: Data(result.stdout.utf8))
    }
}
