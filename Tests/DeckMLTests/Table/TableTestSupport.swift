import Foundation
@testable import DeckML
import XCTest

/// Paths and temporary files for the table, statistics and diff tests.
enum TableTestSupport {
    /// `../shared/data/NAME` beside the repository (CI keeps `shared/` next to the checkout).
    static func sharedData(_ name: String, file: StaticString = #filePath) -> String {
        var url = URL(fileURLWithPath: "\(file)")
        for _ in 0..<4 { url.deleteLastPathComponent() }
        let candidate = url.deletingLastPathComponent().appendingPathComponent("shared/data/\(name)").path
        if FileManager.default.fileExists(atPath: candidate) { return candidate }
        return "/work/shared/data/\(name)"
    }

    /// A bundled fixture file.
    static func fixture(_ name: String) throws -> URL {
        let base = (name as NSString).deletingPathExtension
        let ext = (name as NSString).pathExtension
        let url = Bundle.module.url(forResource: base, withExtension: ext, subdirectory: "Fixtures")
        return try XCTUnwrap(url, "missing fixture \(name)")
    }

    /// Writes `bytes` to a new temporary file with the given extension and returns its path.
    static func temp(_ bytes: [UInt8], ext: String = "csv") throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("deckml-tables-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let url = dir.appendingPathComponent("\(UUID().uuidString).\(ext)")
        try Data(bytes).write(to: url)
        return url.path
    }

    /// Writes UTF-8 `text` to a new temporary file.
    static func temp(_ text: String, ext: String = "csv") throws -> String {
        try temp(Array(text.utf8), ext: ext)
    }
}
