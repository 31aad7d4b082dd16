/// A rectangular, clipped window onto a ``Canvas``. Coordinates passed to its methods are
/// local (0,0 is the region's top-left corner); anything outside the region is clipped.
///
/// This is the surface every widget renders into.
public struct Region {
    public let canvas: Canvas
    /// The region in canvas coordinates, already clipped to the canvas.
    public let rect: Rect

    public init(canvas: Canvas, rect: Rect) {
        self.canvas = canvas
        self.rect = rect.intersection(canvas.bounds)
    }

    public var width: Int { rect.width }
    public var height: Int { rect.height }
    public var size: Size { rect.size }
    /// The region's own rectangle in local coordinates.
    public var bounds: Rect { Rect(x: 0, y: 0, width: rect.width, height: rect.height) }
    public var isEmpty: Bool { rect.isEmpty }

    /// A sub-region in local coordinates, clipped to this region.
    public func sub(_ local: Rect) -> Region {
        let abs = Rect(x: rect.x + local.x, y: rect.y + local.y, width: local.width, height: local.height)
        return Region(canvas: canvas, rect: abs.intersection(rect))
    }

    /// Rows `from..<to` (local) as a region.
    public func rows(_ range: Range<Int>) -> Region {
        sub(Rect(x: 0, y: range.lowerBound, width: width, height: range.count))
    }

    /// The cell at a local position (blank when outside).
    public subscript(x: Int, y: Int) -> Cell {
        guard x >= 0, y >= 0, x < width, y < height else { return .blank }
        return canvas[rect.x + x, rect.y + y]
    }

    /// Sets one cell (clipped). A wide character that would not fit becomes a blank.
    public func set(_ character: Character, x: Int, y: Int, style: Style) {
        guard x >= 0, y >= 0, x < width, y < height else { return }
        var ch = character
        var w = CharWidth.cellWidth(ch)
        if w < 1 { ch = "�"; w = 1 }
        if w == 2 && x + 1 >= width {
            canvas.write(Cell(" ", width: 1, style: style), x: rect.x + x, y: rect.y + y)
            return
        }
        canvas.write(Cell(ch, width: UInt8(w), style: style), x: rect.x + x, y: rect.y + y)
    }

    /// Changes only the style of a cell (e.g. to highlight a search match).
    public func restyle(x: Int, y: Int, _ transform: (Style) -> Style) {
        guard x >= 0, y >= 0, x < width, y < height else { return }
        let i = (rect.y + y) * canvas.width + rect.x + x
        var c = canvas.cells[i]
        c.style = transform(c.style)
        canvas.write(c, x: rect.x + x, y: rect.y + y)
    }

    /// Draws `text` starting at a local point, on one row, wide-character aware. When it does not
    /// fit in `maxWidth` columns (default: to the region's right edge) it is cut and ends in `…`.
    /// Newlines and tabs are drawn as spaces. Returns the number of columns written.
    @discardableResult
    public func put(_ text: String, at point: Point, style: Style, maxWidth: Int? = nil) -> Int {
        let y = point.y
        guard y >= 0, y < height else { return 0 }
        let limit = min(maxWidth ?? Int.max, width - point.x)
        guard limit > 0 else { return 0 }
        // First pass: does the whole text fit?
        var total = 0
        var fits = true
        for ch in text {
            total += CharWidth.width(of: ch)
            if total > limit { fits = false; break }
        }
        let budget = fits ? limit : limit - 1
        var x = point.x
        for var ch in text {
            if ch == "\n" || ch == "\t" || ch == "\r\n" { ch = " " }
            let w = CharWidth.width(of: ch)
            if x - point.x + w > budget { break }
            set(ch, x: x, y: y, style: style)
            x += w
        }
        if !fits {
            while x < point.x + limit - 1 { set(" ", x: x, y: y, style: style); x += 1 }
            set("…", x: x, y: y, style: style)
            x += 1
        }
        return x - point.x
    }

    /// Draws `text` padded with spaces (or cut) to exactly `width` columns.
    public func put(_ text: String, at point: Point, style: Style, width: Int, alignRight: Bool = false) {
        guard width > 0 else { return }
        let w = text.displayWidth
        if w >= width {
            put(text, at: point, style: style, maxWidth: width)
            return
        }
        let pad = width - w
        if alignRight {
            fill(Rect(x: point.x, y: point.y, width: pad, height: 1), style: style)
            put(text, at: Point(x: point.x + pad, y: point.y), style: style)
        } else {
            put(text, at: point, style: style)
            fill(Rect(x: point.x + w, y: point.y, width: pad, height: 1), style: style)
        }
    }

    /// Draws `text` centred on row `y`.
    public func putCentered(_ text: String, y: Int, style: Style) {
        let w = min(text.displayWidth, width)
        put(text, at: Point(x: (width - w) / 2, y: y), style: style, maxWidth: width)
    }

    /// Fills a local rectangle (default: the whole region) with a character.
    public func fill(_ local: Rect? = nil, character: Character = " ", style: Style) {
        let r = (local ?? bounds).intersection(bounds)
        guard !r.isEmpty else { return }
        let w = CharWidth.width(of: character)
        if w == 1 && CharWidth.isPrintable(character) {
            let cell = Cell(character, width: 1, style: style)
            for y in r.y..<r.maxY {
                for x in r.x..<r.maxX { canvas.write(cell, x: rect.x + x, y: rect.y + y) }
            }
            return
        }
        for y in r.y..<r.maxY {
            var x = r.x
            while x < r.maxX { set(character, x: x, y: y, style: style); x += w }
        }
    }

    /// Clears the region to blanks of `style`.
    public func clear(style: Style = .plain) { fill(style: style) }
}
