import Foundation
import XCTest

/// The Python that tests compare MLDeck with: the virtual environment `make test` makes in
/// `.build/venv` with the pinned packages of `scripts/requirements-test.txt`, found through
/// `MLDECK_PYTHON` (which the Makefile exports). A test that needs it and cannot find it, or
/// finds it without the packages, fails; only `MLDECK_OFFLINE=1` turns that into a skip.
enum PythonEnvironment {
    /// What a test needing Python reports when it is not there.
    struct Missing: Error, CustomStringConvertible {
        var description: String
    }

    /// The modules every test using this environment may import.
    static let modules = ["xgboost", "pandas", "sklearn", "numpy"]

    /// The interpreter: `MLDECK_PYTHON`, else `.build/venv/bin/python` of this checkout.
    static var interpreterPath: String {
        if let path = ProcessInfo.processInfo.environment["MLDECK_PYTHON"], !path.isEmpty { return path }
        return RepositoryFiles.root.appendingPathComponent(".build/venv/bin/python").path
    }

    static var offline: Bool { ProcessInfo.processInfo.environment["MLDECK_OFFLINE"] == "1" }

    /// The interpreter's path once it imports ``modules``. Throws `XCTSkip` under
    /// `MLDECK_OFFLINE=1`, otherwise an error that fails the test and says how to get it.
    static func interpreter() throws -> String {
        let path = interpreterPath
        var problem: String?
        if !FileManager.default.isExecutableFile(atPath: path) {
            problem = "no Python interpreter at \(path)"
        } else {
            let result = try run(path, ["-c", "import " + modules.joined(separator: ", ")])
            if result.status != 0 {
                problem = "\(path) cannot import \(modules.joined(separator: ", ")): \(result.stderr.split(separator: "\n").last ?? "")"
            }
        }
        guard let problem else { return path }
        let fix = "run `make test` (it makes .build/venv from scripts/requirements-test.txt), or set MLDECK_PYTHON to a Python with those packages"
        if offline { throw XCTSkip("\(problem) (MLDECK_OFFLINE=1)") }
        throw Missing(description: "\(problem); \(fix); MLDECK_OFFLINE=1 skips this test")
    }

    /// ``interpreter()`` once it also imports mlflow (pinned in scripts/requirements-test.txt).
    static func mlflowInterpreter() throws -> String {
        let python = try interpreter()
        let probe = try run(python, ["-c", "import mlflow"])
        if probe.status != 0 {
            let problem = "\(python) cannot import mlflow (pinned in scripts/requirements-test.txt; `make venv` installs it)"
            if offline { throw XCTSkip(problem) }
            throw Missing(description: problem)
        }
        return python
    }

    /// Runs the interpreter (or `executable`) to its end.
    static func run(_ executable: String, _ arguments: [String], in directory: URL? = nil,
                    environment: [String: String] = [:]) throws -> CLI.Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env["OMP_WAIT_POLICY"] = "passive"
        for (k, v) in environment { env[k] = v }
        process.environment = env
        if let directory { process.currentDirectoryURL = directory }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Both pipes are drained at once, so neither fills up and stalls the child.
        let errBox = DataBox()
        let group = DispatchGroup()
        DispatchQueue.global().async(group: group) { errBox.data = err.fileHandleForReading.readDataToEndOfFile() }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        let errData = errBox.data
        process.waitUntilExit()
        return CLI.Result(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                          stderr: String(decoding: errData, as: UTF8.self))
    }
}

private final class DataBox: @unchecked Sendable {
    var data = Data()
}
