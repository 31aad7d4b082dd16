import XCTest
@testable import DeckTUI

/// Draws into a fresh canvas and returns it.
func draw(_ width: Int, _ height: Int, _ body: (Region) -> Void) -> Canvas {
    CharWidth.ensureUTF8Locale()
    let c = Canvas(width: width, height: height)
    body(c.region)
    return c
}

/// Compares screens line by line with a readable failure message.
func assertLines(_ canvas: Canvas, _ expected: [String], _ message: String = "", file: StaticString = #filePath, line: UInt = #line) {
    let got = canvas.trimmedLines()
    if got != expected {
        let diff = zip(got + Array(repeating: "<none>", count: max(0, expected.count - got.count)),
                       expected + Array(repeating: "<none>", count: max(0, got.count - expected.count)))
            .enumerated().map { i, p in p.0 == p.1 ? "  \(i): \(p.0)" : "✗ \(i): got  |\(p.0)|\n     want |\(p.1)|" }
        XCTFail("screen differs \(message):\n" + diff.joined(separator: "\n"), file: file, line: line)
    }
}

let theme = Theme.defaultTheme

/// The repository's `themes/` folder.
let themesDirectory: String = {
    var url = URL(fileURLWithPath: #filePath)
    while url.path != "/" {
        url.deleteLastPathComponent()
        let candidate = url.appendingPathComponent("themes/default.theme")
        if FileManager.default.fileExists(atPath: candidate.path) { return url.appendingPathComponent("themes").path }
    }
    // The dev package symlinks the tests; fall back to the main tree.
    return "/work/main/themes"
}()

extension View {
    /// Sends a key as the app does (binding action first, then `handle`); the effect, if any.
    @discardableResult
    func press(_ key: Key) -> Effect? {
        if case .effect(let e) = perform(key) { return e }
        return nil
    }
}
