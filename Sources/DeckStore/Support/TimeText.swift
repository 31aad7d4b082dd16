#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// The one way MLDeck writes durations and times for people: the command line, the dashboard
/// and error messages. Thread-safe (no shared formatter objects), and safe for stored values from
/// outside (a clock set wrong, an edited database): nothing here can trap.
public enum TimeText {
    /// 0.012 → `12ms`, 2.5 → `2.5s`, 65 → `1m05s`, 3723 → `1h02m`, 90000 → `1d01h`; a negative
    /// duration keeps its sign, a huge one is written in years, NaN is `-`.
    public static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite else { return seconds.isNaN ? "-" : (seconds > 0 ? "inf" : "-inf") }
        if seconds < 0 { return "-" + duration(-seconds) }
        if seconds >= 1e12 { return String(format: "%.3gy", seconds / 31_557_600) }  // no integer conversion: any size
        if seconds < 1 { return "\(Int64((seconds * 1000).rounded()))ms" }
        if seconds < 60 {
            let tenths = Int64((seconds * 10).rounded())
            return tenths >= 600 ? "1m00s" : "\(tenths / 10).\(tenths % 10)s"
        }
        let s = Int64(seconds)  // below 1e12: exact enough and never traps
        if s < 3600 { return "\(s / 60)m" + two(s % 60) + "s" }
        if s < 86400 { return "\(s / 3600)h" + two((s % 3600) / 60) + "m" }
        return "\(s / 86400)d" + two((s % 86400) / 3600) + "h"
    }

    /// Local time `2026-11-28 14:03` (`:05` with seconds), or nil beyond what a calendar can
    /// say (±10^11 s from 1970, about the year 5000).
    public static func localTime(_ seconds: Double, withSeconds: Bool = false) -> String? {
        guard seconds.isFinite, abs(seconds) < 1e11 else { return nil }
        var t = time_t(Int64(seconds.rounded(.down)))
        var parts = tm()
        guard localtime_r(&t, &parts) != nil else { return nil }
        var s = "\(parts.tm_year + 1900)-" + two(Int64(parts.tm_mon) + 1) + "-" + two(Int64(parts.tm_mday))
        s += " " + two(Int64(parts.tm_hour)) + ":" + two(Int64(parts.tm_min))
        if withSeconds { s += ":" + two(Int64(parts.tm_sec)) }
        return s
    }

    static func two(_ n: Int64) -> String { n < 10 ? "0\(n)" : "\(n)" }
}
