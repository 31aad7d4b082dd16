@testable import DeckEngine
import DeckStore
import XCTest

/// `models compare-live`: agreement, mean difference and each version's quality on the rows
/// with a label fed back, per primary/shadow pair (numbers worked out by hand below).
final class LiveComparisonTests: XCTestCase {
    func row(_ p: String?, _ pv: Double, _ s: String?, _ sv: Double, _ actual: String?, versions: (Int, Int) = (1, 2),
             classes: [String]? = ["no", "yes"]) -> ShadowPair {
        ShadowPair(primaryVersion: versions.0, shadowVersion: versions.1, primaryLabel: p, shadowLabel: s, primaryValue: pv,
                   shadowValue: sv, actual: actual, classes: classes)
    }

    func testBinaryAgreementAccuracyAndAUCPerVersionPair() {
        let rows = [
            row("yes", 0.6, "yes", 0.6, "yes", versions: (2, 3)),  // newest: another pair
            row("yes", 0.9, "yes", 0.5, "yes"),
            row("no", 0.2, "yes", 0.6, "no"),
            row("yes", 0.7, "no", 0.4, "no"),
            row("no", 0.1, "no", 0.3, nil),
        ]
        let c = LiveComparison.summarize(model: "m", rows: rows)
        XCTAssertEqual(c.pairs.map { [$0.primaryVersion, $0.shadowVersion] }, [[2, 3], [1, 2]])
        let p = c.pairs[1]
        XCTAssertEqual(p.rows, 4)
        XCTAssertEqual(p.agreement, 0.5)                                   // rows 1 and 4 agree
        XCTAssertEqual(p.meanAbsoluteDifference ?? .nan, (0.4 + 0.4 + 0.3 + 0.2) / 4, accuracy: 1e-12)
        XCTAssertEqual(p.labeled, 3)
        XCTAssertEqual(p.primary["accuracy"] ?? .nan, 2.0 / 3, accuracy: 1e-12)
        XCTAssertEqual(p.shadow["accuracy"] ?? .nan, 2.0 / 3, accuracy: 1e-12)
        XCTAssertEqual(p.primary["auc"], 1.0)                              // 0.9 above 0.2 and 0.7
        XCTAssertEqual(p.shadow["auc"], 0.5)                               // 0.5 below 0.6, above 0.4
        XCTAssertEqual(c.pairs[0].labeled, 1)
        XCTAssertNil(c.pairs[0].primary["auc"], "one class only: no AUC")
    }

    func testRegressionMeanDifferenceMAEAndRMSE() {
        let rows = [row(nil, 1, nil, 2, "1.5", classes: nil), row(nil, 3, nil, 4, "4", classes: nil), row(nil, 5, nil, 5, "n/a", classes: nil)]
        let p = LiveComparison.summarize(model: "m", rows: rows).pairs[0]
        XCTAssertNil(p.agreement)
        XCTAssertEqual(p.meanAbsoluteDifference ?? .nan, 2.0 / 3, accuracy: 1e-12)
        XCTAssertEqual(p.primary["mae"] ?? .nan, 0.75, accuracy: 1e-12)
        XCTAssertEqual(p.primary["rmse"] ?? .nan, (0.625).squareRoot(), accuracy: 1e-12)
        XCTAssertEqual(p.shadow["mae"] ?? .nan, 0.25, accuracy: 1e-12)
        XCTAssertEqual(p.shadow["rmse"] ?? .nan, (0.125).squareRoot(), accuracy: 1e-12)
        XCTAssertTrue(LiveComparison.summarize(model: "m", rows: []).pairs.isEmpty)
    }
}
