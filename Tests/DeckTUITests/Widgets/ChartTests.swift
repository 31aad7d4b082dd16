import XCTest
@testable import DeckTUI

final class ChartTests: XCTestCase {
    func testBrailleDotMapping() {
        XCTAssertEqual(BlockGlyphs.braille(0), "⠀")
        XCTAssertEqual(BlockGlyphs.braille(0xFF), "⣿")
        XCTAssertEqual(BlockGlyphs.braille(1 << 0), "⠁")   // row 0, col 0
        XCTAssertEqual(BlockGlyphs.braille(1 << 1), "⠈")   // row 0, col 1
        XCTAssertEqual(BlockGlyphs.braille(1 << 6), "⡀")   // row 3, col 0
        XCTAssertEqual(BlockGlyphs.braille(1 << 7), "⢀")   // row 3, col 1
        XCTAssertEqual(BlockGlyphs.braille(1 << 4), "⠄")   // row 2, col 0
    }

    func testLineChartPlotsTwoSamplesPerCellAcross() {
        let chart = LineChart(series: [ChartSeries("up", values: [0, 1, 2, 3, 4, 5, 6, 7])], yMin: 0, yMax: 7)
        let (dots, owner) = chart.plot(width: 4, height: 1)
        XCTAssertEqual(String(dots.map(BlockGlyphs.braille)), "⣀⠤⠒⠉")
        XCTAssertEqual(owner, [0, 0, 0, 0])
    }

    func testLineChartConnectsSteepSteps() {
        // A jump from the bottom to the top between two samples fills the column between them.
        let chart = LineChart(series: [ChartSeries("step", values: [0, 0, 1, 1])])
        let (dots, _) = chart.plot(width: 2, height: 1)
        XCTAssertEqual(String(dots.map(BlockGlyphs.braille)), "⣀⠏", "column 2 rises through every dot row")
        let steep = LineChart(series: [ChartSeries("s", values: [0, 1])])
        let (d2, _) = steep.plot(width: 1, height: 2)
        // Column 0 at the bottom, column 1 at the top, with column 1 filled down to meet it.
        XCTAssertEqual(String(d2.map(BlockGlyphs.braille)), "⢸⡸")
    }

    func testLineChartRendersAxesLabelsAndLegend() {
        let chart = LineChart(series: [ChartSeries("train", values: [0.5, 0.7, 0.9]),
                                       ChartSeries("valid", values: [0.5, 0.6, 0.7])],
                              xLabels: ("0", "100"))
        let c = draw(30, 8) { chart.render(into: $0, theme: theme) }
        let lines = c.trimmedLines()
        XCTAssertEqual(lines[0], "━ train  ━ valid")
        // Round-number ticks (step 0.2), the axis widened to 0.4…1, each label on its tick mark.
        XCTAssertTrue(lines[1].hasPrefix("  1┤"), lines[1])
        XCTAssertTrue(lines[2].hasPrefix("0.8┤"), lines[2])
        XCTAssertTrue(lines[4].hasPrefix("0.6┤"), lines[4])
        XCTAssertTrue(lines[5].hasPrefix("0.4┤"), lines[5])
        XCTAssertTrue(lines[6].hasPrefix("   └────"), lines[6])
        XCTAssertEqual(lines[7], "    0                      100")
        // Plot cells are braille in the series colours.
        let plotted = (1...5).flatMap { y in (4..<30).map { Point(x: $0, y: y) } }
            .filter { c[$0.x, $0.y].character.unicodeScalars.first!.value >= 0x2800 && c[$0.x, $0.y].character != " " }
        XCTAssertFalse(plotted.isEmpty)
        let colours = Set(plotted.map { c.style(at: $0).fg })
        XCTAssertEqual(colours, [theme[.chartSeries1].fg, theme[.chartSeries2].fg])
        XCTAssertEqual(c.style(at: Point(x: 0, y: 0)).fg, theme[.chartSeries1].fg)
    }

    func testEachTickLabelSitsOnTheRowWhereItsValueIsPlotted() {
        for (values, height) in [([0.51, 0.93], 12), ([-3.2, 17.5], 9), ([1_250.0, 1_900], 20), ([0.0, 1], 6)] {
            let ticks = LineChart(series: [ChartSeries("s", values: values)]).ticks(rows: height)
            XCTAssertLessThanOrEqual(ticks.low, values[0]); XCTAssertGreaterThanOrEqual(ticks.high, values[1])
            for (row, text) in ticks.labels(rows: height) {
                guard let value = ticks.values.first(where: { CompactNumber.format($0) == text }) else { return XCTFail(text) }
                // A round number: a whole multiple of the step.
                XCTAssertEqual((value / ticks.step).rounded(), value / ticks.step, accuracy: 1e-9, "\(text) is not a tick")
                // A flat series at the tick's value lights dots in the tick's row and no other.
                let chart = LineChart(series: [ChartSeries("range", values: values), ChartSeries("flat", values: [value, value])],
                                      yMin: ticks.low, yMax: ticks.high)
                let (dots, owner) = chart.plot(width: 4, height: height)
                let flatRows = Set(dots.indices.filter { dots[$0] != 0 && owner[$0] == 1 }.map { $0 / 4 })
                XCTAssertEqual(flatRows, [row], "tick \(text) of \(values) on \(height) rows")
            }
            XCTAssertGreaterThanOrEqual(ticks.labels(rows: height).count, 2)
        }
        XCTAssertEqual(AxisTicks.roundStep(0.17), 0.2, accuracy: 1e-12)
        XCTAssertEqual(AxisTicks.roundStep(0.24), 0.25, accuracy: 1e-12)
        XCTAssertEqual(AxisTicks.roundStep(3.1), 5, accuracy: 1e-12)
        XCTAssertEqual(AxisTicks.roundStep(7), 10, accuracy: 1e-12)
    }

