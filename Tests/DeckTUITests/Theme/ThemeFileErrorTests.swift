import Foundation
import XCTest
@testable import DeckTUI

/// A theme path that is not a theme file gives a sentence, never `NSCocoaErrorDomain error 256`,
/// and a FIFO is never opened (it would block).
final class ThemeFileErrorTests: XCTestCase {
    func testAFolderOrAFIFOAsAThemeIsASentence() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("mldeck-theme-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        try FileManager.default.createDirectory(at: root.appendingPathComponent("dark.theme"), withIntermediateDirectories: true)
        XCTAssertEqual(mkfifo(root.appendingPathComponent("pipe.theme").path, 0o644), 0)
        let folder = ThemeCatalog.loadFile(root.appendingPathComponent("dark.theme").path)
        XCTAssertEqual(folder.errors.count, 1)
        let text = folder.errors[0].description
        XCTAssertFalse(text.contains("Domain"), text)
        XCTAssertTrue(text.contains("dark.theme: cannot read theme file: it is a folder"), text)
        let fifo = ThemeCatalog.standard(environment: [:], executablePath: nil).load(root.appendingPathComponent("pipe.theme").path)
        XCTAssertTrue(fifo.errors.first?.description.contains("not a regular file") ?? false, "\(fifo.errors)")
        let missing = ThemeCatalog.loadFile(root.appendingPathComponent("none.theme").path)
        XCTAssertTrue(missing.errors.first?.description.contains("no such file") ?? false, "\(missing.errors)")
    }
}
