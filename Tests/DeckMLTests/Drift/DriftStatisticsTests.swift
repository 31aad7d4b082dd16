@testable import DeckML
import XCTest

/// The drift statistics against SciPy (fixtures from scripts/fixtures/make_drift_fixtures.py):
/// statistics to 1e-9, p-values to 1e-6.
final class DriftStatisticsTests: XCTestCase {
    /// `ks_2samp` in every branch of its default mode (exact unequal and equal sizes, asymptotic
    /// Durbin / Pomeranz / Pelz-Good / Smirnov / zero), and `wasserstein_distance`.
    func testKolmogorovSmirnovAndWassersteinMatchSciPy() throws {
        let cases = try XCTUnwrap(try DriftFixture.expected()["ks"] as? [[String: Any]])
        XCTAssertGreaterThanOrEqual(cases.count, 10)
        for c in cases {
            let name = c["name"] as? String ?? "?"
            let a = try DriftFixture.generated(try XCTUnwrap(c["reference"] as? [String: Any])).sorted()
            let b = try DriftFixture.generated(try XCTUnwrap(c["current"] as? [String: Any])).sorted()
            let ks = KolmogorovSmirnov.test(sortedReference: a, sortedCurrent: b)
            assertClose(ks.statistic, DriftFixture.number(c["statistic"]), 1e-9, "\(name) KS statistic")
            assertClose(ks.pValue, DriftFixture.number(c["pvalue"]), 1e-6, "\(name) KS p-value")
            let w = a.withUnsafeBufferPointer { pa in b.withUnsafeBufferPointer { pb in
                DistanceStatistics.wasserstein(sortedReference: pa, sortedCurrent: pb) } }
            assertClose(w, DriftFixture.number(c["wasserstein"]), 1e-9, "\(name) Wasserstein")
        }
    }

    /// Per column of the CSV cases: KS, Wasserstein, the reference's population std, Jensen-Shannon
    /// on value shares and chi-square, as SciPy computes them on the pandas-read files.
    func testColumnStatisticsMatchSciPy() throws {
        var checked = 0
        for c in try DriftFixture.cases() {
            let name = try XCTUnwrap(c["name"] as? String)
            guard let scipy = c["scipy"] as? [String: [String: Any]], !scipy.isEmpty else { continue }
            let inputs = try DriftInputBuilder.inputs(reference: try DriftFixture.table(name + "_reference"),
                                                      current: try DriftFixture.table(name + "_current")).inputs
            for input in inputs {
                guard let e = scipy[input.name] else { continue }
                let what = "\(name).\(input.name)"
                if case .numbers(let r, let cur) = input.values, e["ks_statistic"] != nil {
                    let ks = KolmogorovSmirnov.test(sortedReference: r, sortedCurrent: cur)
                    assertClose(ks.statistic, DriftFixture.number(e["ks_statistic"]), 1e-9, "\(what) KS statistic")
                    assertClose(ks.pValue, DriftFixture.number(e["ks_pvalue"]), 1e-6, "\(what) KS p-value")
                    r.withUnsafeBufferPointer { pr in cur.withUnsafeBufferPointer { pc in
                        assertClose(DistanceStatistics.wasserstein(sortedReference: pr, sortedCurrent: pc),
                                    DriftFixture.number(e["wasserstein"]), 1e-9, "\(what) Wasserstein")
                        assertClose(DistanceStatistics.populationStandardDeviation(pr), DriftFixture.number(e["reference_std"]),
                                    1e-9, "\(what) std")
                    } }
                    checked += 1
                }
                let counts = input.counts()
                let nr = Double(input.referenceCount), nc = Double(input.currentCount)
                assertClose(DistanceStatistics.jensenShannon(counts.reference.map { Double($0) / nr }, counts.current.map { Double($0) / nc }),
                            DriftFixture.number(e["jensenshannon_counts"]), 1e-9, "\(what) Jensen-Shannon")
                if e["chisquare_statistic"] != nil {
                    let chi = CategoryTests.chiSquare(reference: counts.reference, current: counts.current)
                    assertClose(chi.statistic, DriftFixture.number(e["chisquare_statistic"]), 1e-9, "\(what) chi-square")
                    assertClose(chi.pValue, DriftFixture.number(e["chisquare_pvalue"]), 1e-6, "\(what) chi-square p-value")
                }
                checked += 1
            }
        }
        XCTAssertGreaterThan(checked, 40)
    }

    /// The radix-sorted input equals a comparison sort, and the merge statistics equal brute force.
    func testSortedInputsAndStatisticOnTies() {
        let a: [Double] = [3, 1, 2, 2, .nan, 5, -0.0, 0.0, .infinity, 7, 7, 7]
        XCTAssertEqual(DriftInputBuilder.sortedFinite(a), [-0.0, 0.0, 1, 2, 2, 3, 5, 7, 7, 7])
        let big = (0..<5000).map { Double(($0 * 7919) % 4999) / 13 - 100 }
        XCTAssertEqual(DriftInputBuilder.sortedFinite(big), big.sorted())
        // Ties across samples: F_a − F_b at every value.
        let x: [Double] = [1, 2, 2, 3], y: [Double] = [2, 2, 2, 4]
        XCTAssertEqual(KolmogorovSmirnov.test(sortedReference: x, sortedCurrent: y).statistic, 0.25, accuracy: 1e-15)
    }
}
