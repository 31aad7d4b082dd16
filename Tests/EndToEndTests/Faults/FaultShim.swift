import Foundation
import XCTest

/// The preloaded library of scripts/faults/faultshim.c, which makes `write`, `pwrite`, `fsync`,
/// `fdatasync` (and their vector forms) fail with ENOSPC or EIO on the files whose path contains a
/// pattern, after a budget of bytes. Built with gcc (a Makefile dependency) into
/// `.build/faultshim/`, again whenever the source is newer.
enum FaultShim {
    /// A full disk (`ENOSPC`) or a failing one (`EIO`).
    enum Kind: String { case full = "ENOSPC", io = "EIO" }

    static let source = RepositoryFiles.root.appendingPathComponent("scripts/faults/faultshim.c")
    static let library = RepositoryFiles.root.appendingPathComponent(".build/faultshim/faultshim.so")
    private static let lock = NSLock()

    /// The built library's path; builds it when missing or older than its source.
    static func built(file: StaticString = #filePath, line: UInt = #line) throws -> String {
        lock.lock(); defer { lock.unlock() }
        let fm = FileManager.default
        let sourceDate = try fm.attributesOfItem(atPath: source.path)[.modificationDate] as? Date ?? .distantFuture
        if let built = try? fm.attributesOfItem(atPath: library.path)[.modificationDate] as? Date, built >= sourceDate {
            return library.path
        }
        guard let gcc = ["/usr/bin/gcc", "/usr/bin/cc"].first(where: fm.isExecutableFile(atPath:)) else {
            XCTFail("gcc is needed to build the fault shim (`make deps` installs it)", file: file, line: line)
            throw XCTSkip("no gcc")
        }
        try fm.createDirectory(at: library.deletingLastPathComponent(), withIntermediateDirectories: true)
        let temp = library.path + ".\(getpid()).tmp"
        let result = try PythonEnvironment.run(gcc, ["-shared", "-fPIC", "-O2", "-Wall", "-o", temp, source.path, "-ldl"])
        guard result.status == 0 else {
            throw NSError(domain: "faultshim", code: 1, userInfo: [NSLocalizedDescriptionKey: "gcc failed: \(result.stderr)"])
        }
        guard rename(temp, library.path) == 0 else { throw NSError(domain: "faultshim", code: 2) }
        return library.path
    }

    /// The environment that arms the shim: files whose path contains `pattern` fail with `kind`
    /// once `afterBytes` bytes have been written to them; `log` collects one line per failure.
    /// With `syncOnly`, every write succeeds and every sync of such a file or folder fails (data
    /// lost at writeback, which only the fsync reports).
    static func environment(_ kind: Kind, pattern: String, afterBytes: Int = 0, log: URL? = nil,
                            syncOnly: Bool = false) throws -> [String: String] {
        var env = ["LD_PRELOAD": try built(), "MLDECK_FAULT_PATH": pattern, "MLDECK_FAULT_ERRNO": kind.rawValue,
                   "MLDECK_FAULT_AFTER_BYTES": String(afterBytes)]
        if let log { env["MLDECK_FAULT_LOG"] = log.path }
        if syncOnly { env["MLDECK_FAULT_SYNC"] = "only" }
        return env
    }

    /// The environment that makes every write and sync to files whose path contains `pattern`
    /// wait `milliseconds` and then succeed: a slow disk, not a failing one.
    static func slow(pattern: String, milliseconds: Int, log: URL) throws -> [String: String] {
        ["LD_PRELOAD": try built(), "MLDECK_FAULT_PATH": pattern, "MLDECK_FAULT_SLOW_MS": String(milliseconds), "MLDECK_FAULT_LOG": log.path]
    }

    /// The calls the shim slowed, from the log of ``slow(pattern:milliseconds:log:)``.
    static func slowed(_ log: URL) -> Int {
        ((try? String(contentsOf: log, encoding: .utf8)) ?? "").split(separator: "\n").filter { $0.contains(" slowed ") }.count
    }

    /// The words a user must see for `kind`.
    static func words(_ kind: Kind) -> String {
        kind == .full ? "no space left on the device" : "input/output error"
    }
}
