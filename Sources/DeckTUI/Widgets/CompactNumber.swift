/// Short number formatting for axis labels: `0.8123`, `12.5`, `1.2k`, `3.4M`, `-0.05`.
public enum CompactNumber {
    /// `value` in at most about `digits` significant digits, with k/M/G suffixes for big numbers.
    public static func format(_ value: Double, digits: Int = 4) -> String {
        guard value.isFinite else { return value.isNaN ? "NaN" : (value > 0 ? "∞" : "-∞") }
        let a = abs(value)
        if a >= 1e12 { return String(value) }  // 1e+300: past G, digits would not fit a cell
        if a >= 1e9 { return significant(value / 1e9, 3) + "G" }
        if a >= 1e6 { return significant(value / 1e6, 3) + "M" }
        if a >= 1e4 { return significant(value / 1e3, 3) + "k" }
        if a == 0 { return "0" }
        // Decimals so that there are `digits` significant digits.
        let intDigits = a >= 1 ? Int(a.rounded(.down)).description.count : 0
        var decimals = max(0, digits - intDigits)
        if a < 1 {
            var leadingZeros = 0
            var v = a
            while v < 0.1 && leadingZeros < 8 { v *= 10; leadingZeros += 1 }
            decimals = min(10, leadingZeros + digits)
        }
        return trim(value, decimals)
    }

    /// `value` (≥ 1 in magnitude) with `digits` significant digits.
    static func significant(_ value: Double, _ digits: Int) -> String {
        let intDigits = Int(abs(value).rounded(.down)).description.count
        return trim(value, max(0, digits - intDigits))
    }

    /// Fixed decimals, trailing zeros (and a trailing dot) removed.
    static func trim(_ value: Double, _ decimals: Int) -> String {
        var p = 1.0
        for _ in 0..<decimals { p *= 10 }
        let r = (value * p).rounded() / p
        var s = fixed(r, decimals)
        if s.contains(".") {
            while s.hasSuffix("0") { s.removeLast() }
            if s.hasSuffix(".") { s.removeLast() }
        }
        if s == "-0" { s = "0" }
        return s
    }

    /// `value` with exactly `decimals` decimals (no Foundation needed).
    public static func fixed(_ value: Double, _ decimals: Int) -> String {
        guard value.isFinite else { return format(value) }
        var p: Double = 1
        for _ in 0..<decimals { p *= 10 }
        guard abs(value) * p < 1e18 else { return String(value) }  // beyond Int64's digits
        let neg = value < 0
        let scaled = (abs(value) * p).rounded()
        let intPart = (scaled / p).rounded(.down)
        let frac = scaled - intPart * p
        var s = (neg && scaled != 0 ? "-" : "") + String(Int64(intPart))
        if decimals > 0 {
            var f = String(Int64(frac))
            while f.count < decimals { f = "0" + f }
            s += "." + f
        }
        return s
    }
}
