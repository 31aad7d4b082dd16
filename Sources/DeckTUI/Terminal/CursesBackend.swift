import CNCurses

/// Draws canvases on the terminal. Keeps the previous frame and writes only the cells that
/// changed (ncurses then sends only what differs on screen).
@MainActor
public final class CursesBackend: RenderBackend {
    private unowned let session: TerminalSession
    private var previous: [Cell] = []
    private var previousSize = Size(width: -1, height: -1)
    private let pairs: ColorPairCache
    private var wide = UnsafeMutablePointer<wchar_t>.allocate(capacity: 16)
    private let attrBold = nc_a_bold(), attrDim = nc_a_dim(), attrItalic = nc_a_italic()
    private let attrUnderline = nc_a_underline(), attrReverse = nc_a_reverse()
    /// Cells written by the last ``present(_:cursor:)`` (for the frame log and tests).
    public private(set) var lastCellsWritten = 0

    init(session: TerminalSession) {
        self.session = session
        pairs = ColorPairCache(depth: session.colorDepth, maxPairs: nc_color_pairs())
    }

    public var size: Size { session.size }
    public var colorDepth: ColorDepth { session.colorDepth }

    public func invalidate() {
        previous = []
        previousSize = Size(width: -1, height: -1)
    }

    public func present(_ canvas: Canvas, cursor: Point?) {
        let win = session.stdscr
        let w = canvas.width, h = canvas.height
        let full = canvas.size != previousSize || previous.count != canvas.cells.count
        if full { clearok(win, true); werase(win) }
        var written = 0
        canvas.cells.withUnsafeBufferPointer { cells in
            for y in 0..<h {
                let row = y * w
                for x in 0..<w {
                    let c = cells[row + x]
                    if !full && previous[row + x] == c { continue }
                    if c.width == 0 { continue }  // right half of a wide char: drawn with its left half
                    if c.width == 2 && x + 1 >= w { continue }
                    draw(c, x: Int32(x), y: Int32(y), win: win)
                    written += 1
                }
            }
        }
        previous = canvas.cells
        previousSize = canvas.size
        lastCellsWritten = written
        if let cursor {
            wmove(win, Int32(cursor.y), Int32(cursor.x))
            curs_set(1)
        } else {
            curs_set(0)
        }
        wnoutrefresh(win)
        doupdate()
    }

    @inline(__always)
    private func draw(_ c: Cell, x: Int32, y: Int32, win: UnsafeMutablePointer<WINDOW>) {
        var n = 0
        for s in c.character.unicodeScalars where n < 5 {
            wide[n] = wchar_t(bitPattern: s.value); n += 1
        }
        wide[n] = 0
        var attrs: attr_t = 0
        let a = c.style.attributes
        if !a.isEmpty {
            if a.contains(.bold) { attrs |= attrBold }
            if a.contains(.dim) { attrs |= attrDim }
            if a.contains(.italic) { attrs |= attrItalic }
            if a.contains(.underline) { attrs |= attrUnderline }
            if a.contains(.reverse) { attrs |= attrReverse }
        }
        var pair = pairs.pair(fg: c.style.fg, bg: c.style.bg)
        var cc = cchar_t()
        setcchar(&cc, wide, attrs, Int16(truncatingIfNeeded: min(pair, 32767)), &pair)
        mvwadd_wch(win, y, x, &cc)
    }
}
