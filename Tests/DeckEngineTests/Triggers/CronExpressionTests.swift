import DeckEngine
import XCTest

/// The cron parser and next-firing computation: against croniter (the generated fixture) for every
/// case away from daylight-saving changes, and by hand across them.
final class CronExpressionTests: XCTestCase {
    func zone(_ id: String) throws -> TimeZone { try XCTUnwrap(TimeZone(identifier: id)) }

    func next(_ expr: String, _ zoneID: String, after: Double, count: Int = 3) throws -> [Double] {
        let cron = try CronExpression(expr)
        var out: [Double] = [], t = after
        for _ in 0..<count {
            let n = try XCTUnwrap(cron.nextFiring(after: Date(timeIntervalSince1970: t), timeZone: try zone(zoneID)))
            out.append(n.timeIntervalSince1970); t = n.timeIntervalSince1970
        }
        return out
    }

    /// 288 cases (20 expressions with lists, ranges, steps, names, `7` = Sunday and the Vixie OR
    /// rule, in UTC, Berlin, New York and Kolkata): the next three firings equal croniter's.
    func testAgreesWithCroniter() throws {
        XCTAssertGreaterThan(CronFixture.cases.count, 250)
        var mismatches: [String] = []
        for (expr, zoneID, start, expected) in CronFixture.cases {
            let got = try next(expr, zoneID, after: start)
            if got != expected { mismatches.append("\(expr) [\(zoneID)] after \(Int(start)): got \(got.map { Int($0) }), croniter \(expected.map { Int($0) })") }
        }
        XCTAssertTrue(mismatches.isEmpty, "\(mismatches.count) mismatches:\n" + mismatches.prefix(20).joined(separator: "\n"))
    }

    /// Berlin, 29 March 2026: 02:00-02:59 does not exist. `30 2 * * *` fires at the end of the gap
    /// (03:00 CEST = 01:00 UTC), then at 02:30 CEST the next day (00:30 UTC).
    func testSpringForwardGapFiresAtTheEndOfTheGap() throws {
        XCTAssertEqual(try next("30 2 * * *", "Europe/Berlin", after: 1_774_699_200, count: 2), [1_774_746_000, 1_774_830_600])
        // New York, 8 March 2026 (gap 02:00-02:59 EST): `*/30` gives 03:00 EDT (07:00 UTC) once, then 03:30.
        XCTAssertEqual(try next("*/30 * * * *", "America/New_York", after: 1_772_952_300, count: 2), [1_772_953_200, 1_772_955_000])
    }

    /// Berlin, 25 October 2026: 02:00-02:59 happens twice. `30 2 * * *` fires once, at the first
    /// 02:30 (CEST, 00:30 UTC); the next is 02:30 CET on the 26th (01:30 UTC). `*/15` does not
    /// repeat the hour: after 02:45 CEST comes 03:00 CET.
    func testFallBackRepeatedHourFiresOnce() throws {
        XCTAssertEqual(try next("30 2 * * *", "Europe/Berlin", after: 1_792_843_200, count: 2), [1_792_888_200, 1_792_978_200])
        XCTAssertEqual(try next("*/15 * * * *", "Europe/Berlin", after: 1_792_889_100, count: 1), [1_792_893_600])
    }

    /// Local time versus UTC: `0 3 * * *` in Kolkata (+05:30) is 21:30 UTC the day before.
    func testZoneShiftsTheFiring() throws {
        // 2026-01-15 00:00 UTC → 2026-01-15 03:00 IST = 2026-01-14 21:30 UTC has passed → 2026-01-15 21:30 UTC.
        XCTAssertEqual(try next("0 3 * * *", "Asia/Kolkata", after: 1_768_435_200, count: 1), [1_768_512_600])
        XCTAssertEqual(try next("0 3 * * *", "UTC", after: 1_768_435_200, count: 1), [1_768_446_000])
    }

    /// Vixie's rule by hand: `0 0 13 * FRI` fires on every 13th and on every Friday; `0 0 13 * *`
    /// and `0 0 * * FRI` (one side `*`) only on their own days; `*/1` in a day field counts as `*`.
    func testDayOfMonthOrDayOfWeek() throws {
        let jan1 = 1_767_225_600.0   // 2026-01-01 00:00 UTC, a Thursday
        let day = 86400.0
        XCTAssertEqual(try next("0 0 13 * FRI", "UTC", after: jan1, count: 3), [jan1 + day, jan1 + 8 * day, jan1 + 12 * day])
        XCTAssertEqual(try next("0 0 13 * *", "UTC", after: jan1, count: 1), [jan1 + 12 * day])
        XCTAssertEqual(try next("0 0 * * FRI", "UTC", after: jan1, count: 2), [jan1 + day, jan1 + 8 * day])
        XCTAssertEqual(try next("0 0 */1 * FRI", "UTC", after: jan1, count: 2), [jan1 + day, jan1 + 8 * day])
    }

    func testErrorsNameTheField() {
        func message(_ text: String) -> String { do { _ = try CronExpression(text); return "no error" } catch { return "\(error)" } }
        XCTAssertEqual(message("0 3 * *"), "expected five fields (minute hour day month weekday), found 4")
        XCTAssertEqual(message("60 3 * * *"), "minute: '60' is not a minute (0-59)")
        XCTAssertEqual(message("0 24 * * *"), "hour: '24' is not an hour (0-23)")
        XCTAssertTrue(message("0 3 * FOO *").hasPrefix("month: 'FOO' is not a month (1-12 or a name (JAN…DEC))"), message("0 3 * FOO *"))
        XCTAssertEqual(message("0 3 * * 1-9"), "day of week: '9' is not a day of week (0-7 or a name (SUN…SAT))")
        XCTAssertEqual(message("*/0 * * * *"), "minute: '0' is not a step (a whole number from 1 to 60)")
        XCTAssertEqual(message("5-1 * * * *"), "minute: range '5-1' runs backwards")
        XCTAssertEqual(message("0 0 30 2 *"), "day of month: '0 0 30 2 *' never fires (no such date)")
        XCTAssertEqual(message("1,,2 * * * *"), "minute: empty list item in '1,,2'")
        XCTAssertEqual(message("99999999999999999999 * * * *"), "minute: '99999999999999999999' is not a minute (0-59)")
    }
}
