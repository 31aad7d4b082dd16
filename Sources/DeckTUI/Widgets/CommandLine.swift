/// The `:` command line: an editable line with completion candidates.
///
/// Keys: printable characters insert, ←/→/Home/End/ctrl-a/ctrl-e move, Backspace/Del/ctrl-u/ctrl-w
/// edit, Tab/shift-Tab cycle through candidates (the selected one replaces the text),
/// ↑/↓ browse history, Enter submits, Esc cancels.
public struct CommandLineState: Sendable, Equatable {
    public enum Outcome: Sendable, Equatable {
        case submit(String)
        case cancel
    }

    public var prompt: String
    public private(set) var text: String = ""
    /// Cursor position in characters.
    public private(set) var cursor: Int = 0
    /// Candidates for the current text (refreshed on each edit through the completer).
    public private(set) var candidates: [String] = []
    /// Index of the candidate chosen with Tab, or nil.
    public private(set) var selectedCandidate: Int? = nil
    public var history: [String]
    private var historyIndex: Int? = nil
    private var typed: String = ""

    public init(prompt: String = ":", history: [String] = []) {
        self.prompt = prompt; self.history = history
    }

    /// Sets the text (cursor at the end).
    public mutating func setText(_ t: String, completer: (String) -> [String]) {
        text = t; cursor = t.count
        refresh(completer)
    }

    private mutating func refresh(_ completer: (String) -> [String]) {
        typed = text
        candidates = completer(text)
        selectedCandidate = nil
    }

    /// Handles a key. `completer` maps the current text to full-text candidates
    /// (e.g. `"th"` → `["theme "]`). Returns an outcome when the line closes.
    public mutating func handle(_ key: Key, completer: (String) -> [String]) -> Outcome? {
        var chars = Array(text)
        switch key {
        case .enter:
            if let s = selectedCandidate, candidates.indices.contains(s), text != candidates[s] {
                setText(candidates[s], completer: completer); return nil
            }
            return .submit(text.trimmingSpaces())
        case .escape, .ctrl("c"): return .cancel
        case .char(let c):
            chars.insert(c, at: cursor); cursor += 1; text = String(chars); refresh(completer)
        case .backspace:
            if cursor > 0 { chars.remove(at: cursor - 1); cursor -= 1; text = String(chars); refresh(completer) }
            else if chars.isEmpty { return .cancel }
        case .delete, .ctrl("d"):
            if cursor < chars.count { chars.remove(at: cursor); text = String(chars); refresh(completer) }
        case .left, .ctrl("b"): cursor = max(0, cursor - 1)
        case .right, .ctrl("f"): cursor = min(chars.count, cursor + 1)
        case .home, .ctrl("a"): cursor = 0
        case .end, .ctrl("e"): cursor = chars.count
        case .ctrl("u"): chars.removeFirst(cursor); cursor = 0; text = String(chars); refresh(completer)
        case .ctrl("w"):
            var i = cursor
            while i > 0 && chars[i - 1] == " " { i -= 1 }
            while i > 0 && chars[i - 1] != " " { i -= 1 }
            chars.removeSubrange(i..<cursor); cursor = i; text = String(chars); refresh(completer)
        case .tab, .backTab:
            guard !candidates.isEmpty else { return nil }
            if candidates.count == 1 { setText(candidates[0], completer: completer); return nil }
            let n = candidates.count
            let next = key == .tab ? ((selectedCandidate ?? -1) + 1) % n : ((selectedCandidate ?? 0) - 1 + n) % n
            selectedCandidate = next
            text = candidates[next]; cursor = text.count
        case .up:
            guard !history.isEmpty else { return nil }
            let i = max(0, (historyIndex ?? history.count) - 1)
            historyIndex = i; text = history[i]; cursor = text.count
        case .down:
            guard let h = historyIndex else { return nil }
            if h + 1 < history.count { historyIndex = h + 1; text = history[h + 1] }
            else { historyIndex = nil; text = typed }
            cursor = text.count
        default: break
        }
        return nil
    }

    /// Draws the line on the last row of `region` and up to `maxCandidates` candidates above it.
    /// Returns the cursor position (local to `region`).
    @discardableResult
    public func render(into region: Region, theme: Theme, maxCandidates: Int = 8) -> Point {
        guard region.height > 0, region.width > 2 else { return .zero }
        let y = region.height - 1
        let st = theme[.commandLine]
        region.fill(Rect(x: 0, y: y, width: region.width, height: 1), style: st)
        let pw = region.put(prompt, at: Point(x: 0, y: y), style: theme[.footerKey])
        let avail = region.width - pw - 1
        let chars = Array(text)
        // Scroll horizontally so the cursor stays visible.
        let before = String(chars[0..<cursor]).displayWidth
        let shift = max(0, before - avail + 1)
        var x = pw, skip = shift, i = 0
        while i < chars.count {
            let w = CharWidth.width(of: chars[i])
            if skip > 0 { skip -= w; i += 1; continue }
            if x + w > region.width { break }
            region.set(chars[i], x: x, y: y, style: st)
            x += w; i += 1
        }
        let cursorX = min(region.width - 1, pw + before - shift)
        // Candidates, nearest to the line at the bottom.
        let useful = candidates.count == 1 && candidates[0] == text ? [] : candidates
        let shown = Array(useful.prefix(min(maxCandidates, y)))
        if !shown.isEmpty {
            let w = min(region.width, (shown.map(\.displayWidth).max() ?? 0) + 2)
            for (k, c) in shown.enumerated() {
                let cy = y - shown.count + k
                let cs = k == selectedCandidate ? theme[.completionSelected] : theme[.completion]
                let cx = max(0, pw - 1)
                region.put(" " + c, at: Point(x: cx, y: cy), style: cs, width: min(w, region.width - cx))
            }
        }
        return Point(x: cursorX, y: y)
    }
}
