import CNCurses

/// Turns what `get_wch` returned into a ``Key``. Pure, so it is tested without a terminal.
public enum KeyDecoder {
    /// - Parameters:
    ///   - status: the return of `get_wch`: `OK` (a character), `KEY_CODE_YES` (a `KEY_*` code) or `ERR`.
    ///   - code: the `wint_t` it filled in.
    ///   - mouse: called for `KEY_MOUSE` to fetch the event (`getmouse`); nil when none.
    /// - Returns: nil for `ERR`, unknown codes, or a mouse event nobody asked for.
    public static func decode(status: Int32, code: UInt32, mouse: () -> MouseEvent? = { nil }) -> Key? {
        if status == KEY_CODE_YES { return decodeKeyCode(Int32(bitPattern: code), mouse: mouse) }
        guard status == OK else { return nil }
        switch code {
        case 9: return .tab
        case 10, 13: return .enter
        case 27: return .escape
        case 8, 127: return .backspace
        case 0: return .ctrl(" ")
        case 1...26: return .ctrl(Character(Unicode.Scalar(code + 96)!))
        case 28...31: return nil
        default:
            guard let scalar = Unicode.Scalar(code) else { return nil }
            return .char(Character(scalar))
        }
    }

    static func decodeKeyCode(_ k: Int32, mouse: () -> MouseEvent?) -> Key? {
        switch k {
        case KEY_UP: return .up
        case KEY_DOWN: return .down
        case KEY_LEFT: return .left
        case KEY_RIGHT: return .right
        case KEY_PPAGE: return .pageUp
        case KEY_NPAGE: return .pageDown
        case KEY_HOME: return .home
        case KEY_END: return .end
        case KEY_ENTER: return .enter
        case KEY_BTAB: return .backTab
        case KEY_BACKSPACE: return .backspace
        case KEY_DC: return .delete
        case KEY_IC: return .insert
        case KEY_RESIZE: return .resize
        case KEY_MOUSE: return mouse().map { .mouse($0) }
        default:
            let f = k - KEY_F0
            if f >= 1 && f <= 24 { return .function(Int(f)) }
            return nil
        }
    }

    /// Classifies an ncurses mouse `bstate`.
    public static func mouseKind(bstate: UInt32) -> MouseEvent.Kind? {
        let b = mmask_t(bstate)
        if b & nc_button4_pressed() != 0 { return .wheelUp }
        if b & nc_button5_pressed() != 0 { return .wheelDown }
        if b & nc_button1_double_clicked() != 0 { return .doubleClick }
        if b & nc_button1_clicked() != 0 { return .click }
        if b & nc_button1_pressed() != 0 { return .press }
        if b & nc_button1_released() != 0 { return .release }
        if b & (nc_button3_pressed() | nc_button3_clicked()) != 0 { return .rightClick }
        return nil
    }
}
