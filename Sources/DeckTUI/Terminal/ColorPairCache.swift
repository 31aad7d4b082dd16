import CNCurses

/// Allocates ncurses colour pairs on demand, one per (foreground, background) combination.
/// Pairs above 255 go through `init_extended_pair` and are passed via the `opts` pointer.
@MainActor
final class ColorPairCache {
    private struct PairKey: Hashable { let fg: Int32; let bg: Int32 }
    private var pairs: [PairKey: Int32] = [:]
    private var next: Int32 = 1
    private let limit: Int32
    let depth: ColorDepth

    init(depth: ColorDepth, maxPairs: Int32) {
        self.depth = depth
        self.limit = maxPairs
    }

    /// The ncurses colour number for a colour at this depth (-1 = terminal default).
    func colorNumber(_ color: Color) -> Int32 {
        switch depth.degrade(color) {
        case .terminalDefault: return -1
        case .indexed(let i): return Int32(i)
        case .rgb(let r, let g, let b): return Int32(r) << 16 | Int32(g) << 8 | Int32(b)
        }
    }

    /// The pair for a style's colours; 0 (terminal default) when colours are off or pairs ran out.
    func pair(fg: Color, bg: Color) -> Int32 {
        if depth == .monochrome { return 0 }
        if fg == .terminalDefault && bg == .terminalDefault { return 0 }
        let key = PairKey(fg: colorNumber(fg), bg: colorNumber(bg))
        if let p = pairs[key] { return p }
        guard next < limit else { return 0 }
        let p = next
        if init_extended_pair(p, key.fg, key.bg) != OK { return 0 }
        next += 1
        pairs[key] = p
        return p
    }

    var allocatedCount: Int { pairs.count }
}
