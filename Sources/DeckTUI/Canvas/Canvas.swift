/// A grid of styled cells: what a frame looks like before it reaches the terminal.
///
/// Widgets never touch a `Canvas` directly; they draw into a ``Region`` (a clipped window on it).
/// The same canvas is shown on the terminal by ``CursesBackend`` or inspected by tests with
/// ``lines()`` and ``style(at:)``.
public final class Canvas {
    public private(set) var size: Size
    /// Cells row by row (`y * width + x`).
    public private(set) var cells: [Cell]

    public init(size: Size) {
        self.size = Size(width: max(0, size.width), height: max(0, size.height))
        cells = Array(repeating: .blank, count: self.size.width * self.size.height)
    }

    public convenience init(width: Int, height: Int) { self.init(size: Size(width: width, height: height)) }

    public var width: Int { size.width }
    public var height: Int { size.height }
    public var bounds: Rect { Rect(size: size) }

    /// The whole canvas as a drawing region.
    public var region: Region { Region(canvas: self, rect: bounds) }

    /// Changes the size and blanks every cell.
    public func resize(to newSize: Size) {
        size = Size(width: max(0, newSize.width), height: max(0, newSize.height))
        cells = Array(repeating: .blank, count: size.width * size.height)
    }

    /// Replaces all cells at once (same count as the current size).
    func replaceCells(with newCells: [Cell]) {
        precondition(newCells.count == cells.count)
        cells = newCells
    }

    /// Blanks every cell with `style`.
    public func clear(style: Style = .plain) {
        let blank = Cell(" ", width: 1, style: style)
        for i in cells.indices { cells[i] = blank }
    }

    /// The cell at a position (a blank cell when outside).
    public subscript(x: Int, y: Int) -> Cell {
        guard x >= 0, y >= 0, x < size.width, y < size.height else { return .blank }
        return cells[y * size.width + x]
    }

    /// Writes one cell, repairing wide characters it overlaps (a half-overwritten wide character
    /// becomes a blank). `x`, `y` must be inside the canvas.
    @inline(__always)
    func write(_ cell: Cell, x: Int, y: Int) {
        let w = size.width
        let i = y * w + x
        cells.withUnsafeMutableBufferPointer { c in
            // Overwriting the right half of a wide char: blank its left half.
            if c[i].width == 0 && x > 0 { c[i - 1] = Cell(" ", width: 1, style: c[i - 1].style) }
            // Overwriting the left half of a wide char with something narrow: blank its right half.
            if c[i].width == 2 && x + 1 < w && cell.width != 2 {
                c[i + 1] = Cell(" ", width: 1, style: c[i + 1].style)
            }
            c[i] = cell
            if cell.width == 2 && x + 1 < w {
                if c[i + 1].width == 2 && x + 2 < w {
                    c[i + 2] = Cell(" ", width: 1, style: c[i + 2].style)
                }
                c[i + 1] = Cell(" ", width: 0, style: cell.style)
            }
        }
    }

    /// The text of each row, wide characters once, trailing spaces kept (use
    /// ``trimmedLines()`` to drop them).
    public func lines() -> [String] {
        var out: [String] = []
        out.reserveCapacity(size.height)
        for y in 0..<size.height {
            var s = ""
            for x in 0..<size.width {
                let c = cells[y * size.width + x]
                if c.width != 0 { s.append(c.character) }
            }
            out.append(s)
        }
        return out
    }

    /// ``lines()`` with trailing spaces removed from each row.
    public func trimmedLines() -> [String] {
        lines().map { line in
            var l = Substring(line)
            while l.last == " " { l = l.dropLast() }
            return String(l)
        }
    }

    /// The whole canvas as one string, rows joined by newlines, trailing spaces trimmed.
    public var text: String { trimmedLines().joined(separator: "\n") }

    /// The style of the cell at a position.
    public func style(at point: Point) -> Style { self[point.x, point.y].style }

    /// Where `needle` first appears (row, then column in cells), or nil.
    public func find(_ needle: String) -> Point? {
        for y in 0..<size.height {
            var cols: [Int] = []
            var s = ""
            for x in 0..<size.width {
                let c = cells[y * size.width + x]
                if c.width != 0 { s.append(c.character); cols.append(x) }
            }
            if let r = s.range(of: needle) {
                return Point(x: cols[s.distance(from: s.startIndex, to: r.lowerBound)], y: y)
            }
        }
        return nil
    }
}
