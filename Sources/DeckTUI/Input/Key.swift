/// A mouse event in screen coordinates.
public struct MouseEvent: Hashable, Sendable {
    public enum Kind: Hashable, Sendable {
        case press, release, click, doubleClick, rightClick, wheelUp, wheelDown
    }
    public var kind: Kind
    public var x: Int
    public var y: Int
    public init(_ kind: Kind, x: Int, y: Int) { self.kind = kind; self.x = x; self.y = y }
}

/// One input event, decoded from `get_wch` (see ``KeyDecoder``).
public enum Key: Hashable, Sendable, CustomStringConvertible {
    case char(Character)
    case up, down, left, right
    case pageUp, pageDown, home, end
    case enter, escape, tab, backTab, backspace, delete, insert
    /// F1…F12 (`function(1)` is F1).
    case function(Int)
    /// Ctrl plus a letter, lower-case (`ctrl("d")` for Ctrl-D). Tab, Enter and Backspace are
    /// decoded as themselves, not as Ctrl-I/M/H.
    case ctrl(Character)
    case mouse(MouseEvent)
    /// The terminal changed size.
    case resize

    /// How the key is written in hints and help (`ctrl-d`, `↑`, `F5`, `space`).
    public var description: String {
        switch self {
        case .char(" "): return "space"
        case .char(let c): return String(c)
        case .up: return "↑"
        case .down: return "↓"
        case .left: return "←"
        case .right: return "→"
        case .pageUp: return "pgup"
        case .pageDown: return "pgdn"
        case .home: return "home"
        case .end: return "end"
        case .enter: return "enter"
        case .escape: return "esc"
        case .tab: return "tab"
        case .backTab: return "shift-tab"
        case .backspace: return "backspace"
        case .delete: return "del"
        case .insert: return "ins"
        case .function(let n): return "F\(n)"
        case .ctrl(let c): return "ctrl-\(c)"
        case .mouse(let m): return "mouse \(m.kind) at \(m.x),\(m.y)"
        case .resize: return "resize"
        }
    }

    /// Parses the spelling used in key-binding data: a single character, `space`, `enter`, `esc`,
    /// `tab`, `shift-tab`, `up`/`down`/`left`/`right` (or arrows), `pgup`, `pgdn`, `home`, `end`,
    /// `backspace`, `del`, `ins`, `F1`…`F12`, `ctrl-x`.
    public init?(_ spec: String) {
        let s = spec.lowercased()
        switch s {
        case "space": self = .char(" "); return
        case "enter", "return": self = .enter; return
        case "esc", "escape": self = .escape; return
        case "tab": self = .tab; return
        case "shift-tab", "backtab": self = .backTab; return
        case "up", "↑": self = .up; return
        case "down", "↓": self = .down; return
        case "left", "←": self = .left; return
        case "right", "→": self = .right; return
        case "pgup", "pageup": self = .pageUp; return
        case "pgdn", "pagedown": self = .pageDown; return
        case "home": self = .home; return
        case "end": self = .end; return
        case "backspace": self = .backspace; return
        case "del", "delete": self = .delete; return
        case "ins", "insert": self = .insert; return
        default: break
        }
        if spec.count == 1 { self = .char(spec.first!); return }
        if s.hasPrefix("ctrl-"), s.count == 6 { self = .ctrl(s.last!); return }
        if s.hasPrefix("f"), let n = Int(s.dropFirst()), (1...24).contains(n) { self = .function(n); return }
        return nil
    }
}
