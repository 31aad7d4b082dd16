@testable import DeckML
import XCTest

/// `DriftDetector`'s automatic choice and verdicts against Evidently 0.7's `DataDriftPreset` on the
/// committed fixtures: both branches (reference ≤ 1,000 rows and larger), numeric columns with ≤ 5
/// distinct values, a constant column, an unseen category, missing values and an empty window.
final class DriftVerdictTests: XCTestCase {
    private func report(_ name: String, options: DriftOptions = DriftOptions()) throws -> DriftReport {
        let inputs = try DriftInputBuilder.inputs(reference: try DriftFixture.table(name + "_reference"),
                                                  current: try DriftFixture.table(name + "_current")).inputs
        return try DriftDetector.report(inputs, options: options)
    }

    func testDefaultTestsScoresAndVerdictsMatchEvidently() throws {
        var compared = 0
        for c in try DriftFixture.cases() {
            let name = try XCTUnwrap(c["name"] as? String)
            let evidently = try XCTUnwrap(c["evidently"] as? [String: Any])
            guard let columns = evidently["columns"] as? [String: [String: Any]] else { continue }
            let ours = try report(name)
            XCTAssertEqual(Set(ours.columns.map(\.column)), Set(columns.keys), "\(name): compared columns")
            for (column, e) in columns {
                let r = try XCTUnwrap(ours[column], "\(name).\(column)")
                let method = try XCTUnwrap(e["method"] as? String)
                XCTAssertEqual(r.test, DriftFixture.test(evidentlyMethod: method), "\(name).\(column): test (Evidently: \(method))")
                assertClose(r.threshold, DriftFixture.number(e["threshold"]), 1e-12, "\(name).\(column) threshold")
                assertClose(r.score, DriftFixture.number(e["score"]), r.test.isPValue ? 1e-6 : 1e-9, "\(name).\(column) score")
                XCTAssertEqual(r.drifted, e["drifted"] as? Bool, "\(name).\(column): verdict")
                compared += 1
            }
            let dataset = try XCTUnwrap(evidently["dataset"] as? [String: Any])
            XCTAssertEqual(ours.driftedColumns, dataset["count"] as? Int, "\(name): drifted columns")
            XCTAssertEqual(ours.datasetDrift, dataset["drift"] as? Bool, "\(name): dataset drift")
        }
        XCTAssertGreaterThan(compared, 30)
    }

    /// Every test forced on every column scores as Evidently's (PSI and Jensen-Shannon bins included).
    func testEachTestScoresAsEvidently() throws {
        var compared = 0
        for c in try DriftFixture.cases() {
            let name = try XCTUnwrap(c["name"] as? String)
            guard let perTest = (c["evidently"] as? [String: Any])?["per_test"] as? [String: Any] else { continue }
            for (testName, value) in perTest {
                guard let scores = value as? [String: Any], scores["error"] == nil, let test = DriftTest(rawValue: testName) else { continue }
                // As the fixture script forces them: KS and Wasserstein on numerical columns, chi-square
                // and Z on categorical ones, PSI and Jensen-Shannon on both.
                var options = DriftOptions()
                if test != .chiSquare && test != .zTest { options.numericalTest = test }
                if !test.needsNumbers { options.categoricalTest = test }
                let ours = try report(name, options: options)
                for (column, score) in scores {
                    guard let r = ours[column], r.test == test else { continue }
                    assertClose(r.score, DriftFixture.number(score), test.isPValue ? 1e-6 : 1e-9, "\(name).\(column) \(testName)")
                    compared += 1
                }
            }
        }
        XCTAssertGreaterThan(compared, 50)
    }

    /// A window from the reference distribution raises nothing; a shifted one names exactly the
    /// shifted columns (and the one with an unseen category). An always-drift detector fails this.
    func testSameDistributionIsQuietAndShiftNamesExactlyTheShiftedColumns() throws {
        for c in try DriftFixture.cases() {
            let name = try XCTUnwrap(c["name"] as? String)
            guard name != "empty_window" else { continue }
            var expected = Set(try XCTUnwrap(c["shifted"] as? [String]))
            if name == "small_shift" { expected.insert("cat_same") }  // the unseen category
            let ours = try report(name)
            XCTAssertEqual(Set(ours.driftedColumnNames), expected, name)
            XCTAssertEqual(ours.datasetDrift, false, "\(name): fewer than half the columns drift")
        }
    }

    func testUnseenCategoryIsReportedAndDrifts() throws {
        let r = try XCTUnwrap(try report("small_shift")["cat_same"])
        XCTAssertEqual(r.unseenCategories, ["purple"])
        XCTAssertEqual(r.test, .chiSquare)
        XCTAssertEqual(r.pValue, 0)
        XCTAssertTrue(r.drifted)
    }

    func testMissingValuesAreExcludedAndTheirShareReported() throws {
        let r = try XCTUnwrap(try report("small_shift")["with_missing"])
        XCTAssertFalse(r.drifted)
        XCTAssertGreaterThan(r.currentMissingShare, r.referenceMissingShare + 0.1)
        XCTAssertEqual(r.referenceRows, 600)
    }

    /// The current file has a header and no rows: no column gets a score and nothing drifts.
    func testEmptyWindowScoresNothing() throws {
        let ours = try report("empty_window")
        XCTAssertEqual(ours.currentRows, 0)
        XCTAssertFalse(ours.columns.isEmpty)
        XCTAssertTrue(ours.columns.allSatisfy { $0.score == nil && !$0.drifted && $0.note != nil })
        XCTAssertFalse(ours.datasetDrift)
    }

    func testAutomaticChoiceFollowsEvidentlyDefaults() {
        XCTAssertEqual(DriftDetector.automaticTest(kind: .numerical, referenceCount: 1000, distinctValues: 6), .ks)
        XCTAssertEqual(DriftDetector.automaticTest(kind: .numerical, referenceCount: 1000, distinctValues: 5), .chiSquare)
        XCTAssertEqual(DriftDetector.automaticTest(kind: .numerical, referenceCount: 1000, distinctValues: 2), .zTest)
        XCTAssertEqual(DriftDetector.automaticTest(kind: .categorical, referenceCount: 10, distinctValues: 40), .chiSquare)
        XCTAssertEqual(DriftDetector.automaticTest(kind: .numerical, referenceCount: 1001, distinctValues: 6), .wasserstein)
        XCTAssertEqual(DriftDetector.automaticTest(kind: .numerical, referenceCount: 1001, distinctValues: 5), .jensenShannon)
        XCTAssertEqual(DriftDetector.automaticTest(kind: .categorical, referenceCount: 5000, distinctValues: 2), .jensenShannon)
    }

    func testPerColumnOverridesAndDriftShare() throws {
        var options = DriftOptions(driftShare: 0.1)
        options.perColumn["num_same"] = .init(test: .psi, threshold: 0.5)
        let ours = try report("small_shift", options: options)
        let r = try XCTUnwrap(ours["num_same"])
        XCTAssertEqual(r.test, .psi)
        XCTAssertEqual(r.threshold, 0.5)
        XCTAssertFalse(r.automatic)
        XCTAssertTrue(ours.datasetDrift)
        options.perColumn["cat_same"] = .init(test: .ks)
        XCTAssertThrowsError(try report("small_shift", options: options))
    }
}
