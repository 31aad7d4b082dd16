/// Line-drawing glyph sets for borders.
public struct BoxStyle: Sendable, Hashable {
    public let horizontal: Character, vertical: Character
    public let topLeft: Character, topRight: Character, bottomLeft: Character, bottomRight: Character
    public let teeLeft: Character, teeRight: Character, teeDown: Character, teeUp: Character

    public static let single = BoxStyle(horizontal: "─", vertical: "│", topLeft: "┌", topRight: "┐",
                                        bottomLeft: "└", bottomRight: "┘", teeLeft: "├", teeRight: "┤",
                                        teeDown: "┬", teeUp: "┴")
    public static let rounded = BoxStyle(horizontal: "─", vertical: "│", topLeft: "╭", topRight: "╮",
                                         bottomLeft: "╰", bottomRight: "╯", teeLeft: "├", teeRight: "┤",
                                         teeDown: "┬", teeUp: "┴")
    public static let heavy = BoxStyle(horizontal: "━", vertical: "┃", topLeft: "┏", topRight: "┓",
                                       bottomLeft: "┗", bottomRight: "┛", teeLeft: "┣", teeRight: "┫",
                                       teeDown: "┳", teeUp: "┻")
    public static let double = BoxStyle(horizontal: "═", vertical: "║", topLeft: "╔", topRight: "╗",
                                        bottomLeft: "╚", bottomRight: "╝", teeLeft: "╠", teeRight: "╣",
                                        teeDown: "╦", teeUp: "╩")
    /// For terminals without line drawing.
    public static let ascii = BoxStyle(horizontal: "-", vertical: "|", topLeft: "+", topRight: "+",
                                       bottomLeft: "+", bottomRight: "+", teeLeft: "+", teeRight: "+",
                                       teeDown: "+", teeUp: "+")
}

extension Region {
    /// Draws a border around the region, with an optional title in the top edge
    /// (`┌ Title ───┐`). Returns the inner region.
    @discardableResult
    public func drawBox(_ box: BoxStyle = .single, style: Style, title: String? = nil,
                        titleStyle: Style? = nil) -> Region {
        guard width >= 2, height >= 2 else { return sub(Rect(x: 0, y: 0, width: 0, height: 0)) }
        horizontalLine(y: 0, x: 1, length: width - 2, box.horizontal, style: style)
        horizontalLine(y: height - 1, x: 1, length: width - 2, box.horizontal, style: style)
        verticalLine(x: 0, y: 1, length: height - 2, box.vertical, style: style)
        verticalLine(x: width - 1, y: 1, length: height - 2, box.vertical, style: style)
        set(box.topLeft, x: 0, y: 0, style: style)
        set(box.topRight, x: width - 1, y: 0, style: style)
        set(box.bottomLeft, x: 0, y: height - 1, style: style)
        set(box.bottomRight, x: width - 1, y: height - 1, style: style)
        if let title, !title.isEmpty, width > 4 {
            put(" \(title) ", at: Point(x: 1, y: 0), style: titleStyle ?? style, maxWidth: width - 2)
        }
        return sub(bounds.inset(by: 1))
    }

    /// A horizontal run of `glyph` on row `y`.
    public func horizontalLine(y: Int, x: Int = 0, length: Int? = nil, _ glyph: Character = "─", style: Style) {
        let n = length ?? (width - x)
        guard n > 0 else { return }
        for i in 0..<n { set(glyph, x: x + i, y: y, style: style) }
    }

    /// A vertical run of `glyph` in column `x`.
    public func verticalLine(x: Int, y: Int = 0, length: Int? = nil, _ glyph: Character = "│", style: Style) {
        let n = length ?? (height - y)
        guard n > 0 else { return }
        for i in 0..<n { set(glyph, x: x, y: y + i, style: style) }
    }
}
