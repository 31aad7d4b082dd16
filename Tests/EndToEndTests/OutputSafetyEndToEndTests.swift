import Foundation
import XCTest

/// Every command that writes to a path the user gave (`datasets export`, `models export`,
/// `models predict --out`, `runs artifacts --out`) never deletes the store, a folder with other
/// files, or a FIFO, and overwrites nothing without `--force`. Errors are sentences, never a
/// Foundation error domain.
final class OutputSafetyEndToEndTests: XCTestCase {
    var workspace: URL!
    var store: URL { workspace.appendingPathComponent(".mldeck") }

    override func setUpWithError() throws {
        try XCTSkipUnless(FileManager.default.isExecutableFile(atPath: CLI.binary), "build mldeck first (make test does)")
        workspace = try CLI.makeWorkspace()
    }

    override func tearDown() { if let workspace { try? FileManager.default.removeItem(at: workspace) } }

    @discardableResult
    func mldeck(_ args: String..., status: Int32 = 0, file: StaticString = #filePath, line: UInt = #line) throws -> CLI.Result {
        let result = try CLI.run(args, in: workspace)
        XCTAssertEqual(result.status, status, "mldeck \(args.joined(separator: " "))\n\(result.stderr)", file: file, line: line)
        XCTAssertFalse(result.stderr.contains("Domain"), result.stderr, file: file, line: line)
        return result
    }

    func path(_ name: String) -> String { workspace.appendingPathComponent(name).path }
    func write(_ text: String, _ name: String) throws {
        try FileManager.default.createDirectory(at: workspace.appendingPathComponent(name).deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: workspace.appendingPathComponent(name))
    }
    func read(_ name: String) -> String? { try? String(contentsOfFile: path(name), encoding: .utf8) }
    func isFIFO(_ name: String) -> Bool { var info = stat(); return lstat(path(name), &info) == 0 && info.st_mode & S_IFMT == S_IFIFO }

    /// The store is whole: its database is there and `datasets list` still reads it.
    func assertStoreIntact(file: StaticString = #filePath, line: UInt = #line) throws {
        XCTAssertTrue(FileManager.default.fileExists(atPath: store.appendingPathComponent("mldeck.sqlite").path), file: file, line: line)
        let listed = try mldeck("datasets", "list", file: file, line: line)
        XCTAssertTrue(listed.stdout.contains("d"), listed.stdout, file: file, line: line)
    }

