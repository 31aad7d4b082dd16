import Foundation

/// Human formatting of numbers, times and durations for the text output.
enum Formatting {
    /// 0.912345 → "0.9123"; large and small numbers in scientific form.
    static func number(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "inf" : "-inf" }
        if value == value.rounded(), abs(value) < 1e12 { return String(Int64(value)) }
        let magnitude = abs(value)
        if magnitude >= 1e6 || magnitude < 1e-3 { return String(format: "%.4g", value) }
        return String(format: "%.4f", value).trimmingTrailingZeros()
    }

    /// 3723 s → "1h02m", 65 → "1m05s", 2.5 → "2.5s", 0.012 → "12ms".
    static func duration(_ seconds: Double) -> String {
        if seconds < 1 { return "\(Int((seconds * 1000).rounded()))ms" }
        if seconds < 60 { return String(format: "%.1fs", seconds) }
        let s = Int(seconds)
        if s < 3600 { return String(format: "%dm%02ds", s / 60, s % 60) }
        if s < 86400 { return String(format: "%dh%02dm", s / 3600, (s % 3600) / 60) }
        return String(format: "%dd%02dh", s / 86400, (s % 86400) / 3600)
    }

    /// Local time, `2026-11-28 14:03`.
    static func time(_ seconds: Double) -> String {
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss"
        return formatter.string(from: Date(timeIntervalSince1970: seconds))
    }

    static func bytes(_ count: Int64) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB"]
        var value = Double(count), unit = 0
        while value >= 1024 && unit < units.count - 1 { value /= 1024; unit += 1 }
        return unit == 0 ? "\(count) B" : String(format: "%.1f", value) + " " + units[unit]
    }
}

extension String {
    func trimmingTrailingZeros() -> String {
        guard contains(".") else { return self }
        var s = self
        while s.last == "0" { s.removeLast() }
        if s.last == "." { s.removeLast() }
        return s
    }
}
