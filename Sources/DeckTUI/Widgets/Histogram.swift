/// Vertical bars, one per bin, heights drawn with eighth blocks (`▁`…`█`), optional labels under
/// the bars, and an optional second series drawn as an outline for comparison (e.g. reference vs
/// current in drift views) — shown as a separate bar to the right of each first-series bar.
public struct Histogram {
    public var bins: [Double]
    public var labels: [String]
    /// A second series (same bin count) drawn beside the first in `compareSlot`.
    public var compare: [Double]?
    public var slot: ThemeSlot
    public var compareSlot: ThemeSlot
    /// The value of a full-height bar; nil uses the largest bin.
    public var maximum: Double?

    public init(bins: [Double], labels: [String] = [], compare: [Double]? = nil, slot: ThemeSlot = .bar,
                compareSlot: ThemeSlot = .chartSeries3, maximum: Double? = nil) {
        self.bins = bins; self.labels = labels; self.compare = compare
        self.slot = slot; self.compareSlot = compareSlot; self.maximum = maximum
    }

    /// Column glyphs for one bar of `value` in a chart `height` rows tall, top row first.
    public static func column(value: Double, maximum: Double, height: Int) -> [Character] {
        guard height > 0 else { return [] }
        let t = maximum > 0 && value.isFinite ? min(max(value / maximum, 0), 1) : 0
        let eighths = Int((t * Double(height * 8)).rounded())
        return (0..<height).map { row -> Character in
            let fromBottom = height - 1 - row
            let level = eighths - fromBottom * 8
            return BlockGlyphs.verticalEighths[min(max(level, 0), 8)]
        }
    }

    public func render(into region: Region, theme: Theme) {
        guard !bins.isEmpty, region.width > 0, region.height > 0 else { return }
        let labelRows = labels.isEmpty || region.height < 3 ? 0 : 1
        let chartH = region.height - labelRows
        let groups = bins.count
        let perGroup = compare == nil ? 1 : 2
        // Bar width: as wide as fits, with a 1-column gap between groups when there is room.
        let gap = region.width >= groups * (perGroup + 1) ? 1 : 0
        let barW = max(1, (region.width - gap * (groups - 1)) / groups / perGroup)
        let maxV = maximum ?? max(bins.max() ?? 0, compare?.max() ?? 0)
        var x = 0
        for i in 0..<groups {
            if x >= region.width { break }
            let series: [(Double, ThemeSlot)] = [(bins[i], slot)] + (compare.map { [($0[i], compareSlot)] } ?? [])
            let groupX = x
            for (v, s) in series {
                let col = Histogram.column(value: v, maximum: maxV, height: chartH)
                for (row, ch) in col.enumerated() where ch != " " {
                    for dx in 0..<barW { region.set(ch, x: x + dx, y: row, style: theme[s]) }
                }
                x += barW
            }
            if labelRows == 1, i < labels.count {
                region.put(labels[i], at: Point(x: groupX, y: chartH), style: theme[.chartAxis],
                           maxWidth: barW * perGroup + gap)
            }
            x += gap
        }
    }
}
