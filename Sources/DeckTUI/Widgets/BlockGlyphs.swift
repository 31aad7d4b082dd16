/// Block and braille glyph tables shared by the chart widgets.
public enum BlockGlyphs {
    /// Left-aligned partial blocks, 0/8 … 8/8 of a cell wide (for horizontal bars).
    public static let horizontalEighths: [Character] = [" ", "▏", "▎", "▍", "▌", "▋", "▊", "▉", "█"]
    /// Bottom-aligned partial blocks, 0/8 … 8/8 of a cell high (for vertical bars).
    public static let verticalEighths: [Character] = [" ", "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]
    /// The eight sparkline levels, lowest to highest.
    public static let sparkLevels: [Character] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]

    /// The braille character for a 2×4 dot mask. `dots` bit `row * 2 + col` (row 0 at the top,
    /// col 0 left) is set for each lit dot.
    public static func braille(_ dots: UInt8) -> Character {
        // Unicode braille bit order: col 0 rows 0-2 → bits 0,1,2; col 1 rows 0-2 → bits 3,4,5;
        // row 3 → bit 6 (col 0), bit 7 (col 1).
        var v: UInt32 = 0
        for row in 0..<4 {
            for col in 0..<2 where dots & (1 << UInt8(row * 2 + col)) != 0 {
                let bit: UInt32
                switch (row, col) {
                case (3, 0): bit = 6
                case (3, 1): bit = 7
                default: bit = UInt32(col * 3 + row)
                }
                v |= 1 << bit
            }
        }
        return Character(Unicode.Scalar(0x2800 + v)!)
    }
}
