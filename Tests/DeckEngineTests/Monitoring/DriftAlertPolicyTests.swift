@testable import DeckEngine
@testable import DeckML
import DeckStore
import DeckTestSupport
import Foundation
import XCTest

/// The drift alert rules: severity from the report, features strongest first, raise once, resolve when clean.
final class DriftAlertPolicyTests: XCTestCase {
    func result(_ column: String, test: DriftTest = .wasserstein, score: Double, unseen: [String] = [],
                missing: (Double, Double) = (0, 0)) -> DriftResult {
        DriftResult(column: column, type: test.needsNumbers ? .numerical : .categorical, test: test, automatic: true, score: score,
                    statistic: score, pValue: test.isPValue ? score : nil, threshold: test.defaultThreshold,
                    drifted: test.drifts(score: score, threshold: test.defaultThreshold), referenceRows: 100, currentRows: 100,
                    referenceMissingShare: missing.0, currentMissingShare: missing.1, distinctValues: 10, unseenCategories: unseen, note: nil)
    }

    func report(_ columns: [DriftResult]) -> DriftReport { DriftReport(columns: columns, driftShare: 0.5, referenceRows: 100, currentRows: 100) }

    func testSeverityFollowsTheRules() {
        XCTAssertEqual(DriftAlertPolicy.severity(report([result("a", score: 0.5), result("b", score: 0.3)])), .critical)
        XCTAssertEqual(DriftAlertPolicy.severity(report([result("a", score: 0.5), result("b", score: 0.01), result("c", score: 0.01)])), .warning)
        XCTAssertEqual(DriftAlertPolicy.severity(report([result("c", test: .jensenShannon, score: 0.01, unseen: ["Martian"])])), .info)
        XCTAssertEqual(DriftAlertPolicy.severity(report([result("a", score: 0.01, missing: (0.01, 0.2))])), .info)
        XCTAssertNil(DriftAlertPolicy.severity(report([result("a", score: 0.01, missing: (0.01, 0.05))])))
    }

    func testFeaturesAreSortedByStrengthAcrossTests() {
        let r = report([result("weak", score: 0.12), result("p", test: .ks, score: 1e-10), result("clean", score: 0.01), result("strong", score: 0.9)])
        // ks: -log10(1e-10) / -log10(0.05) ≈ 7.7; wasserstein 0.9 / 0.1 = 9; 0.12 / 0.1 = 1.2.
        XCTAssertEqual(DriftAlertPolicy.features(r).map(\.name), ["strong", "p", "weak", "clean"])
        XCTAssertTrue(DriftAlertPolicy.message(r).hasSuffix("features drifted (share 0.75, dataset drift at ≥ 0.50): strong, p, weak"), DriftAlertPolicy.message(r))
    }

    func testApplyRaisesUpdatesEscalatesAndResolves() throws {
        try StoreImplementation.each(prefix: "policy") { kind, store, _ in
            let info = report([result("c", test: .jensenShannon, score: 0.01, unseen: ["new"])])
            XCTAssertEqual(try DriftAlertPolicy.apply(info, model: "m", version: 1, window: "w1", store: store, now: 1).map(\.action), [.raised])
            let warning = report([result("a", score: 0.5), result("b", score: 0.01), result("c", score: 0.01)])
            let up = try DriftAlertPolicy.apply(warning, model: "m", version: 1, window: "w2", store: store, now: 2)
            XCTAssertEqual(up.map(\.action), [.escalated], "\(kind)")
            XCTAssertTrue(up[0].shouldNotify)
            XCTAssertEqual(try DriftAlertPolicy.apply(warning, model: "m", version: 1, window: "w3", store: store, now: 3).map(\.action), [.updated])
            let clean = try DriftAlertPolicy.apply(report([result("a", score: 0.01)]), model: "m", version: 1, window: "w4", store: store, now: 4)
            XCTAssertEqual(clean.map(\.action), [.resolved])
            XCTAssertEqual(clean.first?.alert.resolvedReason, "w4: no drift")
            XCTAssertEqual(try DriftAlertPolicy.apply(report([result("a", score: 0.01)]), model: "m", version: 1, window: "w5", store: store, now: 5), [])
        }
    }
}