    func testDatasetsExportNeverDeletesTheStoreAForeignFolderOrAFIFO() throws {
        try write("a,b\n1,2\n", "data.csv")
        try mldeck("datasets", "add", "d", path("data.csv"))

        let refused = try mldeck("datasets", "export", "d", ".mldeck", "--force", status: 1)
        XCTAssertTrue(refused.stderr.contains("workspace's store"), refused.stderr)
        try mldeck("datasets", "export", "d", ".mldeck/objects", "--force", status: 1)
        try mldeck("datasets", "export", "d", ".mldeck/new.csv", status: 1)
        try mldeck("datasets", "export", "d", workspace.path, "--force", status: 1)
        try assertStoreIntact()

        try write("keep", "mine/notes.txt")
        let foreign = try mldeck("datasets", "export", "d", path("mine"), "--force", status: 1)
        XCTAssertTrue(foreign.stderr.contains("notes.txt"), foreign.stderr)
        XCTAssertEqual(read("mine/notes.txt"), "keep")

        XCTAssertEqual(mkfifo(path("pipe"), 0o644), 0)
        let fifo = try mldeck("datasets", "export", "d", path("pipe"), "--force", status: 1)
        XCTAssertTrue(fifo.stderr.contains("FIFO"), fifo.stderr)
        XCTAssertTrue(isFIFO("pipe"), "the FIFO is still there")

        try write("old", "out.csv")
        let exists = try mldeck("datasets", "export", "d", path("out.csv"), status: 1)
        XCTAssertTrue(exists.stderr.contains("--force"), exists.stderr)
        XCTAssertEqual(read("out.csv"), "old")
        try mldeck("datasets", "export", "d", path("out.csv"), "--force")
        XCTAssertEqual(read("out.csv"), "a,b\n1,2\n")

        // A folder version: its export can be replaced with --force until someone adds a file to it.
        try write("meow", "images/cats/1.txt")
        try mldeck("datasets", "add", "images", path("images"))
        try mldeck("datasets", "export", "images", path("copy"))
        try mldeck("datasets", "export", "images", path("copy"), status: 1)
        try mldeck("datasets", "export", "images", path("copy"), "--force")
        XCTAssertEqual(read("copy/cats/1.txt"), "meow")
        try mldeck("datasets", "add", "images", path("copy"))   // the marker is not data: same content, nothing recorded
        XCTAssertEqual(try XCTUnwrap(try CLI.json(["datasets", "log", "images"], in: workspace) as? [Any]).count, 1)
        try write("mine", "copy/added.txt")
        try mldeck("datasets", "export", "images", path("copy"), "--force", status: 1)
        XCTAssertEqual(read("copy/added.txt"), "mine")
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: workspace.path).filter { $0.contains("mldeck-partial") }
        XCTAssertEqual(leftovers, [])
    }

    func testModelsExportAndPredictOutRefuseToOverwrite() throws {
        let csv = try String(contentsOf: CLI.sharedData.appendingPathComponent("wa_churn.csv"), encoding: .utf8)
        try write(csv.split(separator: "\n", omittingEmptySubsequences: false).prefix(301).joined(separator: "\n") + "\n", "tiny.csv")
        try write("""
            pipelines:
              tiny:
                dataset: tiny.csv
                steps:
                  prepare:  {uses: split, with: {target: churn, test_size: 0.2, seed: 1}}
                  train:    {uses: xgboost, needs: [prepare], with: {rounds: 5, max_depth: 2}}
                  evaluate: {uses: evaluate, needs: [train]}
                  register: {uses: register, needs: [evaluate], with: {model: tiny}}
            """, "mldeck.yaml")
        try mldeck("run", "tiny")

        // models export
        try mldeck("models", "export", "tiny", path("export"))
        XCTAssertNotNil(read("export/model.json"))
        let again = try mldeck("models", "export", "tiny", path("export"), status: 1)
        XCTAssertTrue(again.stderr.contains("already exists"), again.stderr)
        try mldeck("models", "export", "tiny", path("export"), "--force")
        try write("x", "file.txt")
        let ontoFile = try mldeck("models", "export", "tiny", path("file.txt"), status: 1)
        XCTAssertTrue(ontoFile.stderr.contains("file.txt already exists"), ontoFile.stderr)
        XCTAssertEqual(read("file.txt"), "x")
        try write("keep", "mine/notes.txt")
        try mldeck("models", "export", "tiny", path("mine"), "--force", status: 1)
        XCTAssertEqual(read("mine/notes.txt"), "keep")
        try mldeck("models", "export", "tiny", ".mldeck", "--force", status: 1)
        try mldeck("models", "export", "tiny", ".mldeck/runs", "--force", status: 1)
        XCTAssertEqual(mkfifo(path("pipe"), 0o644), 0)
        try mldeck("models", "export", "tiny", path("pipe"), "--force", status: 1)
        XCTAssertTrue(isFIFO("pipe"))

        // models predict --out
        try mldeck("models", "predict", "tiny", path("tiny.csv"), "--out", path("pred.csv"))
        XCTAssertTrue(read("pred.csv")?.hasPrefix("rownames,prediction") ?? false)
        try write("old", "pred.csv")
        let exists = try mldeck("models", "predict", "tiny", path("tiny.csv"), "--out", path("pred.csv"), status: 1)
        XCTAssertTrue(exists.stderr.contains("--force"), exists.stderr)
        XCTAssertEqual(read("pred.csv"), "old")
        try mldeck("models", "predict", "tiny", path("tiny.csv"), "--out", path("pred.csv"), "--force")
        XCTAssertTrue(read("pred.csv")?.hasPrefix("rownames,prediction") ?? false)
        try mldeck("models", "predict", "tiny", path("tiny.csv"), "--out", path("pipe"), "--force", status: 1)
        try mldeck("models", "predict", "tiny", path("tiny.csv"), "--out", ".mldeck/mldeck.sqlite", "--force", status: 1)
        try mldeck("models", "predict", "tiny", path("tiny.csv"), "--out", path("mine"), "--force", status: 1)
        XCTAssertEqual(read("mine/notes.txt"), "keep")
        XCTAssertTrue(isFIFO("pipe"))
        try mldeck("models", "list")
    }

    func testRunsArtifactsOutRefusesToOverwrite() throws {
        try mldeck("track", "--name", "t", "--", "sh", "-c",
                   #"echo model > "$MLDECK_OUTPUT_DIR/model.txt"; echo '{"artifact":"model.txt"}' >> "$MLDECK_METRICS_FILE""#)
        try mldeck("runs", "artifacts", "t", "--out", path("out"))
        XCTAssertEqual(read("out/model.txt"), "model\n")
        try write("mine", "out/model.txt")
        let exists = try mldeck("runs", "artifacts", "t", "--out", path("out"), status: 1)
        XCTAssertTrue(exists.stderr.contains("--force"), exists.stderr)
        XCTAssertEqual(read("out/model.txt"), "mine")
        try mldeck("runs", "artifacts", "t", "--out", path("out"), "--force")
        XCTAssertEqual(read("out/model.txt"), "model\n")
        try mldeck("runs", "artifacts", "t", "--out", ".mldeck", "--force", status: 1)
        try mldeck("runs", "artifacts", "t", "--out", workspace.path, "--force")   // into the workspace folder, beside the store, is fine
        XCTAssertEqual(read("model.txt"), "model\n")
        try FileManager.default.createDirectory(atPath: path("fifo"), withIntermediateDirectories: true)
        XCTAssertEqual(mkfifo(path("fifo/model.txt"), 0o644), 0)
        let fifo = try mldeck("runs", "artifacts", "t", "--out", path("fifo"), "--force", status: 1)
        XCTAssertTrue(fifo.stderr.contains("FIFO"), fifo.stderr)
        XCTAssertTrue(isFIFO("fifo/model.txt"))
        try assertStoreIntact()
    }

    /// As root, permissions do not stop a write, so the unwritable place is a path under a regular file.
    func testFileSystemErrorsAreSentencesAboutTheInput() throws {
        try write("x", "file.txt")
        let result = try CLI.run(["init", path("file.txt/ws")])
        XCTAssertEqual(result.status, 1, result.stderr)
        XCTAssertFalse(result.stderr.contains("Domain"), result.stderr)
        XCTAssertTrue(result.stderr.contains("cannot create a workspace in \(path("file.txt/ws"))"), result.stderr)
        XCTAssertTrue(result.stderr.contains("is a file, not a folder"), result.stderr)

        // A Foundation error deeper down (reading an artifact that is a folder) is a sentence too.
        try mldeck("runs", "create", "--name", "s")
        let artifact = try mldeck("runs", "log", "s", "--artifact", workspace.path, status: 1)
        XCTAssertTrue(artifact.stderr.contains("\(workspace.path) is a folder, not a regular file"), artifact.stderr)

        try FileManager.default.createDirectory(atPath: path("theme.d"), withIntermediateDirectories: true)
        let themed = try mldeck("dashboard", "--headless", "100x30", "--theme", path("theme.d"))
        XCTAssertFalse(themed.stdout.contains("Domain"), themed.stdout)
        XCTAssertTrue(themed.stdout.contains("cannot read theme file: it is a folder"), themed.stdout)
    }
}
