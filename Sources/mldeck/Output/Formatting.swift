import DeckML
import DeckStore
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
    static func duration(_ seconds: Double) -> String { TimeText.duration(seconds) }

    /// Local time, `2026-11-28 14:03`.
    static func time(_ seconds: Double) -> String {
        // Beyond the calendar (year ~5000) show the stored number rather than a made-up date.
        TimeText.localTime(seconds, withSeconds: true) ?? "out of range (\(seconds) s)"
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
