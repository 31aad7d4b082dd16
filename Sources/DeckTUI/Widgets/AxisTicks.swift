import Foundation

/// Tick values for a chart's y axis at round numbers (1, 2, 2.5 or 5 times a power of ten), and
/// the row each one falls on, so that a label always sits on its own tick mark and says the value
/// that row shows.
public struct AxisTicks: Sendable, Equatable {
    /// The axis range after widening to whole steps (unchanged where the caller fixed a bound).
    public var low: Double
    public var high: Double
    /// The distance between ticks.
    public var step: Double
    /// Tick values from high to low.
    public var values: [Double]

    /// Ticks for `low…high` on an axis `rows` cells tall: about one tick every two or three rows
    /// (at most 6), the range widened to whole steps unless a bound is fixed.
    public init(low: Double, high: Double, rows: Int, fixLow: Bool = false, fixHigh: Bool = false) {
        let wanted = max(2, min(6, rows / 2 + 1))
        let span = high / 2 - low / 2   // halves: finite even for ±greatestFiniteMagnitude
        let step = Self.roundStep(span * 2 / Double(wanted - 1))
        var lo = low, hi = high
        if step.isFinite && step > 0 {
            if !fixLow { let l = (low / step).rounded(.down) * step; if l.isFinite { lo = l } }
            if !fixHigh { let h = (high / step).rounded(.up) * step; if h.isFinite { hi = h } }
        }
        self.low = lo; self.high = hi; self.step = step
        var values: [Double] = []
        if step.isFinite && step > 0 && (hi - lo) / step <= 100 {
            var k = (hi / step).rounded(.down)
            while k * step >= lo - step * 1e-9 && values.count <= 100 {
                values.append(abs(k * step) < step * 1e-9 ? 0 : k * step)
                k -= 1
            }
        } else {
            values = [hi, lo]
        }
        self.values = values
    }

    /// The smallest of 1, 2, 2.5, 5 × 10ⁿ at or above `raw`.
    static func roundStep(_ raw: Double) -> Double {
        guard raw.isFinite, raw > 0 else { return raw }
        let magnitude = pow(10, (log10(raw)).rounded(.down))
        for m in [1, 2, 2.5, 5, 10] as [Double] where m * magnitude >= raw * (1 - 1e-12) { return m * magnitude }
        return 10 * magnitude
    }

    /// The row (0 = top) of an axis `rows` cells tall, drawn in braille with 4 dots per cell,
    /// on which `value` is plotted — the same rounding the charts use for their dots.
    public func row(of value: Double, rows: Int) -> Int {
        let dots = rows * 4
        let scaled = (value / 2 - low / 2) / (high / 2 - low / 2)
        let frac = scaled.isNaN ? 0 : min(max(scaled, 0), 1)
        let r = Int((frac * Double(dots - 1)).rounded())
        return (dots - 1 - r) / 4
    }

    /// (row, label) for each tick, top to bottom, dropping a tick whose row is taken.
    public func labels(rows: Int) -> [(row: Int, text: String)] {
        var out: [(Int, String)] = []
        for v in values {
            let r = row(of: v, rows: rows)
            if out.last?.0 == r { continue }
            out.append((r, CompactNumber.format(v)))
        }
        return out
    }
}
