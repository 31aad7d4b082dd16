import Foundation

/// A 5-field cron expression (`minute hour day-of-month month day-of-week`) as Vixie cron reads it:
/// `*`, numbers, lists (`1,15`), ranges (`1-5`), steps (`*/15`, `0-30/10`, `5/15` = `5-59/15`),
/// month names (`JAN`…`DEC`) and weekday names (`SUN`…`SAT`, `7` is Sunday too).
///
/// Day-of-month and day-of-week follow Vixie's rule: when both are restricted (neither field starts
/// with `*`), a day matches when **either** matches; otherwise both must.
public struct CronExpression: Sendable, Equatable, CustomStringConvertible {
    /// The expression as written.
    public let text: String
    let minutes: [Int]
    let hours: [Int]
    let daysOfMonth: Set<Int>
    let months: Set<Int>
    let daysOfWeek: Set<Int>
    let dayOfMonthStar: Bool
    let dayOfWeekStar: Bool

    public var description: String { text }

    static let monthNames = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
    static let dayNames = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"]

    /// Parses `text`; throws ``CronError`` naming the field and what is wrong.
    public init(_ text: String) throws {
        let fields = text.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        guard fields.count == 5 else { throw CronError(field: nil, message: "expected five fields (minute hour day month weekday), found \(fields.count)") }
        self.text = fields.joined(separator: " ")
        minutes = try Self.field(fields[0], name: "minute", range: 0...59, names: []).sorted()
        hours = try Self.field(fields[1], name: "hour", range: 0...23, names: []).sorted()
        daysOfMonth = try Self.field(fields[2], name: "day of month", range: 1...31, names: [])
        months = try Self.field(fields[3], name: "month", range: 1...12, names: Self.monthNames, nameBase: 1)
        var weekdays = try Self.field(fields[4], name: "day of week", range: 0...7, names: Self.dayNames)
        if weekdays.contains(7) { weekdays.remove(7); weekdays.insert(0) }
        daysOfWeek = weekdays
        dayOfMonthStar = fields[2].hasPrefix("*")
        dayOfWeekStar = fields[4].hasPrefix("*")
        guard nextFiring(after: Date(timeIntervalSince1970: 0), timeZone: TimeZone(identifier: "UTC") ?? .current) != nil else {
            throw CronError(field: "day of month", message: "'\(self.text)' never fires (no such date)")
        }
    }

    /// The first firing strictly after `date`, in `timeZone`'s wall-clock time; nil when none
    /// within eight years (only for impossible dates such as 30 February).
    ///
    /// Daylight saving time: a wall-clock time that a change skips fires at the first instant
    /// after the gap (as cronie does: `30 2 * * *` runs at 3:00 on the spring-forward day);
    /// a wall-clock time that a change repeats fires once, at its first occurrence.
    public func nextFiring(after date: Date, timeZone: TimeZone) -> Date? {
        let after = date.timeIntervalSince1970
        guard after.isFinite, abs(after) < 1e11 else { return nil }
        let startWall = Int((after + Double(timeZone.secondsFromGMT(for: date))).rounded(.down))
        var day = Self.floorDiv(startWall, 86400) - 1   // a day early: DST can map a wall time backwards
        let lastDay = day + 366 * 8 + 2
        while day <= lastDay {
            let (year, month, dom) = Self.civil(fromDays: day)
            _ = year
            if months.contains(month) && dayMatches(day: dom, weekday: Self.floorMod(day + 4, 7)) {
                for h in hours {
                    for m in minutes {
                        let wall = day * 86400 + h * 3600 + m * 60
                        let instant = Self.instant(forWall: wall, timeZone: timeZone)
                        if instant > after { return Date(timeIntervalSince1970: instant) }
                    }
                }
            }
            day += 1
        }
        return nil
    }

    func dayMatches(day: Int, weekday: Int) -> Bool {
        let domOK = daysOfMonth.contains(day), dowOK = daysOfWeek.contains(weekday)
        if dayOfMonthStar || dayOfWeekStar { return domOK && dowOK }
        return domOK || dowOK
    }

