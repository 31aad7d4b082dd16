/// Draws a one-line text input inside a pane (a filter, a log search): prompt, text, a visible
/// block cursor, and an optional error underneath with a caret at the offending column.
///
/// Editing is ``CommandLineState``'s (cursor keys, ctrl-w, completion with Tab); this only draws.
public struct InputLine {
    public var prompt: String
    public var state: CommandLineState
    /// Whether the line has the keyboard (draws the cursor).
    public var editing: Bool
    /// A message and its 1-based column in the text, shown on the next row when there is room
    /// (column 0: the message has no place in the text, and no caret is drawn).
    public var error: (message: String, column: Int)?
    /// Text shown at the right end (e.g. `1,234 of 100,000 runs`).
    public var trailing: String?

    public init(prompt: String, state: CommandLineState, editing: Bool, error: (String, Int)? = nil, trailing: String? = nil) {
        self.prompt = prompt; self.state = state; self.editing = editing
        self.error = error.map { (message: $0.0, column: $0.1) }; self.trailing = trailing
    }

    /// Rows needed: 1, or 2 with an error.
    public var height: Int { error == nil ? 1 : 2 }

    public func render(into region: Region, theme: Theme) {
        guard region.height > 0, region.width > 4 else { return }
        let st = editing ? theme[.commandLine] : theme[.text]
        region.fill(Rect(x: 0, y: 0, width: region.width, height: 1), style: st)
        var x = region.put(prompt, at: .zero, style: theme[.footerKey])
        let trailingW = trailing.map { $0.displayWidth + 2 } ?? 0
        let avail = max(1, region.width - x - trailingW - 1)
        let chars = Array(state.text)
        let before = String(chars[0..<min(state.cursor, chars.count)]).displayWidth
        let shift = max(0, before - avail + 1)
        let textX = x
        var skip = shift
        for (i, ch) in chars.enumerated() {
            let w = CharWidth.width(of: ch)
            if skip > 0 { skip -= w; continue }
            if x + w > textX + avail { break }
            let cursorHere = editing && i == state.cursor
            region.set(ch, x: x, y: 0, style: cursorHere ? st.adding(.reverse) : st)
            x += w
        }
        if editing && state.cursor >= chars.count {
            region.set(" ", x: min(textX + before - shift, region.width - 1), y: 0, style: st.adding(.reverse))
        }
        if let trailing {
            region.put(trailing, at: Point(x: region.width - trailing.displayWidth - 1, y: 0), style: theme[.textDim])
        }
        if let error, region.height > 1, error.column < 1 {
            region.fill(Rect(x: 0, y: 1, width: region.width, height: 1), style: theme[.text])
            region.put(error.message, at: Point(x: textX, y: 1), style: theme[.error])
        } else if let error, region.height > 1 {
            // The caret under the column; the message right of it, or left of it when only
            // that fits, never under the caret.
            let caretX = min(textX + max(0, String(chars.prefix(max(0, error.column - 1))).displayWidth - shift), region.width - 1)
            region.fill(Rect(x: 0, y: 1, width: region.width, height: 1), style: theme[.text])
            region.set("^", x: caretX, y: 1, style: theme[.error])
            let w = error.message.displayWidth
            let right = region.width - (caretX + 2), left = caretX - 1 - textX
            if w <= right || right >= left {
                region.put(error.message.truncated(toWidth: max(0, right)), at: Point(x: caretX + 2, y: 1), style: theme[.error])
            } else {
                let shown = error.message.truncated(toWidth: left)
                region.put(shown, at: Point(x: caretX - 1 - shown.displayWidth, y: 1), style: theme[.error])
            }
        }
    }
}
