import DeckML
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
    /// Stored times come from outside (a clock set wrong, an edited database): a negative, huge
    /// or non-finite duration is shown as such, never converted with a trapping `Int(_:)`.
    static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite else { return seconds.isNaN ? "-" : (seconds > 0 ? "inf" : "-inf") }
        if seconds < 0 { return "-" + duration(-seconds) }
        if seconds >= 1e12 { return String(format: "%.3gy", seconds / 31_557_600) }
        if seconds < 1 { return "\(CheckedInteger.clamped((seconds * 1000).rounded()))ms" }
        if seconds < 60 { return String(format: "%.1fs", seconds) }
        let s = CheckedInteger.clamped(seconds)
        if s < 3600 { return String(format: "%dm%02ds", s / 60, s % 60) }
        if s < 86400 { return String(format: "%dh%02dm", s / 3600, (s % 3600) / 60) }
        return String(format: "%dd%02dh", s / 86400, (s % 86400) / 3600)
    }

    /// Local time, `2026-11-28 14:03`.
    static func time(_ seconds: Double) -> String {
        // Beyond ±10^11 s (year ~5000) the calendar gives nothing useful: show the stored number.
        guard seconds.isFinite, abs(seconds) < 1e11 else { return "out of range (\(seconds) s)" }
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
