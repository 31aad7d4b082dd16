@testable import DeckStore
import XCTest

/// One formatter for durations and times, safe for any stored value.
final class TimeTextTests: XCTestCase {
    func testDurations() {
        XCTAssertEqual(TimeText.duration(0.012), "12ms")
        XCTAssertEqual(TimeText.duration(2.5), "2.5s")
        XCTAssertEqual(TimeText.duration(59.96), "1m00s")
        XCTAssertEqual(TimeText.duration(65), "1m05s")
        XCTAssertEqual(TimeText.duration(3723), "1h02m")
        XCTAssertEqual(TimeText.duration(90000), "1d01h")
        XCTAssertEqual(TimeText.duration(-65), "-1m05s")
        XCTAssertEqual(TimeText.duration(.nan), "-")
        XCTAssertEqual(TimeText.duration(.infinity), "inf")
        XCTAssertEqual(TimeText.duration(1e300), "3.17e+292y", "huge stored durations do not trap")
        XCTAssertEqual(TimeText.duration(-1e300), "-3.17e+292y")
    }

    func testLocalTimesAndTheCalendarsLimits() {
        let saved = getenv("TZ").map { String(cString: $0) }
        setenv("TZ", "UTC", 1); tzset()
        defer { if let saved { setenv("TZ", saved, 1) } else { unsetenv("TZ") }; tzset() }
        XCTAssertEqual(TimeText.localTime(1_764_340_000), "2025-11-28 14:26")
        XCTAssertEqual(TimeText.localTime(1_764_340_005, withSeconds: true), "2025-11-28 14:26:45")
        XCTAssertEqual(TimeText.localTime(-86400), "1969-12-31 00:00")
        XCTAssertNil(TimeText.localTime(1e300))
        XCTAssertNil(TimeText.localTime(-1e12))
        XCTAssertNil(TimeText.localTime(.nan))
    }
}
