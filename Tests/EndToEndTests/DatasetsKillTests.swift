import DeckStore
import Foundation
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// `kill -9` at any moment of `mldeck datasets add` leaves the registry as it was (or, past the
/// commit, with the whole new version), never a version pointing to missing bytes; `gc` then
/// removes the orphans and `fsck` finds nothing wrong.
final class DatasetsKillTests: XCTestCase {
    /// A file unlike any other attempt's: random bytes, or a CSV of random numbers.
    func makeInput(_ url: URL, attempt: Int, table: Bool) throws {
        var state = UInt64(attempt) &* 0x9E37_79B9_7F4A_7C15 &+ 12345
        func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        var bytes: [UInt8] = []
        if table {
            bytes.append(contentsOf: "id,a,b,c\n".utf8)
            var i = 0
            while bytes.count < 6_000_000 {
                bytes.append(contentsOf: "\(i),\(next() % 100000),\(Double(next() % 1_000_000) / 1000),x\(next() % 50)\n".utf8)
                i += 1
            }
        } else {
            bytes.reserveCapacity(40 << 20)
            for _ in 0..<(40 << 20) / 8 { withUnsafeBytes(of: next()) { bytes.append(contentsOf: $0) } }
        }
        try Data(bytes).write(to: url)
    }

    func versions(_ root: URL, _ name: String) throws -> [DatasetVersionRecord] {
        let store = try DeckStore.open(Workspace(root: root), reapDeadRuns: false)
        return (try? store.datasetVersions(name)) ?? []
    }

    func testKillNineAtAnyMomentLeavesTheRegistryWhole() throws {
        let root = try DatasetsCLI.makeWorkspace()
        defer { try? FileManager.default.removeItem(at: root) }
        let seed = root.appendingPathComponent("seed.txt")
        try Data("first version\n".utf8).write(to: seed)
        XCTAssertEqual(try DatasetsCLI.run(["datasets", "add", "big", seed.path], in: root).status, 0)
        XCTAssertEqual(try DatasetsCLI.run(["datasets", "add", "rows", seed.path, "--format", "csv"], in: root).status, 0)

        // How long an unkilled add takes, to spread the kills over it.
        let probe = root.appendingPathComponent("probe.bin")
        try makeInput(probe, attempt: 999, table: false)
        let started = Date()
        XCTAssertEqual(try DatasetsCLI.run(["datasets", "add", "probe", probe.path], in: root).status, 0)
        let duration = max(0.2, Date().timeIntervalSince(started))

        let fractions = [0.02, 0.1, 0.25, 0.4, 0.55, 0.7, 0.85, 0.95, 1.05]
        var completed = 0
        for (attempt, fraction) in fractions.enumerated() {
            let table = attempt % 3 == 2
            let name = table ? "rows" : "big"
            let input = root.appendingPathComponent("input-\(attempt).\(table ? "csv" : "bin")")
            try makeInput(input, attempt: attempt, table: table)
            let before = try versions(root, name)
            let out = root.appendingPathComponent("kill-\(attempt).out"), err = root.appendingPathComponent("kill-\(attempt).err")
            let process = try DatasetsCLI.start(["datasets", "add", name, input.path, "--quiet"], in: root, outputs: (out, err))
            Thread.sleep(forTimeInterval: duration * fraction)
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            let after = try versions(root, name)
            XCTAssertEqual(Array(after.prefix(before.count)).map(\.contentHash), before.map(\.contentHash), "attempt \(attempt): earlier versions changed")
            XCTAssertLessThanOrEqual(after.count, before.count + 1)
            if after.count == before.count + 1 {
                completed += 1
                let exported = root.appendingPathComponent("exported-\(attempt)")
                let export = try DatasetsCLI.run(["datasets", "export", "\(name)@\(after.last!.number)", exported.path], in: root)
                XCTAssertEqual(export.status, 0, export.stderr)
                XCTAssertEqual(try Data(contentsOf: exported), try Data(contentsOf: input), "attempt \(attempt): a recorded version must be whole")
            }
            let fsck = try DatasetsCLI.run(["fsck", "--json"], in: root)
            XCTAssertEqual(fsck.status, 0, "attempt \(attempt) (killed at \(Int(fraction * 100))%): \(fsck.stdout)")
        }
        // Some kills must land mid-add, or the test proves nothing.
        XCTAssertLessThan(completed, fractions.count, "every add finished before its kill")

        XCTAssertEqual(try DatasetsCLI.run(["gc", "--grace", "0"], in: root).status, 0)
        let fsck = try DatasetsCLI.run(["fsck", "--json"], in: root)
        XCTAssertEqual(fsck.status, 0, fsck.stdout)
        let report = try DatasetsCLI.object(try fsck.json())
        XCTAssertEqual(report["orphaned_count"] as? Int, 0)
        for name in ["big", "rows", "probe"] {
            for v in try versions(root, name) {
                let out = root.appendingPathComponent("final-\(name)-\(v.number)")
                XCTAssertEqual(try DatasetsCLI.run(["datasets", "export", "\(name)@\(v.number)", out.path], in: root).status, 0)
            }
        }
        let tmp = try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent(".mldeck/tmp").path)
        XCTAssertLessThanOrEqual(tmp.count, 4 * fractions.count, "a killed add leaves at most a few temporary files: \(tmp)")
    }
}
