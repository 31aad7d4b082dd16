/// One column's two samples, ready for the drift tests: missing values already excluded and counted.
public struct DriftColumnInput: Sendable {
    /// The values of both sides.
    public enum Values: Sendable {
        /// Numbers, each side ascending without NaN.
        case numbers(reference: [Double], current: [Double])
        /// Counts per label (parallel arrays; a label may have a zero count on one side).
        case categories(labels: [String], reference: [Int], current: [Int])
    }

    public var name: String
    public var kind: DriftColumnKind
    public var values: Values
    /// Rows on each side, missing ones included.
    public var referenceRows: Int
    public var currentRows: Int
    /// True when both sides would be pandas integers (whole numbers, no missing value): NumPy then
    /// widens Sturges bins narrower than 1.
    public var integerValues: Bool

    public init(name: String, kind: DriftColumnKind, values: Values, referenceRows: Int, currentRows: Int, integerValues: Bool = false) {
        self.name = name; self.kind = kind; self.values = values
        self.referenceRows = referenceRows; self.currentRows = currentRows; self.integerValues = integerValues
    }

    /// True when both sides are numbers.
    public var hasNumbers: Bool { if case .numbers = values { return true } else { return false } }

    /// Non-missing values on each side.
    public var referenceCount: Int {
        switch values {
        case .numbers(let r, _): return r.count
        case .categories(_, let r, _): return r.reduce(0, +)
        }
    }

    public var currentCount: Int {
        switch values {
        case .numbers(_, let c): return c.count
        case .categories(_, _, let c): return c.reduce(0, +)
        }
    }

    /// Distinct non-missing values over both sides together (pandas' `nunique` of the concatenation).
    public var distinctValues: Int {
        switch values {
        case .numbers(let r, let c): return SortedCounts.union(r, c).values.count
        case .categories(_, let r, let c): return zip(r, c).filter { $0 + $1 > 0 }.count
        }
    }

    /// Counts per distinct value over both sides: labels, reference counts, current counts
    /// (labels present on neither side dropped).
    public func counts() -> (labels: [String], reference: [Int], current: [Int]) {
        switch values {
        case .numbers(let r, let c):
            let u = SortedCounts.union(r, c)
            return (u.values.map { DriftNumberText.text($0) }, u.reference, u.current)
        case .categories(let labels, let r, let c):
            let keep = labels.indices.filter { r[$0] + c[$0] > 0 }
            return (keep.map { labels[$0] }, keep.map { r[$0] }, keep.map { c[$0] })
        }
    }
}

/// Distinct values of two ascending samples and their counts on each side, by one merge.
public enum SortedCounts {
    public static func union(_ a: [Double], _ b: [Double]) -> (values: [Double], reference: [Int], current: [Int]) {
        var values: [Double] = [], ra: [Int] = [], rb: [Int] = []
        var i = 0, j = 0
        while i < a.count || j < b.count {
            let x = i == a.count ? b[j] : (j == b.count ? a[i] : min(a[i], b[j]))
            var ca = 0, cb = 0
            while i < a.count && a[i] == x { i += 1; ca += 1 }
            while j < b.count && b[j] == x { j += 1; cb += 1 }
            values.append(x); ra.append(ca); rb.append(cb)
        }
        return (values, ra, rb)
    }

    /// Number of distinct values of one ascending sample.
    public static func distinct(_ a: [Double]) -> Int {
        var n = 0
        for k in a.indices where k == 0 || a[k] != a[k - 1] { n += 1 }
        return n
    }
}

/// Numbers as category labels: whole numbers without a decimal point.
enum DriftNumberText {
    static func text(_ x: Double) -> String {
        if x == x.rounded(), abs(x) < 1e15 { return String(Int64(x)) }
        return "\(x)"
    }
}
