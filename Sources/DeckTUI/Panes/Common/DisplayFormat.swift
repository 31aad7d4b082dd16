#if canImport(Glibc)
import Glibc
#endif
import DeckML
import DeckStore
import Foundation

/// Short, allocation-light formatting for table cells: durations, local times, sizes, numbers.
/// Thread-safe (no shared formatter objects), so data sources may format off the UI thread.
public enum DisplayFormat {
    /// 0.012 → `12ms`, 2.5 → `2.5s`, 65 → `1m05s`, 3723 → `1h02m`, 90000 → `1d01h`.
    /// A negative or unknown duration (a clock set wrong) is `-` in a cell; see ``TimeText``.
    public static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite, seconds >= 0 else { return "-" }
        return TimeText.duration(seconds)
    }

    /// Local time `2026-11-28 14:03` (seconds since 1970).
    public static func time(_ seconds: Double, withSeconds: Bool = false) -> String {
        TimeText.localTime(seconds, withSeconds: withSeconds) ?? "-"
    }

    /// How long ago, compactly: `12s ago`, `5m ago`, `3h ago`, `4d ago`.
    public static func ago(_ seconds: Double, now: Double = Date().timeIntervalSince1970) -> String {
        let d = max(0, now - seconds)
        guard d.isFinite else { return "-" }
        if d < 60 { return "\(CheckedInteger.clamped(d))s ago" }
        if d < 3600 { return "\(CheckedInteger.clamped(d / 60))m ago" }
        if d < 86400 { return "\(CheckedInteger.clamped(d / 3600))h ago" }
        return "\(CheckedInteger.clamped(d / 86400))d ago"
    }

    /// Bytes as `812 B`, `1.2 KiB`, `3.4 MiB`.
    public static func bytes(_ count: Int64) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB"]
        var value = Double(count), unit = 0
        while value >= 1024 && unit < units.count - 1 { value /= 1024; unit += 1 }
        return unit == 0 ? "\(count) B" : CompactNumber.fixed(value, 1) + " " + units[unit]
    }

    /// A metric or statistic: 4 significant digits, `k`/`M` for large values.
    public static func number(_ value: Double) -> String { CompactNumber.format(value) }

    /// An integer with thousands separators: `100,000`.
    public static func count(_ n: Int) -> String {
        let digits = String(abs(n))
        var out = ""
        for (i, ch) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(ch)
        }
        return n < 0 ? "-" + out : out
    }

    /// A share as a percentage: `0%`, `0.3%`, `12%`, `100%`.
    public static func percent(_ share: Double) -> String {
        guard share.isFinite else { return "-" }
        let p = share * 100
        if p == 0 || p >= 10 { return "\(CheckedInteger.clamped(p.rounded()))%" }
        return CompactNumber.fixed(p, 1) + "%"
    }

    /// A signed change: `+0.0123`, `-2`, `±0`.
    public static func delta(_ value: Double) -> String {
        if value == 0 { return "±0" }
        return (value > 0 ? "+" : "") + CompactNumber.format(value)
    }

}
