import XCTest
import CNCurses
@testable import DeckTUI

final class KeyTests: XCTestCase {
    func testDecodesCharactersAndControlKeys() {
        XCTAssertEqual(KeyDecoder.decode(status: OK, code: 0x6A), .char("j"))
        XCTAssertEqual(KeyDecoder.decode(status: OK, code: 0xE9), .char("é"))
        XCTAssertEqual(KeyDecoder.decode(status: OK, code: 0x28FF), .char("⣿"))
        XCTAssertEqual(KeyDecoder.decode(status: OK, code: 9), .tab)
        XCTAssertEqual(KeyDecoder.decode(status: OK, code: 13), .enter)
        XCTAssertEqual(KeyDecoder.decode(status: OK, code: 10), .enter)
        XCTAssertEqual(KeyDecoder.decode(status: OK, code: 27), .escape)
        XCTAssertEqual(KeyDecoder.decode(status: OK, code: 127), .backspace)
        XCTAssertEqual(KeyDecoder.decode(status: OK, code: 4), .ctrl("d"))
        XCTAssertEqual(KeyDecoder.decode(status: OK, code: 3), .ctrl("c"))
        XCTAssertNil(KeyDecoder.decode(status: ERR, code: 0))
    }

    func testDecodesKeyCodes() {
        let yes = KEY_CODE_YES
        XCTAssertEqual(KeyDecoder.decode(status: yes, code: UInt32(KEY_UP)), .up)
        XCTAssertEqual(KeyDecoder.decode(status: yes, code: UInt32(KEY_NPAGE)), .pageDown)
        XCTAssertEqual(KeyDecoder.decode(status: yes, code: UInt32(KEY_PPAGE)), .pageUp)
        XCTAssertEqual(KeyDecoder.decode(status: yes, code: UInt32(KEY_HOME)), .home)
        XCTAssertEqual(KeyDecoder.decode(status: yes, code: UInt32(KEY_END)), .end)
        XCTAssertEqual(KeyDecoder.decode(status: yes, code: UInt32(KEY_BTAB)), .backTab)
        XCTAssertEqual(KeyDecoder.decode(status: yes, code: UInt32(KEY_RESIZE)), .resize)
        XCTAssertEqual(KeyDecoder.decode(status: yes, code: UInt32(nc_key_f(5))), .function(5))
        XCTAssertEqual(KeyDecoder.decode(status: yes, code: UInt32(KEY_BACKSPACE)), .backspace)
        XCTAssertEqual(KeyDecoder.decode(status: yes, code: UInt32(KEY_DC)), .delete)
        let click = KeyDecoder.decode(status: yes, code: UInt32(KEY_MOUSE)) { MouseEvent(.click, x: 3, y: 4) }
        XCTAssertEqual(click, .mouse(MouseEvent(.click, x: 3, y: 4)))
        XCTAssertNil(KeyDecoder.decode(status: yes, code: UInt32(KEY_MOUSE)) { nil })
    }

    func testMouseMaskClassification() {
        XCTAssertEqual(KeyDecoder.mouseKind(bstate: UInt32(nc_button4_pressed())), .wheelUp)
        XCTAssertEqual(KeyDecoder.mouseKind(bstate: UInt32(nc_button5_pressed())), .wheelDown)
        XCTAssertEqual(KeyDecoder.mouseKind(bstate: UInt32(nc_button1_pressed())), .press)
        XCTAssertEqual(KeyDecoder.mouseKind(bstate: UInt32(nc_button1_clicked())), .click)
        XCTAssertNil(KeyDecoder.mouseKind(bstate: 0))
    }

    func testKeySpellingsRoundTrip() {
        for spec in ["j", "space", "enter", "esc", "tab", "shift-tab", "pgup", "pgdn", "home", "end", "ctrl-d", "F5", "del", "?"] {
            let key = Key(spec)
            XCTAssertNotNil(key, spec)
        }
        XCTAssertEqual(Key("ctrl-d"), .ctrl("d"))
        XCTAssertEqual(Key("F12"), .function(12))
        XCTAssertEqual(Key("up"), .up)
        XCTAssertNil(Key("hyper-x"))
        XCTAssertEqual(Key.ctrl("d").description, "ctrl-d")
        XCTAssertEqual(Key.char(" ").description, "space")
        XCTAssertEqual(Key.up.description, "↑")
    }

    func testBindingRefusal() {
        let kill = KeyBinding("K", "Kill run", dangerous: true)
        XCTAssertNil(kill.refusal(readOnly: false))
        XCTAssertEqual(kill.refusal(readOnly: true), "read-only mode: 'Kill run' is disabled")
        let off = KeyBinding("c", "Compare", disabledReason: "mark two runs first")
        XCTAssertEqual(off.refusal(readOnly: false), "mark two runs first")
    }
}