    func testFlatSeriesGetsARange() {
        let chart = LineChart(series: [ChartSeries("flat", values: [3, 3, 3])])
        let (lo, hi) = chart.yRange()
        XCTAssertLessThan(lo, 3)
        XCTAssertGreaterThan(hi, 3)
    }

    func testSparklineLevels() {
        XCTAssertEqual(Sparkline(values: [1, 2, 3, 4, 5, 6, 7, 8]).text(width: 8), "▁▂▃▄▅▆▇█")
        XCTAssertEqual(Sparkline(values: [0, 10]).text(width: 10), "▁█")
        XCTAssertEqual(Sparkline(values: [5, 5, 5]).text(width: 3), "▄▄▄")
        XCTAssertEqual(Sparkline(values: [1, 2, 3, 4]).text(width: 2), "▁█", "only the newest values that fit")
        XCTAssertEqual(Sparkline(values: [0, .nan, 1]).text(width: 3), "▁ █")
        let c = draw(5, 1) { Sparkline(values: [0, 1], slot: .chartSeries2).render(into: $0, theme: theme) }
        assertLines(c, ["▁█"])
        XCTAssertEqual(c.style(at: .zero), theme[.chartSeries2])
    }

    func testHistogramEighthBlocks() {
        XCTAssertEqual(Histogram.column(value: 0.5, maximum: 1, height: 2), [" ", "█"])
        XCTAssertEqual(Histogram.column(value: 0.3, maximum: 1, height: 1), ["▂"])
        XCTAssertEqual(Histogram.column(value: 1, maximum: 1, height: 2), ["█", "█"])
        XCTAssertEqual(Histogram.column(value: 0.75, maximum: 1, height: 2), ["▄", "█"])
        let h = Histogram(bins: [1, 2, 4], labels: ["a", "b", "c"])
        let c = draw(6, 3) { h.render(into: $0, theme: theme) }
        assertLines(c, ["    █", "▄ █ █", "a b c"])
        XCTAssertEqual(c.style(at: Point(x: 4, y: 0)), theme[.bar])
    }

    func testHistogramComparisonSeries() {
        let h = Histogram(bins: [1, 0], compare: [0, 1])
        let c = draw(6, 1) { h.render(into: $0, theme: theme) }
        assertLines(c, ["█   █"])
        XCTAssertEqual(c.style(at: Point(x: 4, y: 0)), theme[.chartSeries3])
    }

    func testProgressBar() {
        XCTAssertEqual(ProgressBar.bar(fraction: 0.5, width: 10), "█████     ")
        XCTAssertEqual(ProgressBar.bar(fraction: 0.55, width: 10), "█████▌    ")
        XCTAssertEqual(ProgressBar.bar(fraction: 1, width: 4), "████")
        XCTAssertEqual(ProgressBar.bar(fraction: 2, width: 3), "███")
        XCTAssertEqual(ProgressBar.bar(fraction: .nan, width: 3), "   ")
        let c = draw(12, 1) { ProgressBar(fraction: 0.25).render(into: $0, theme: theme) }
        assertLines(c, ["█▊·····  25%"])  // 7-column bar: 0.25 × 56 eighths = 1 full + ▊
        let l = draw(12, 1) { ProgressBar(fraction: 0.5, label: "3/6").render(into: $0, theme: theme) }
        assertLines(l, ["███▌···  3/6"])
    }

    func testCompactNumbers() {
        XCTAssertEqual(CompactNumber.format(0.81234), "0.8123")
        XCTAssertEqual(CompactNumber.format(12.5), "12.5")
        XCTAssertEqual(CompactNumber.format(12_345), "12.3k")
        XCTAssertEqual(CompactNumber.format(3_400_000), "3.4M")
        XCTAssertEqual(CompactNumber.format(-0.05), "-0.05")
        XCTAssertEqual(CompactNumber.format(0), "0")
        XCTAssertEqual(CompactNumber.fixed(1.005, 1), "1.0")
        XCTAssertEqual(CompactNumber.fixed(-2.5, 2), "-2.50")
    }
}
