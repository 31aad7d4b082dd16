import Foundation
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// Runs the built `mldeck` binary for the dataset end-to-end tests.
enum DatasetsCLI {
    /// The result of one command.
    struct Output {
        var status: Int32
        var stdout: String
        var stderr: String

        /// stdout parsed as JSON.
        func json() throws -> Any { try JSONSerialization.jsonObject(with: Data(stdout.utf8)) }
    }

    /// `mldeck` next to the test bundle (`swift build` puts both in the same folder), or
    /// `.build/debug/mldeck` under the package root.
    static func binary(file: String = #filePath) throws -> String {
        if let env = ProcessInfo.processInfo.environment["MLDECK_BINARY"], FileManager.default.isExecutableFile(atPath: env) { return env }
        if let exe = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            let sibling = URL(fileURLWithPath: exe).deletingLastPathComponent().appendingPathComponent("mldeck").path
            if FileManager.default.isExecutableFile(atPath: sibling) { return sibling }
        }
        var folder = URL(fileURLWithPath: file).deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = folder.appendingPathComponent(".build/debug/mldeck").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            folder.deleteLastPathComponent()
        }
        throw CocoaError(.fileNoSuchFile, userInfo: [NSLocalizedDescriptionKey: "mldeck binary not found: run `swift build` first"])
    }

    /// Starts `mldeck ARGS` in `directory` with its output going to files; returns the process.
    static func start(_ arguments: [String], in directory: URL, outputs: (URL, URL)) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try binary())
        process.arguments = arguments
        process.currentDirectoryURL = directory
        var env = ProcessInfo.processInfo.environment
        env.removeValue(forKey: "MLDECK_WORKSPACE")
        env["USER"] = "e2e-tester"
        process.environment = env
        _ = FileManager.default.createFile(atPath: outputs.0.path, contents: nil)
        _ = FileManager.default.createFile(atPath: outputs.1.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: outputs.0)
        process.standardError = try FileHandle(forWritingTo: outputs.1)
        process.standardInput = FileHandle.nullDevice
        try process.run()
        return process
    }

    /// Runs `mldeck ARGS` in `directory` to its end.
    @discardableResult
    static func run(_ arguments: [String], in directory: URL) throws -> Output {
        let out = directory.appendingPathComponent(".e2e-\(UUID().uuidString).out")
        let err = directory.appendingPathComponent(".e2e-\(UUID().uuidString).err")
        defer { try? FileManager.default.removeItem(at: out); try? FileManager.default.removeItem(at: err) }
        let process = try start(arguments, in: directory, outputs: (out, err))
        process.waitUntilExit()
        return Output(status: process.terminationStatus,
                      stdout: (try? String(contentsOf: out, encoding: .utf8)) ?? "",
                      stderr: (try? String(contentsOf: err, encoding: .utf8)) ?? "")
    }

    /// A new temporary folder with `mldeck init` run in it.
    static func makeWorkspace() throws -> URL {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("mldeck-datasets-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        let result = try run(["init", root.path], in: root)
        guard result.status == 0 else { throw CocoaError(.fileWriteUnknown, userInfo: [NSLocalizedDescriptionKey: "mldeck init failed: \(result.stderr)"]) }
        return root
    }

    /// `../shared/data/NAME` (the real CSV files), found above the package.
    static func sharedData(_ name: String, file: String = #filePath) throws -> URL {
        var folder = URL(fileURLWithPath: file).deletingLastPathComponent()
        for _ in 0..<6 {
            let candidate = folder.appendingPathComponent("shared/data").appendingPathComponent(name)
            if FileManager.default.fileExists(atPath: candidate.path) { return candidate }
            folder.deleteLastPathComponent()
        }
        let fallback = URL(fileURLWithPath: "/work/shared/data").appendingPathComponent(name)
        if FileManager.default.fileExists(atPath: fallback.path) { return fallback }
        throw CocoaError(.fileNoSuchFile, userInfo: [NSLocalizedDescriptionKey: "shared data \(name) not found"])
    }

    /// A dictionary from JSON.
    static func object(_ any: Any?, file: StaticString = #filePath, line: UInt = #line) throws -> [String: Any] {
        try XCTUnwrap(any as? [String: Any], file: file, line: line)
    }
}
