import XCTest
@testable import DeckTUI

final class ColorDepthTests: XCTestCase {
    func testDetection() {
        XCTAssertEqual(ColorDepth.detect(hasColors: true, colors: 256, directColor: false, noColor: nil), .indexed256)
        XCTAssertEqual(ColorDepth.detect(hasColors: true, colors: 0x1000000, directColor: true, noColor: nil), .trueColor)
        XCTAssertEqual(ColorDepth.detect(hasColors: true, colors: 256, directColor: true, noColor: nil), .indexed256)
        XCTAssertEqual(ColorDepth.detect(hasColors: true, colors: 8, directColor: false, noColor: nil), .ansi8)
        XCTAssertEqual(ColorDepth.detect(hasColors: true, colors: 16, directColor: false, noColor: nil), .ansi16)
        XCTAssertEqual(ColorDepth.detect(hasColors: true, colors: 256, directColor: false, noColor: "1"), .monochrome)
        XCTAssertEqual(ColorDepth.detect(hasColors: true, colors: 256, directColor: false, noColor: ""), .indexed256,
                       "an empty NO_COLOR does not disable colour")
        XCTAssertEqual(ColorDepth.detect(hasColors: false, colors: 0, directColor: false, noColor: nil), .monochrome)
    }

    func testTrueColorTo256FollowsBtop() {
        // Reference values computed by hand with btop's formula (btop_theme.cpp truecolor_to_256).
        XCTAssertEqual(ColorDepth.indexed256.degrade(.rgb(0x3b, 0x42, 0x61)), .indexed(60))  // 16 + 36·1 + 6·1 + 2
        XCTAssertEqual(ColorDepth.indexed256.degrade(.rgb(0x7a, 0xa2, 0xf7)), .indexed(111))  // 16 + 36·2 + 6·3 + 5
        XCTAssertEqual(ColorDepth.indexed256.degrade(.rgb(128, 128, 128)), .indexed(244))
        XCTAssertEqual(ColorDepth.indexed256.degrade(.rgb(0, 0, 0)), .indexed(232))
        XCTAssertEqual(ColorDepth.indexed256.degrade(.rgb(255, 255, 255)), .indexed(255))
        XCTAssertEqual(ColorDepth.indexed256.degrade(.rgb(255, 0, 0)), .indexed(196))
        XCTAssertEqual(ColorDepth.indexed256.degrade(.indexed(100)), .indexed(100))
        XCTAssertEqual(ColorDepth.trueColor.degrade(.rgb(1, 2, 3)), .rgb(1, 2, 3))
    }

    func testDegradeTo16And8() {
        XCTAssertEqual(ColorDepth.ansi16.degrade(.rgb(250, 10, 10)), .indexed(9))   // bright red
        XCTAssertEqual(ColorDepth.ansi16.degrade(.rgb(200, 0, 0)), .indexed(1))     // red
        XCTAssertEqual(ColorDepth.ansi16.degrade(.indexed(196)), .indexed(9))       // cube red → bright red
        XCTAssertEqual(ColorDepth.ansi16.degrade(.indexed(4)), .indexed(4))
        XCTAssertEqual(ColorDepth.ansi16.degrade(.indexed(236)), .indexed(0))       // dark grey → black
        XCTAssertEqual(ColorDepth.ansi8.degrade(.rgb(250, 10, 10)), .indexed(1))    // bright folds to normal
        XCTAssertEqual(ColorDepth.ansi8.degrade(.indexed(12)), .indexed(4))
        XCTAssertEqual(ColorDepth.monochrome.degrade(.rgb(1, 2, 3)), .terminalDefault)
        XCTAssertEqual(ColorDepth.ansi8.degrade(.terminalDefault), .terminalDefault)
    }

    func testChainTrueColorTo256To16To8IsConsistent() {
        for c in [Color.rgb(0x9e, 0xce, 0x6a), .rgb(0xf7, 0x76, 0x8e), .rgb(0x1a, 0x1b, 0x26)] {
            guard case .indexed(let i256) = ColorDepth.indexed256.degrade(c) else { return XCTFail() }
            XCTAssertTrue(i256 >= 16)
            guard case .indexed(let i16) = ColorDepth.ansi16.degrade(c) else { return XCTFail() }
            XCTAssertTrue(i16 < 16)
            XCTAssertEqual(ColorDepth.ansi8.degrade(c), .indexed(i16 % 8))
        }
    }

    func testResolvedThemeMonochromeKeepsSelectionVisible() {
        let mono = Theme.defaultTheme.resolved(for: .monochrome)
        XCTAssertEqual(mono[.selection], Style(attributes: .reverse))
        XCTAssertTrue(mono[.statusFailed].attributes.contains(.bold))
        XCTAssertEqual(mono[.text], Style())
        let t256 = Theme.defaultTheme.resolved(for: .indexed256)
        XCTAssertEqual(t256[.selection].bg, .indexed(60))
        XCTAssertEqual(t256.depth, .indexed256)
    }
}
