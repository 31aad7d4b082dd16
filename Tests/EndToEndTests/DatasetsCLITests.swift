import Foundation
import XCTest

/// `mldeck datasets …`, `fsck` and `gc` driven through the real binary on ../shared/data.
final class DatasetsCLITests: XCTestCase {
    var root: URL!

    override func setUpWithError() throws { root = try DatasetsCLI.makeWorkspace() }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: root) }

    @discardableResult
    func mldeck(_ arguments: String..., status: Int32 = 0, file: StaticString = #filePath, line: UInt = #line) throws -> DatasetsCLI.Output {
        let result = try DatasetsCLI.run(arguments, in: root)
        XCTAssertEqual(result.status, status, "mldeck \(arguments.joined(separator: " "))\n\(result.stderr)", file: file, line: line)
        return result
    }

    func testChurnVersionsShowDiffExportAndTag() throws {
        let churn = try DatasetsCLI.sharedData("wa_churn.csv")
        try mldeck("datasets", "add", "churn", churn.path, "--key", "rownames", "-m", "from shared", "--tag", "source=shared")
        let again = try mldeck("datasets", "add", "churn", churn.path)
        XCTAssertTrue(again.stdout.contains("already has this content"), again.stdout)

        let list = try XCTUnwrap(try mldeck("datasets", "list", "--json").json() as? [[String: Any]])
        XCTAssertEqual(list.count, 1)
        XCTAssertEqual(list[0]["version_count"] as? Int, 1)
        let latest = try DatasetsCLI.object(list[0]["latest"])
        XCTAssertEqual(latest["rows"] as? Int, 7043)
        XCTAssertEqual(latest["columns"] as? Int, 21)
        XCTAssertEqual(latest["author"] as? String, "e2e-tester")
        XCTAssertEqual(latest["message"] as? String, "from shared")
        XCTAssertEqual(latest["tags"] as? [String: String], ["source": "shared"])

        // The profile agrees with pandas (Tests/DeckMLTests/Fixtures/profile_wa_churn.json, made by scripts/fixtures/make_profile_fixtures.py).
        let shown = try DatasetsCLI.object(try mldeck("datasets", "show", "churn", "--json").json())
        let profile = try DatasetsCLI.object(shown["profile"])
        XCTAssertEqual(profile["row_count"] as? Int, 7043)
        let columns = try XCTUnwrap(profile["columns"] as? [[String: Any]])
        let tenure = try XCTUnwrap(columns.first { $0["name"] as? String == "tenure" })
        XCTAssertEqual(try XCTUnwrap(tenure["mean"] as? Double), 32.37114865824223, accuracy: 1e-9)
        XCTAssertEqual(tenure["type"] as? String, "integer")

        // A second version: two cells edited, one row appended (same line endings).
        var text = try String(contentsOf: churn, encoding: .utf8)
        text = text.replacingOccurrences(of: "\n5,Yes,1,0,0,0,2,1,No,Fiber optic,No,No,No,No,No,No,Month-to-month,1,Electronic check,70.7,151.65\n",
                                         with: "\n5,Yes,1,0,0,0,2,1,No,Fiber optic,No,No,No,No,No,No,Month-to-month,1,Electronic check,99.5,151.65\n")
        text += "7044,No,0,0,1,1,12,1,No,DSL,Yes,No,No,No,No,No,One year,0,Mailed check,50.0,600.0\n"
        let edited = root.appendingPathComponent("churn-v2.csv")
        try Data(text.utf8).write(to: edited)
        let added = try DatasetsCLI.object(try mldeck("datasets", "add", "churn", edited.path, "--json").json())
        let v2 = try DatasetsCLI.object(added["version"])
        XCTAssertEqual(v2["number"] as? Int, 2)
        XCTAssertEqual(v2["parent"] as? Int, 1)
        XCTAssertLessThan(try XCTUnwrap(added["new_bytes"] as? Int), 200_000, "an edit and an append store only a few chunks")

        let diff = try DatasetsCLI.object(try mldeck("datasets", "diff", "churn@1", "churn@2", "--json").json())
        let table = try DatasetsCLI.object(diff["table"])
        XCTAssertEqual(table["key_columns"] as? [String], ["rownames"])
        XCTAssertEqual(table["rows_added"] as? Int, 1)
        XCTAssertEqual(table["rows_removed"] as? Int, 0)
        XCTAssertEqual(table["rows_changed"] as? Int, 1)
        let changed = try XCTUnwrap(table["changed_rows"] as? [[String: Any]])
        XCTAssertEqual(changed.first?["key"] as? [String], ["5"])
        let cells = try XCTUnwrap(changed.first?["cells"] as? [[String: Any]])
        XCTAssertEqual(cells.count, 1)
        XCTAssertEqual(cells.first?["column"] as? String, "monthly_charges")
        XCTAssertEqual(cells.first?["old"] as? String, "70.7")
        XCTAssertEqual(cells.first?["new"] as? String, "99.5")
        let textDiff = try mldeck("datasets", "diff", "churn@1", "churn@2").stdout
        XCTAssertTrue(textDiff.contains("monthly_charges: 70.7 → 99.5"), textDiff)

        // Export is byte-identical; hash prefixes name versions.
        let hash = try XCTUnwrap(latest["content_hash"] as? String)
        let out = root.appendingPathComponent("out.csv")
        try mldeck("datasets", "export", "churn@sha256:\(hash.prefix(8))", out.path)
        XCTAssertEqual(try Data(contentsOf: out), try Data(contentsOf: churn))
        try mldeck("datasets", "export", "churn@1", out.path, status: 1)
        try mldeck("datasets", "export", "churn@2", out.path, "--force")
        XCTAssertEqual(try Data(contentsOf: out), try Data(contentsOf: edited))

        try mldeck("datasets", "tag", "churn@1", "stage=raw")
        let log = try XCTUnwrap(try mldeck("datasets", "log", "churn", "--json").json() as? [[String: Any]])
        XCTAssertEqual(log.map { $0["number"] as? Int }, [2, 1])
        XCTAssertEqual(log[1]["tags"] as? [String: String], ["source": "shared", "stage": "raw"])

        try mldeck("datasets", "rm", "churn@2")
        try mldeck("fsck")
        let gc = try DatasetsCLI.object(try mldeck("gc", "--grace", "0", "--json").json())
        XCTAssertGreaterThan(try XCTUnwrap(gc["removed_objects"] as? Int), 0)
        let fsck = try DatasetsCLI.object(try mldeck("fsck", "--json").json())
        XCTAssertEqual(fsck["orphaned_count"] as? Int, 0)
        XCTAssertEqual(fsck["healthy"] as? Bool, true)
        try mldeck("datasets", "export", "churn", root.appendingPathComponent("again.csv").path)
        XCTAssertEqual(try Data(contentsOf: root.appendingPathComponent("again.csv")), try Data(contentsOf: churn))
    }

    func testAmesProfileMalformedTableAndDirectory() throws {
        let ames = try DatasetsCLI.sharedData("ames.csv")
        try mldeck("datasets", "add", "ames", ames.path)
        let shown = try DatasetsCLI.object(try mldeck("datasets", "show", "ames@1", "--json").json())
        XCTAssertEqual(shown["rows"] as? Int, 2930)
        XCTAssertEqual(shown["columns"] as? Int, 75)
        XCTAssertEqual((shown["schema"] as? [[String: Any]])?.count, 75)
        let text = try mldeck("datasets", "show", "ames").stdout
        XCTAssertTrue(text.contains("Sale_Price"), text)

        let bad = root.appendingPathComponent("bad.csv")
        try Data("a,b\n1,2\n3,\"never closed\n4,5\n".utf8).write(to: bad)
        let refused = try mldeck("datasets", "add", "bad", bad.path, status: 1)
        XCTAssertTrue(refused.stderr.contains("bad.csv:3:3"), refused.stderr)
        XCTAssertTrue(refused.stderr.contains("nothing was recorded"), refused.stderr)
        let names = try XCTUnwrap(try mldeck("datasets", "list", "--json").json() as? [[String: Any]]).compactMap { $0["name"] as? String }
        XCTAssertEqual(names, ["ames"])
        try mldeck("datasets", "add", "bad/name", ames.path, status: 1)

        let folder = root.appendingPathComponent("images")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("cats"), withIntermediateDirectories: true)
        try Data("meow".utf8).write(to: folder.appendingPathComponent("cats/1.txt"))
        try Data("purr".utf8).write(to: folder.appendingPathComponent("cats/2.txt"))
        try Data("woof".utf8).write(to: folder.appendingPathComponent("dog.txt"))
        try mldeck("datasets", "add", "images", folder.path)
        let dir = try DatasetsCLI.object(try mldeck("datasets", "show", "images", "--json").json())
        XCTAssertEqual(dir["format"] as? String, "directory")
        XCTAssertEqual(dir["file_count"] as? Int, 3)
        let copy = root.appendingPathComponent("copy")
        try mldeck("datasets", "export", "images", copy.path)
        XCTAssertEqual(try String(contentsOf: copy.appendingPathComponent("cats/2.txt"), encoding: .utf8), "purr")
        try Data("purr!".utf8).write(to: folder.appendingPathComponent("cats/2.txt"))
        try mldeck("datasets", "add", "images", folder.path)
        let files = try DatasetsCLI.object(try DatasetsCLI.object(try mldeck("datasets", "diff", "images@1", "images@2", "--json").json())["files"])
        XCTAssertEqual((files["modified"] as? [[String: Any]])?.compactMap { $0["path"] as? String }, ["cats/2.txt"])
    }

    func testFsckFailsOnACorruptedObject() throws {
        let ames = try DatasetsCLI.sharedData("ames.csv")
        try mldeck("datasets", "add", "ames", ames.path)
        // The add wrote one pack; its index's first entry (PackIndexFile's layout: 16-byte header,
        // then 32 digest bytes, offset and length, little-endian) says where one object's bytes are.
        let packs = root.appendingPathComponent(".mldeck/objects/pack")
        let index = try XCTUnwrap(try FileManager.default.contentsOfDirectory(atPath: packs.path).first { $0.hasSuffix(".idx") })
        let entry = try Data(contentsOf: packs.appendingPathComponent(index))[16..<64]
        let hex = entry.prefix(32).map { String(format: "%02x", $0) }.joined()
        let offset = entry.dropFirst(32).prefix(8).reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        let victim = packs.appendingPathComponent(String(index.dropLast(4)) + ".pack")
        chmod(victim.path, 0o644)
        let handle = try FileHandle(forUpdating: victim)
        try handle.seek(toOffset: offset)
        try handle.write(contentsOf: Data("not what it was".utf8))
        try handle.close()
        let result = try mldeck("fsck", status: 1)
        XCTAssertTrue(result.stdout.contains("corrupt  \(hex.prefix(12))"), result.stdout)
        XCTAssertTrue(result.stdout.contains("ames@1"), result.stdout)
        try mldeck("datasets", "export", "ames", root.appendingPathComponent("x.csv").path, status: 1)
    }
}
