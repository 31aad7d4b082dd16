@testable import DeckStore
import Foundation
import XCTest

/// `SafeOutput`: the one way commands write to a path the user gave.
final class SafeOutputTests: XCTestCase {
    var root: URL!
    var state: URL { root.appendingPathComponent(".mldeck") }

    override func setUpWithError() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("mldeck-safe-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: state.appendingPathComponent("objects"), withIntermediateDirectories: true)
        try Data("db".utf8).write(to: state.appendingPathComponent("mldeck.sqlite"))
    }

    override func tearDown() { try? FileManager.default.removeItem(at: root) }

    func path(_ name: String) -> String { root.appendingPathComponent(name).path }
    func text(_ name: String) -> String? { try? String(contentsOfFile: path(name), encoding: .utf8) }
    func leftovers() throws -> [String] { try FileManager.default.contentsOfDirectory(atPath: root.path).filter { $0.contains("mldeck-partial") || $0.contains("mldeck-old") } }

    func writeFolder(_ name: String, force: Bool, files: [String: String]) throws {
        let out = try SafeOutput.prepare(path(name), kind: .folder, force: force, workspaceState: state)
        for (file, content) in files {
            let url = URL(fileURLWithPath: out.temporary).appendingPathComponent(file)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(content.utf8).write(to: url)
        }
        try out.commit()
    }