    /// The instant at which wall-clock seconds `wall` (seconds since 1970-01-01 00:00 local)
    /// happen in `timeZone`: the first one when repeated, the end of the gap when skipped.
    static func instant(forWall wall: Int, timeZone: TimeZone) -> Double {
        let w = Double(wall)
        let before = timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: w - 86400))
        let after = timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: w + 86400))
        let offsets = before == after ? [before] : [max(before, after), min(before, after)]
        var valid: [Double] = []
        for o in offsets {
            let t = w - Double(o)
            if timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: t)) == o { valid.append(t) }
        }
        if let first = valid.min() { return first }
        // In a gap: the instant the new offset starts, found minute by minute between the two readings.
        let lower = w - Double(max(before, after)), upper = w - Double(min(before, after))
        var t = lower
        while t < upper {
            let o = timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: t))
            if w - Double(o) < t { break }   // this instant's wall time is past `wall`
            t += 60
        }
        return t
    }

    static func field(_ text: String, name: String, range: ClosedRange<Int>, names: [String], nameBase: Int = 0) throws -> Set<Int> {
        var out = Set<Int>()
        for part in text.split(separator: ",", omittingEmptySubsequences: false).map(String.init) {
            guard !part.isEmpty else { throw CronError(field: name, message: "empty list item in '\(text)'") }
            let pieces = part.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
            guard pieces.count <= 2 else { throw CronError(field: name, message: "'\(part)' has more than one '/'") }
            var step = 1
            if pieces.count == 2 {
                guard let s = Int(pieces[1]), s >= 1, s <= range.upperBound + 1 else {
                    throw CronError(field: name, message: "'\(pieces[1])' is not a step (a whole number from 1 to \(range.upperBound + 1))")
                }
                step = s
            }
            let base = pieces[0]
            let low: Int, high: Int
            if base == "*" {
                (low, high) = (range.lowerBound, range.upperBound)
            } else if let dash = base.firstIndex(of: "-"), dash != base.startIndex {
                low = try value(String(base[..<dash]), name: name, range: range, names: names, nameBase: nameBase)
                high = try value(String(base[base.index(after: dash)...]), name: name, range: range, names: names, nameBase: nameBase)
                guard low <= high else { throw CronError(field: name, message: "range '\(base)' runs backwards") }
            } else {
                low = try value(base, name: name, range: range, names: names, nameBase: nameBase)
                high = pieces.count == 2 ? range.upperBound : low
            }
            for v in stride(from: low, through: high, by: step) { out.insert(v) }
        }
        return out
    }

    static func value(_ text: String, name: String, range: ClosedRange<Int>, names: [String], nameBase: Int) throws -> Int {
        if let i = names.firstIndex(of: text.uppercased()) { return i + nameBase }
        guard text.allSatisfy(\.isASCII), let n = Int(text), range.contains(n) else {
            let extra = names.isEmpty ? "" : " or a name (\(names.first ?? "")…\(names.last ?? ""))"
            throw CronError(field: name, message: "'\(text)' is not \(Self.article(name)) \(name) (\(range.lowerBound)-\(range.upperBound)\(extra))")
        }
        return n
    }

    static func article(_ word: String) -> String { word.hasPrefix("h") ? "an" : "a" }

    static func floorDiv(_ a: Int, _ b: Int) -> Int { a >= 0 ? a / b : -((-a + b - 1) / b) }
    static func floorMod(_ a: Int, _ b: Int) -> Int { ((a % b) + b) % b }

    /// Year, month (1-12) and day (1-31) of a count of days since 1970-01-01 (proleptic Gregorian;
    /// Howard Hinnant's `civil_from_days`).
    static func civil(fromDays z0: Int) -> (Int, Int, Int) {
        let z = z0 + 719_468
        let era = floorDiv(z, 146_097)
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }
}

/// A cron expression that cannot be read: which field, and why.
public struct CronError: Error, Equatable, Sendable, CustomStringConvertible {
    /// `minute`, `hour`, `day of month`, `month`, `day of week`, or nil for the whole expression.
    public var field: String?
    public var message: String

    public var description: String { field.map { "\($0): \(message)" } ?? message }
}
