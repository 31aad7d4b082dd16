/// One screen cell. A wide character (CJK, most emoji) occupies its own cell with `width == 2`
/// and the cell to its right with `width == 0` (a continuation, never drawn by itself).
public struct Cell: Hashable, Sendable {
    /// The grapheme drawn here (a space for blank cells).
    public var character: Character
    /// Columns taken: 1, 2 for a wide character, 0 for the right half of a wide character.
    public var width: UInt8
    public var style: Style

    public init(_ character: Character = " ", width: UInt8 = 1, style: Style = .plain) {
        self.character = character; self.width = width; self.style = style
    }

    public static let blank = Cell()
    /// Whether this cell is the right half of a wide character.
    public var isContinuation: Bool { width == 0 }
}
