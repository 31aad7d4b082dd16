/// A one-row chart of values with the block levels `▁▂▃▄▅▆▇█`. The newest values are shown
/// when there are more values than columns.
public struct Sparkline {
    public var values: [Double]
    /// Fixed bounds; nil uses the values' own min and max.
    public var minimum: Double?
    public var maximum: Double?
    public var slot: ThemeSlot

    public init(values: [Double], minimum: Double? = nil, maximum: Double? = nil, slot: ThemeSlot = .chartSeries1) {
        self.values = values; self.minimum = minimum; self.maximum = maximum; self.slot = slot
    }

    /// The sparkline text for at most `width` values (non-finite values are blank).
    public func text(width: Int) -> String {
        let shown = values.suffix(max(0, width))
        let finite = shown.filter(\.isFinite)
        guard let lo0 = minimum ?? finite.min(), let hi0 = maximum ?? finite.max() else {
            return String(repeating: " ", count: shown.count)
        }
        // Halves keep the span finite for values near ±Double.greatestFiniteMagnitude.
        let span = hi0 / 2 - lo0 / 2
        return String(shown.map { v -> Character in
            guard v.isFinite else { return " " }
            guard span > 0 else { return BlockGlyphs.sparkLevels[3] }
            let scaled = (v / 2 - lo0 / 2) / span
            let t = scaled.isNaN ? 0 : min(max(scaled, 0), 1)
            return BlockGlyphs.sparkLevels[min(7, Int((t * 7).rounded()))]
        })
    }

    public func render(into region: Region, theme: Theme) {
        guard region.height > 0 else { return }
        region.put(text(width: region.width), at: .zero, style: theme[slot])
    }
}
