import Foundation

/// Runs the per-column drift tests and gathers them into a ``DriftReport``, choosing each column's
/// test as Evidently does by default (`DataDriftPreset`):
/// - reference with at most 1,000 values: Kolmogorov–Smirnov for numerical columns with more than
///   5 distinct values, else chi-square, or the Z-test for at most 2 distinct values; p-value < 0.05;
/// - larger reference: normed Wasserstein ≥ 0.1 for numerical columns with more than 5 distinct
///   values, else Jensen–Shannon ≥ 0.1;
/// distinct values are counted over both sides together, missing values excluded.
public enum DriftDetector {
    /// The reference size up to which the p-value tests are chosen.
    public static let smallReferenceRows = 1000

    /// Evidently's default test for a column.
    public static func automaticTest(kind: DriftColumnKind, referenceCount: Int, distinctValues: Int) -> DriftTest {
        if referenceCount <= smallReferenceRows {
            if kind == .numerical && distinctValues > 5 { return .ks }
            return distinctValues > 2 ? .chiSquare : .zTest
        }
        if kind == .numerical && distinctValues > 5 { return .wasserstein }
        return .jensenShannon
    }

    /// Tests every column and gathers the report.
    public static func report(_ inputs: [DriftColumnInput], options: DriftOptions = DriftOptions()) throws -> DriftReport {
        let results = try inputs.map { try test($0, options: options) }
        return DriftReport(columns: results, driftShare: options.driftShare,
                           referenceRows: inputs.first?.referenceRows ?? 0, currentRows: inputs.first?.currentRows ?? 0)
    }

    /// Tests one column.
    public static func test(_ input: DriftColumnInput, options: DriftOptions = DriftOptions()) throws -> DriftResult {
        let own = options.perColumn[input.name]
        let kind = own?.kind ?? input.kind
        let distinct = input.distinctValues
        let chosen = own?.test ?? (kind == .numerical ? options.numericalTest : options.categoricalTest)
        let test = chosen ?? automaticTest(kind: kind, referenceCount: input.referenceCount, distinctValues: distinct)
        let threshold = own?.threshold ?? options.threshold ?? test.defaultThreshold
        if test.needsNumbers, kind == .categorical || !input.hasNumbers { throw DriftError.testNeedsNumbers(column: input.name, test: test) }

        var result = DriftResult(
            column: input.name, type: kind, test: test, automatic: chosen == nil, score: nil, statistic: nil, pValue: nil,
            threshold: threshold, drifted: false, referenceRows: input.referenceRows, currentRows: input.currentRows,
            referenceMissingShare: share(input.referenceRows - input.referenceCount, of: input.referenceRows),
            currentMissingShare: share(input.currentRows - input.currentCount, of: input.currentRows),
            distinctValues: distinct, unseenCategories: [], note: nil)
        if kind == .categorical {
            let c = input.counts()
            result.unseenCategories = c.labels.indices.filter { c.reference[$0] == 0 && c.current[$0] > 0 }.map { c.labels[$0] }
        }
        if input.referenceCount == 0 || input.currentCount == 0 {
            result.note = input.referenceCount == 0 ? "no values in the reference" : "no values in the current data"
            return result
        }

        let (statistic, pValue) = run(test, on: input)
        result.statistic = statistic
        result.pValue = pValue
        let score = test.isPValue ? pValue : statistic
        result.score = score
        if let score, !score.isNaN {
            result.drifted = test.drifts(score: score, threshold: threshold)
        }
        return result
    }

    private static func share(_ part: Int, of whole: Int) -> Double { whole == 0 ? 0 : Double(part) / Double(whole) }

