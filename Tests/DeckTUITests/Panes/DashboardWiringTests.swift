import DeckEngine
import DeckStore
import Foundation
import XCTest
@testable import DeckTUI

final class DashboardWiringTests: XCTestCase {
    func testHeadlessDashboardShowsTheThreePanesAndAppliesKeys() throws {
        let store = try makeRegistryStore()
        try seedRuns(store)
        try MainActor.assumeIsolated {
            var text = try HeadlessDashboard.run(store: store, size: Size(width: 120, height: 30), theme: nil, readOnly: false, keys: "")
            if !text.contains("● 1 running") || !text.contains("epsilon") || !text.contains("1 Runs  2 Datasets  3 Models") { try? text.write(toFile: "/tmp/hw-dbg-\(getpid()).txt", atomically: true, encoding: .utf8) }
            XCTAssertTrue(text.contains("1 Runs  2 Datasets  3 Models"), text)
            XCTAssertTrue(text.contains("● 1 running"), text)
            XCTAssertTrue(text.contains("epsilon"), text)
            text = try HeadlessDashboard.run(store: store, size: Size(width: 120, height: 30), theme: nil, readOnly: false,
                                             keys: "3,enter")
            XCTAssertTrue(text.contains("Models › churn-model"), text)
            if !text.contains("Models › churn-model") { try? ("B\n" + text).write(toFile: "/tmp/hw-dbgB-\(getpid()).txt", atomically: true, encoding: .utf8) }
            text = try HeadlessDashboard.run(store: store, size: Size(width: 120, height: 30), theme: nil, readOnly: true,
                                             keys: "3,enter,p")
            XCTAssertTrue(text.contains("READ-ONLY"), text)
            XCTAssertTrue(text.contains("read-only mode"), text)
            if !text.contains("read-only mode") || !text.contains("READ-ONLY") { try? ("C\n" + text).write(toFile: "/tmp/hw-dbgC-\(getpid()).txt", atomically: true, encoding: .utf8) }
        }
    }

    func testKeyScriptParsing() {
        MainActor.assumeIsolated {
            XCTAssertEqual(HeadlessDashboard.parse("j,enter,text:a b,comma,esc"),
                           [.char("j"), .enter, .char("a"), .char(" "), .char("b"), .char(","), .escape])
        }
    }

    func testAnUnknownThemeIsReportedAndTheDefaultUsed() throws {
        let store = try makeTestStore()
        MainActor.assumeIsolated {
            var options = Dashboard.Options(theme: "no-such-theme")
            options.rememberSettings = false
            options.catalog = ThemeCatalog(bundledDirectories: [themesDirectory], userDirectory: nil)
            let dashboard = Dashboard(store: store, options: options)
            XCTAssertEqual(dashboard.app.theme.name, Theme.defaultTheme.name)
            XCTAssertTrue(dashboard.app.currentToast?.message.contains("no-such-theme") == true)
            options.theme = "light"
            let light = Dashboard(store: store, options: options)
            XCTAssertEqual(light.app.baseTheme.name, "light")
        }
    }

    func testSettingsFileMissingOrMalformedGivesDefaults() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("ui-\(UUID()).json")
        XCTAssertEqual(DashboardSettings.load(from: url), DashboardSettings())
        try Data("{not json".utf8).write(to: url)
        XCTAssertEqual(DashboardSettings.load(from: url), DashboardSettings())
        DashboardSettings(runs: .init(columns: ["name"], sort: "name ASC")).save(to: url)
        XCTAssertEqual(DashboardSettings.load(from: url).runs.columns, ["name"])
    }
}

final class DemoDataTests: XCTestCase {
    func testTheGeneratorIsSeededAndShapedLikeTheTelcoData() throws {
        let gen = ChurnDataGenerator(seed: 2024)
        XCTAssertEqual(gen.customer(17), gen.customer(17), "same seed and id, same customer")
        XCTAssertNotEqual(ChurnDataGenerator(seed: 1).customer(17), gen.customer(17))
        let customers = gen.customers(1..<5001)
        func rate(_ f: (ChurnDataGenerator.Customer) -> Bool) -> Double { Double(customers.filter(f).count) / Double(customers.count) }
        XCTAssertEqual(rate(\.senior), 0.16, accuracy: 0.02)
        XCTAssertEqual(rate(\.phone), 0.90, accuracy: 0.02)
        XCTAssertEqual(rate { $0.internet == 2 }, 0.22, accuracy: 0.02)
        XCTAssertEqual(rate(\.churn), 0.27, accuracy: 0.06, "about the original's 26.5 % churn")
        // The same 21 columns as ../shared/data/wa_churn.csv (its row number is our customer id).
        let real = try String(contentsOfFile: "/work/shared/data/wa_churn.csv", encoding: .utf8).split(separator: "\n")[0]
            .split(separator: ",").map(String.init)
        XCTAssertEqual(Array(ChurnDataGenerator.columns.dropFirst()).sorted(), Array(real.dropFirst()).sorted())
        let csv = ChurnDataGenerator.csv(Array(customers.prefix(3)))
        XCTAssertEqual(csv.split(separator: "\n").count, 4)
        XCTAssertTrue(csv.contains("\"Electronic check\"") || csv.contains("\"Mailed check\"") || csv.contains("(automatic)"))
    }

    func testThePriceRiseDriftsChargesAndChurn() {
        let gen = ChurnDataGenerator(seed: 2024)
        let before = gen.customers(1..<3001), after = gen.customers(1..<3001, drift: .priceRise)
        func mean(_ xs: [Double]) -> Double { xs.reduce(0, +) / Double(xs.count) }
        let fiberBefore = mean(before.filter { $0.internet == 1 }.map(\.monthlyCharges))
        let fiberAfter = mean(after.filter { $0.internet == 1 }.map(\.monthlyCharges))
        XCTAssertEqual(fiberAfter / fiberBefore, 1.22, accuracy: 0.05)
        XCTAssertGreaterThan(Double(after.filter(\.churn).count), Double(before.filter(\.churn).count) * 1.15)
        XCTAssertEqual(before[0].female, after[0].female, "a customer keeps their attributes")
    }
}