    func testANewFileIsWrittenAndNoTemporaryIsLeft() throws {
        try SafeOutput.write(Data("a".utf8), to: path("sub/out.csv"), force: false, workspaceState: state)
        XCTAssertEqual(text("sub/out.csv"), "a")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: path("sub")), ["out.csv"])
    }

    func testAnExistingFileIsKeptWithoutForceAndReplacedWithIt() throws {
        try Data("old".utf8).write(to: URL(fileURLWithPath: path("out.csv")))
        XCTAssertThrowsError(try SafeOutput.write(Data("new".utf8), to: path("out.csv"), force: false, workspaceState: state)) {
            XCTAssertEqual($0 as? OutputPathError, .exists(path: path("out.csv")))
            XCTAssertTrue("\($0)".contains("--force"))
        }
        XCTAssertEqual(text("out.csv"), "old")
        try SafeOutput.write(Data("new".utf8), to: path("out.csv"), force: true, workspaceState: state)
        XCTAssertEqual(text("out.csv"), "new")
        XCTAssertEqual(try leftovers(), [])
    }

    func testTheWorkspaceStoreIsNeverWrittenEvenWithForce() throws {
        for target in [state.path, state.appendingPathComponent("objects").path, state.appendingPathComponent("new.csv").path, root.path,
                       root.appendingPathComponent("./.mldeck/../.mldeck").path] {
            for kind in [SafeOutput.Kind.file, .folder] {
                XCTAssertThrowsError(try SafeOutput.prepare(target, kind: kind, force: true, workspaceState: state), target) {
                    guard case .workspaceState = $0 as? OutputPathError else { return XCTFail("\(target): \($0)") }
                }
            }
        }
        // Through a link to the store too.
        try FileManager.default.createSymbolicLink(atPath: path("link"), withDestinationPath: state.path)
        XCTAssertThrowsError(try SafeOutput.prepare(path("link/x.csv"), kind: .file, force: true, workspaceState: state))
        XCTAssertEqual(text(".mldeck/mldeck.sqlite"), "db")
    }

    func testAFolderWithForeignContentSurvivesForce() throws {
        try FileManager.default.createDirectory(atPath: path("mine"), withIntermediateDirectories: true)
        try Data("keep".utf8).write(to: URL(fileURLWithPath: path("mine/notes.txt")))
        for kind in [SafeOutput.Kind.file, .folder] {
            XCTAssertThrowsError(try SafeOutput.prepare(path("mine"), kind: kind, force: true, workspaceState: state)) {
                XCTAssertEqual($0 as? OutputPathError, .foreignContent(path: path("mine"), example: "notes.txt"))
            }
        }
        XCTAssertEqual(text("mine/notes.txt"), "keep")
        XCTAssertEqual(try leftovers(), [])
    }

    func testAFolderMldeckWroteIsReplacedWithForceUnlessSomethingWasAdded() throws {
        try writeFolder("export", force: false, files: ["model.json": "1", "sub/a.txt": "a"])
        XCTAssertTrue(FileManager.default.fileExists(atPath: path("export/\(SafeOutput.markerName)")))
        XCTAssertThrowsError(try writeFolder("export", force: false, files: ["model.json": "2"]))
        try writeFolder("export", force: true, files: ["model.json": "2"])
        XCTAssertEqual(text("export/model.json"), "2")
        XCTAssertNil(text("export/sub/a.txt"), "the old export was replaced as a whole")
        try Data("mine".utf8).write(to: URL(fileURLWithPath: path("export/added.txt")))
        XCTAssertThrowsError(try writeFolder("export", force: true, files: ["model.json": "3"])) {
            XCTAssertEqual($0 as? OutputPathError, .foreignContent(path: path("export"), example: "added.txt"))
        }
        XCTAssertEqual(text("export/added.txt"), "mine")
        XCTAssertEqual(try leftovers(), [])
    }

    func testAnExportWhoseFileBecameAFIFOIsNotReplaced() throws {
        try writeFolder("export", force: false, files: ["model.json": "1"])
        try FileManager.default.removeItem(atPath: path("export/model.json"))
        XCTAssertEqual(mkfifo(path("export/model.json"), 0o644), 0)
        XCTAssertThrowsError(try writeFolder("export", force: true, files: ["model.json": "2"])) {
            XCTAssertEqual($0 as? OutputPathError, .foreignContent(path: path("export"), example: "model.json"))
        }
        try FileManager.default.removeItem(atPath: path("export/\(SafeOutput.markerName)"))
        XCTAssertEqual(mkfifo(path("export/\(SafeOutput.markerName)"), 0o644), 0)
        XCTAssertThrowsError(try writeFolder("export", force: true, files: ["model.json": "2"]), "a FIFO marker is never opened")
    }

    func testAnEmptyFolderIsReplacedOnlyWithForce() throws {
        try FileManager.default.createDirectory(atPath: path("empty"), withIntermediateDirectories: true)
        XCTAssertThrowsError(try writeFolder("empty", force: false, files: ["a": "1"]))
        try writeFolder("empty", force: true, files: ["a": "1"])
        XCTAssertEqual(text("empty/a"), "1")
    }

    func testAFIFOIsNeverReplacedNorOpened() throws {
        XCTAssertEqual(mkfifo(path("pipe"), 0o644), 0)
        for kind in [SafeOutput.Kind.file, .folder] {
            XCTAssertThrowsError(try SafeOutput.prepare(path("pipe"), kind: kind, force: true, workspaceState: state)) {
                XCTAssertEqual($0 as? OutputPathError, .specialFile(path: path("pipe"), kind: "a FIFO (named pipe)"))
            }
        }
        var info = stat()
        XCTAssertEqual(lstat(path("pipe"), &info), 0)
        XCTAssertEqual(info.st_mode & S_IFMT, S_IFIFO)
    }

    func testADeviceIsNeverReplaced() throws {
        XCTAssertThrowsError(try SafeOutput.prepare("/dev/null", kind: .file, force: true, workspaceState: state)) {
            XCTAssertEqual($0 as? OutputPathError, .specialFile(path: "/dev/null", kind: "a device"))
        }
    }

    func testAForcedLinkIsReplacedNotFollowed() throws {
        try Data("target".utf8).write(to: URL(fileURLWithPath: path("target.txt")))
        try FileManager.default.createSymbolicLink(atPath: path("link.txt"), withDestinationPath: path("target.txt"))
        XCTAssertThrowsError(try SafeOutput.write(Data("new".utf8), to: path("link.txt"), force: false, workspaceState: state))
        try SafeOutput.write(Data("new".utf8), to: path("link.txt"), force: true, workspaceState: state)
        XCTAssertEqual(text("target.txt"), "target")
        XCTAssertEqual(text("link.txt"), "new")
    }

    func testStoredPathsMayNotPassThroughALinkBelowTheOutputFolder() throws {
        try FileManager.default.createDirectory(atPath: path("out"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: path("elsewhere"), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: path("out/sub"), withDestinationPath: path("elsewhere"))
        XCTAssertThrowsError(try SafeOutput.write(Data("x".utf8), to: path("out/sub/a.txt"), force: true, workspaceState: state, within: path("out"))) {
            XCTAssertEqual($0 as? OutputPathError, .linkInPath(path: path("out/sub/a.txt")))
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: path("elsewhere")), [])
    }

    func testAPathUnderARegularFileIsASentence() throws {
        try Data("x".utf8).write(to: URL(fileURLWithPath: path("file.txt")))
        XCTAssertThrowsError(try SafeOutput.write(Data("x".utf8), to: path("file.txt/out.csv"), force: true, workspaceState: state)) {
            XCTAssertTrue($0 is FileSystemError, "\($0)")
            XCTAssertTrue("\($0)".contains("file.txt"), "\($0)")
            XCTAssertFalse("\($0)".contains("Domain"), "\($0)")
        }
    }
}