    /// (statistic, p-value) of `test`.
    static func run(_ test: DriftTest, on input: DriftColumnInput) -> (Double?, Double?) {
        switch test {
        case .ks:
            guard case .numbers(let r, let c) = input.values else { return (nil, nil) }
            let k = KolmogorovSmirnov.test(sortedReference: r, sortedCurrent: c)
            return (k.statistic, k.pValue)
        case .wasserstein:
            guard case .numbers(let r, let c) = input.values else { return (nil, nil) }
            let w = r.withUnsafeBufferPointer { pr in c.withUnsafeBufferPointer { pc in
                DistanceStatistics.normedWasserstein(sortedReference: pr, sortedCurrent: pc) } }
            return (w, nil)
        case .chiSquare:
            let c = input.counts()
            let x = CategoryTests.chiSquare(reference: c.reference, current: c.current)
            return (x.statistic, x.pValue)
        case .zTest:
            let c = input.counts()
            // Evidently codes the smallest value (sorted) as 0 and every other one as 1.
            let first: Int
            if case .numbers = input.values { first = 0 } else {
                first = c.labels.indices.min { c.labels[$0].unicodeScalars.lexicographicallyPrecedes(c.labels[$1].unicodeScalars) } ?? 0
            }
            let z = CategoryTests.zTest(reference: c.reference, current: c.current, firstKey: first)
            return (z.statistic, z.pValue)
        case .jensenShannon:
            let (r, c) = DriftBinning.shares(input, fillZeroes: false)
            return (DistanceStatistics.jensenShannon(r, c), nil)
        case .psi:
            let (r, c) = DriftBinning.shares(input, fillZeroes: true)
            return (DistanceStatistics.psi(r, c), nil)
        }
    }
}

/// Evidently's `get_binned_data`: Sturges bins over both sides for numerical columns whose reference
/// has more than 20 distinct values, else one bin per value; shares of each side's count.
public enum DriftBinning {
    public static func shares(_ input: DriftColumnInput, fillZeroes: Bool) -> ([Double], [Double]) {
        var ref: [Double], cur: [Double]
        if input.kind == .numerical, case .numbers(let r, let c) = input.values, SortedCounts.distinct(r) > 20 {
            let edges = sturgesEdges(r, c, integer: input.integerValues)
            ref = histogram(r, edges).map { Double($0) / Double(r.count) }
            cur = histogram(c, edges).map { Double($0) / Double(c.count) }
        } else {
            let counts = input.counts()
            let nr = Double(input.referenceCount), nc = Double(input.currentCount)
            ref = counts.reference.map { Double($0) / nr }
            cur = counts.current.map { Double($0) / nc }
        }
        if fillZeroes {
            ref = DistanceStatistics.fillZeroes(ref)
            cur = DistanceStatistics.fillZeroes(cur)
        }
        return (ref, cur)
    }

    /// NumPy's `histogram_bin_edges(concat(a, b), bins="sturges")` for two ascending samples.
    public static func sturgesEdges(_ a: [Double], _ b: [Double], integer: Bool = false) -> [Double] {
        var first = min(a.first ?? .infinity, b.first ?? .infinity)
        var last = max(a.last ?? -.infinity, b.last ?? -.infinity)
        let n = Double(a.count + b.count)
        let ptp = last - first
        if first == last { first -= 0.5; last += 0.5 }
        var width = ptp / (log2(n) + 1.0)
        var bins = 1
        if width != 0 {
            if integer && width < 1 { width = 1 }
            bins = Int(((last - first) / width).rounded(.up))
        }
        let step = (last - first) / Double(bins)
        var edges = (0...bins).map { Double($0) * step + first }
        edges[bins] = last
        return edges
    }

    /// NumPy's `histogram(sorted, edges)[0]`: half-open bins, the last one closed.
    public static func histogram(_ sorted: [Double], _ edges: [Double]) -> [Int] {
        var cumulative = edges.dropLast().map { lowerBound(sorted, $0) }
        cumulative.append(upperBound(sorted, edges[edges.count - 1]))
        return (1..<cumulative.count).map { cumulative[$0] - cumulative[$0 - 1] }
    }

    static func lowerBound(_ a: [Double], _ x: Double) -> Int {
        var lo = 0, hi = a.count
        while lo < hi { let mid = (lo + hi) / 2; if a[mid] < x { lo = mid + 1 } else { hi = mid } }
        return lo
    }

    static func upperBound(_ a: [Double], _ x: Double) -> Int {
        var lo = 0, hi = a.count
        while lo < hi { let mid = (lo + hi) / 2; if a[mid] <= x { lo = mid + 1 } else { hi = mid } }
        return lo
    }
}
