@testable import DeckTUI
import XCTest

/// Values from outside (metrics a script logged, times stored in the database) at the edges of
/// `Double` are drawn without trapping in `Int(_:)`.
final class ExtremeValueTests: XCTestCase {
    func testNumbersAndTimesAtTheEdgesFormat() {
        XCTAssertEqual(CompactNumber.format(1e300), "1e+300")
        XCTAssertEqual(CompactNumber.format(-1.5e18), "-1.5e+18")
        XCTAssertEqual(CompactNumber.format(2.5e9), "2.5G")
        XCTAssertFalse(CompactNumber.fixed(1e300, 2).isEmpty)
        XCTAssertFalse(DisplayFormat.duration(1e300).isEmpty)
        XCTAssertEqual(DisplayFormat.time(1e300), "-")
        XCTAssertEqual(DisplayFormat.time(-1e300), "-")
        XCTAssertFalse(DisplayFormat.time(1e12).isEmpty)
        XCTAssertFalse(DisplayFormat.ago(-1e300, now: 1_800_000_000).isEmpty)
        XCTAssertFalse(DisplayFormat.ago(1e300, now: 1_800_000_000).isEmpty)
    }

    func testChartsOfHugeValuesDraw() {
        let chart = LineChart(series: [ChartSeries("m", values: [-1.7e308, 0, 1.7e308, .infinity, .nan])])
        let (dots, _) = chart.plot(width: 10, height: 4)
        XCTAssertTrue(dots.contains { $0 != 0 })
        XCTAssertEqual(Sparkline(values: [-1.7e308, 1.7e308, 0, .nan]).text(width: 4).count, 4)
    }
}
