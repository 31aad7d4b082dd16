import XCTest
#if canImport(Glibc)
import Glibc
#endif
@testable import DeckTUI

final class BackendTests: XCTestCase {
    func testMemoryBackendKeepsACopyOfEachFrame() { MainActor.assumeIsolated {
        let backend = MemoryBackend(size: Size(width: 70, height: 12), colorDepth: .indexed256)
        let app = AppModel(panes: [FakePane("Runs")], size: backend.size)
        app.colorDepth = backend.colorDepth
        let canvas = Canvas(size: backend.size)
        backend.present(canvas, cursor: app.render(into: canvas))
        XCTAssertEqual(backend.frameCount, 1)
        XCTAssertTrue(backend.lines()[2].hasPrefix("│ alpha"))
        app.send(.char("j"))
        canvas.clear()                               // the stored frame is a copy
        XCTAssertTrue(backend.lines()[2].hasPrefix("│ alpha"))
        backend.present(canvas, cursor: app.render(into: canvas))
        XCTAssertEqual(backend.lastFrame?.style(at: Point(x: 2, y: 3)).bg, app.theme[.selection].bg)
        guard case .indexed = app.theme[.selection].bg else { return XCTFail("not resolved for 256 colours") }
        XCTAssertNil(backend.lastCursor)
    } }

    func testSessionRefusesWhenNotATerminal() throws { try MainActor.assumeIsolated {
        guard isatty(STDIN_FILENO) == 0 || isatty(STDOUT_FILENO) == 0 else {
            throw XCTSkip("running in a terminal")
        }
        XCTAssertThrowsError(try TerminalSession()) { error in
            XCTAssertEqual(error as? TerminalError, .notATerminal)
        }
    } }

    func testThemeFileTextRoundTrips() {
        let light = ThemeCatalog.loadFile(themesDirectory + "/light.theme").theme
        let (def, errors) = ThemeParser.parse(light.fileText(), file: "x", defaultName: "x")
        XCTAssertEqual(errors, [])
        XCTAssertEqual(Theme(def), light)
    }
}
