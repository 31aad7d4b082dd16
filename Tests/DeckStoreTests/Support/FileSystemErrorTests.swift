@testable import DeckStore
import Foundation
import XCTest

/// Foundation's file errors become sentences naming the path, never `NSCocoaErrorDomain error 256`.
final class FileSystemErrorTests: XCTestCase {
    func testFoundationErrorsAreWrappedAsSentences() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("mldeck-fserr-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        let file = root.appendingPathComponent("file.txt")
        try Data("x".utf8).write(to: file)
        let target = file.appendingPathComponent("ws").path
        do {
            try FileSystemError.wrapping(path: target, operation: "create a workspace in") {
                try FileManager.default.createDirectory(atPath: target, withIntermediateDirectories: true)
            }
            XCTFail("a folder under a file cannot be created")
        } catch {
            let text = "\(error)"
            XCTAssertTrue(error is FileSystemError, text)
            XCTAssertTrue(text.hasPrefix("cannot create a workspace in "), text)
            XCTAssertTrue(text.contains("file.txt"), text)
            XCTAssertFalse(text.contains("Domain"), text)
        }
        do {
            _ = try FileSystemError.wrapping(path: root.path, operation: "read") { try String(contentsOfFile: root.path, encoding: .utf8) }
            XCTFail("a folder is not a text file")
        } catch {
            XCTAssertFalse("\(error)".contains("Domain"), "\(error)")
            XCTAssertTrue("\(error)".contains(root.path), "\(error)")
        }
    }

    func testOwnErrorsPassThroughAndAnyFoundationErrorHasASentence() {
        let own = OutputPathError.exists(path: "/x")
        XCTAssertEqual(FileSystemError.wrap(own, path: "/y", operation: "write") as? OutputPathError, own)
        XCTAssertFalse(FileSystemError.isFoundationError(own))
        let cocoa = CocoaError(.fileReadUnknown)
        XCTAssertTrue(FileSystemError.isFoundationError(cocoa))
        XCTAssertFalse(FileSystemError.describe(cocoa).contains("Domain"))
        let ns = NSError(domain: NSCocoaErrorDomain, code: 256, userInfo: [NSFilePathErrorKey: "/tmp/t.theme"])
        XCTAssertTrue(FileSystemError.isFoundationError(ns))
        XCTAssertEqual(FileSystemError.describe(ns), "a file operation on /tmp/t.theme failed: it could not be read (is it a folder, or a special file?)")
        XCTAssertEqual(FileSystemError.describe(POSIXError(.EACCES)), "a file operation failed: permission denied")
    }
}
