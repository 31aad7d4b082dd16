/// How many colours the terminal can show; decides how theme colours are degraded.
public enum ColorDepth: Int, Sendable, Comparable, CaseIterable, CustomStringConvertible {
    /// No colour at all (`NO_COLOR`, or a monochrome terminal): attributes only.
    case monochrome = 0
    case ansi8 = 8
    case ansi16 = 16
    case indexed256 = 256
    /// 24-bit colour (needs a direct-colour terminfo entry such as `xterm-direct`).
    case trueColor = 16_777_216

    public static func < (a: ColorDepth, b: ColorDepth) -> Bool { a.rawValue < b.rawValue }

    public var description: String {
        switch self {
        case .monochrome: return "monochrome"
        case .ansi8: return "8 colours"
        case .ansi16: return "16 colours"
        case .indexed256: return "256 colours"
        case .trueColor: return "true colour"
        }
    }

    /// Picks the depth from what ncurses reports.
    /// - Parameters:
    ///   - hasColors: `has_colors()`.
    ///   - colors: `COLORS` after `start_color()`.
    ///   - directColor: the terminfo entry has the `RGB` capability (direct colour).
    ///   - noColor: the `NO_COLOR` environment variable (any non-empty value disables colour).
    public static func detect(hasColors: Bool, colors: Int, directColor: Bool, noColor: String?) -> ColorDepth {
        if let noColor, !noColor.isEmpty { return .monochrome }
        guard hasColors, colors >= 8 else { return .monochrome }
        if directColor && colors >= 0x1000000 { return .trueColor }
        if colors >= 256 { return .indexed256 }
        if colors >= 16 { return .ansi16 }
        return .ansi8
    }

    /// `color` reduced to what this depth can show.
    public func degrade(_ color: Color) -> Color {
        switch (self, color) {
        case (_, .terminalDefault): return .terminalDefault
        case (.monochrome, _): return .terminalDefault
        case (.trueColor, _): return color
        case (.indexed256, .indexed): return color
        case (.indexed256, .rgb(let r, let g, let b)): return .indexed(Palette.nearest256(r, g, b))
        case (.ansi16, .indexed(let i)):
            if i < 16 { return color }
            let (r, g, b) = Palette.rgb(ofIndex: i)
            return .indexed(Palette.nearest16(r, g, b))
        case (.ansi16, .rgb(let r, let g, let b)): return .indexed(Palette.nearest16(r, g, b))
        case (.ansi8, _):
            guard case .indexed(let i) = ColorDepth.ansi16.degrade(color) else { return .terminalDefault }
            return .indexed(i >= 8 ? i - 8 : i)
        }
    }
}

/// The xterm palette and nearest-colour searches.
public enum Palette {
    /// The 16 basic colours as xterm draws them.
    public static let basic16: [(UInt8, UInt8, UInt8)] = [
        (0, 0, 0), (205, 0, 0), (0, 205, 0), (205, 205, 0), (0, 0, 238), (205, 0, 205), (0, 205, 205), (229, 229, 229),
        (127, 127, 127), (255, 0, 0), (0, 255, 0), (255, 255, 0), (92, 92, 255), (255, 0, 255), (0, 255, 255), (255, 255, 255),
    ]
    private static let cubeLevels: [UInt8] = [0, 95, 135, 175, 215, 255]

    /// RGB of a palette index (xterm's values).
    public static func rgb(ofIndex i: UInt8) -> (UInt8, UInt8, UInt8) {
        if i < 16 { return basic16[Int(i)] }
        if i >= 232 { let v = UInt8(8 + 10 * (Int(i) - 232)); return (v, v, v) }
        let n = Int(i) - 16
        return (cubeLevels[n / 36], cubeLevels[(n / 6) % 6], cubeLevels[n % 6])
    }

    /// btop's mapping from 24-bit to 256 colours: the grey ramp 232–255 when red, green and blue
    /// round to the same step of 11, otherwise the 6×6×6 cube (`16 + 36r + 6g + b`, steps of 51).
    public static func nearest256(_ r: UInt8, _ g: UInt8, _ b: UInt8) -> UInt8 {
        func div(_ v: UInt8, _ d: Double) -> Int { Int((Double(v) / d).rounded()) }
        let grey = div(r, 11)
        if grey == div(g, 11) && grey == div(b, 11) { return UInt8(232 + min(grey, 23)) }
        return UInt8(16 + 36 * div(r, 51) + 6 * div(g, 51) + div(b, 51))
    }

    /// The nearest of the 16 basic colours (Euclidean distance in RGB).
    public static func nearest16(_ r: UInt8, _ g: UInt8, _ b: UInt8) -> UInt8 {
        var best = 0, bestD = Int.max
        for (i, c) in basic16.enumerated() {
            let dr = Int(r) - Int(c.0), dg = Int(g) - Int(c.1), db = Int(b) - Int(c.2)
            let d = dr * dr + dg * dg + db * db
            if d < bestD { bestD = d; best = i }
        }
        return UInt8(best)
    }
}
