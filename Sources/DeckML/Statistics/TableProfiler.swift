import Foundation

/// Profiles tables: row count, inferred column types and per-column statistics (see `ColumnProfile`).
///
/// Use `TableProfiler.profile(path:)` for files: it reads in parallel (one lane per core) and is exact
/// for up to `Options.exactLimit` non-missing values per column; beyond that, numeric columns switch to a
/// sketch (exact count, min, max, mean, std; HyperLogLog distinct count; quantiles and histogram from a
/// uniform sample) and the column's `approximation` states the error bounds. Text columns are exact
/// up to `Options.distinctLimit` distinct values.
///
/// For rows from elsewhere, make a `TableProfiler(columns:)`, `add` rows and call `finish()`.
public final class TableProfiler {
    /// What to compute and the limits that bound memory.
    public struct Options: Sendable {
        /// Up to this many non-missing values per numeric column, statistics are exact.
        public var exactLimit: Int
        /// Past the exact limit, quantiles and histograms come from a uniform sample of this many values
        /// (rank error ≤ sqrt(ln(200) / (2 · sampleSize)) with 99 % probability: 0.0036 for 200,000).
        public var sampleSize: Int
        /// Text columns count values exactly up to this many distinct values.
        public var distinctLimit: Int
        /// Number of most frequent values listed for text, categorical and boolean columns.
        public var topCategories: Int
        /// Number of histogram bins for numeric columns.
        public var histogramBins: Int
        /// A text column with at most this many distinct values (and see `categoricalMaxRatio`) is categorical.
        public var categoricalMaxDistinct: Int
        /// A categorical column has at most this fraction of distinct values per non-missing cell.
        public var categoricalMaxRatio: Double
        /// Quantile levels for numeric columns.
        public var quantileLevels: [Double]

        public init(exactLimit: Int = 1_000_000, sampleSize: Int = 200_000, distinctLimit: Int = 1_000_000, topCategories: Int = 10,
                    histogramBins: Int = 20, categoricalMaxDistinct: Int = 1000, categoricalMaxRatio: Double = 0.5,
                    quantileLevels: [Double] = NumericSummary.quantileLevels) {
            self.exactLimit = exactLimit
            self.sampleSize = min(sampleSize, exactLimit)
            self.distinctLimit = distinctLimit
            self.topCategories = topCategories
            self.histogramBins = histogramBins
            self.categoricalMaxDistinct = categoricalMaxDistinct
            self.categoricalMaxRatio = categoricalMaxRatio
            self.quantileLevels = quantileLevels
        }
    }

    /// Column names.
    public let columns: [String]
    let options: Options
    let lane: ProfileLane

    /// A streaming profiler for rows with these columns. `naTokens` are extra cell values meaning missing.
    public init(columns: [String], options: Options = Options(), naTokens: [String] = []) {
        self.columns = columns
        self.options = options
        lane = ProfileLane(columns: columns.count, options: options, matcher: MissingValueMatcher(tokens: naTokens))
    }

    /// Adds one row (must have one cell per column; an empty string is missing).
    public func add(row: [String]) {
        precondition(row.count == columns.count, "row has \(row.count) cells, expected \(columns.count)")
        for (c, cell) in row.enumerated() {
            var s = cell
            s.withUTF8 { b in
                lane.accumulators[c].add(b.baseAddress ?? UnsafePointer(bitPattern: 1)!, b.count, lane.matcher)
            }
        }
        lane.rows += 1
        Self.boundMemory([lane], options: options)
    }

    /// Adds one record read by `TableReader`.
    public func add(_ record: TableRecord) {
        lane.consume(record)
        if lane.rows & 0xFFFF == 0 { Self.boundMemory([lane], options: options) }
    }

    /// The profile of the rows added so far. Text columns that looked numeric for more than 1,024 distinct
    /// values before turning to text are marked approximate: their distinct count adds the distinct
    /// numbers seen before (the file API re-reads them instead and is exact).
    public func finish() -> TableProfile {
        let (cols, _) = Self.finish(lanes: [lane], names: columns, options: options, threads: 1)
        return TableProfile(rowCount: lane.rows, columns: cols, exactLimit: options.exactLimit)
    }

    /// Profiles a CSV, TSV or JSON Lines file.
    public static func profile(path: String, read: TableReadOptions = TableReadOptions(),
                               options: Options = Options()) throws -> TableProfile {
        _ = LargeBufferPolicy.apply
        let matcher = MissingValueMatcher(tokens: read.naTokens)
        var lanes: [ProfileLane] = []
        let fileSize = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? nil
        let threads = TableReader.laneCount(read, path: path)
        var reserved = false
        let result = try TableReader.read(path: path, options: read, makeSinks: { header in
            lanes = (0..<threads).map { _ in ProfileLane(columns: header.count, options: options, matcher: matcher) }
            return lanes
        }, onChunk: { bytesDone in
            if !reserved, let size = fileSize, bytesDone > 0 {
                reserved = true
                reserveCapacity(lanes, estimatedTotalRows: Int(Double(lanes.reduce(0) { $0 + $1.rows })
                                                               * Double(size) / Double(bytesDone) * 1.03) + 1024,
                                options: options)
            }
            boundMemory(lanes, options: options)
        })
        var (cols, rescan) = finish(lanes: lanes, names: result.header, options: options, threads: threads)
        let rows = lanes.reduce(0) { $0 + $1.rows }
        lanes = []
        if !rescan.isEmpty {
            try rescanText(path: path, read: read, options: options, columns: rescan, into: &cols)
        }
        return TableProfile(rowCount: rows, columns: cols, format: read.resolvedFormat(for: path),
                            skipped: result.skipped.count > 0 ? result.skipped : nil, exactLimit: options.exactLimit)
    }

    /// Reserves value storage in numeric-looking columns for the expected number of rows (avoids
    /// doubling overshoot).
    static func reserveCapacity(_ lanes: [ProfileLane], estimatedTotalRows: Int, options: Options) {
        guard !lanes.isEmpty else { return }
        let perLane = min(estimatedTotalRows, options.exactLimit + options.exactLimit / 8) / lanes.count + 4096
        for lane in lanes {
            for acc in lane.accumulators where !acc.isText && acc.sketch == nil && acc.storedCount > 0 {
                acc.reserveValues(perLane)
            }
        }
    }

    /// Switches numeric columns whose stored values exceed the exact limit to sketches.
    static func boundMemory(_ lanes: [ProfileLane], options: Options) {
        guard let first = lanes.first else { return }
        for c in 0..<first.accumulators.count {
            var total = 0
            var sketching = false
            for l in lanes {
                let a = l.accumulators[c]
                total += a.numericCount
                if a.sketch != nil { sketching = true }
            }
            if sketching || total > options.exactLimit {
                let cap = max(1, options.sampleSize / lanes.count)
                for (i, l) in lanes.enumerated() {
                    l.accumulators[c].startSketch(capacity: cap, seed: UInt64(c &* 1_000_003 &+ i &+ 1))
                }
            }
        }
    }

    /// Re-reads `columns` (text that looked numeric for a while) to count their values exactly.
    static func rescanText(path: String, read: TableReadOptions, options: Options, columns: [Int],
                           into cols: inout [ColumnProfile]) throws {
        let matcher = MissingValueMatcher(tokens: read.naTokens)
        var lanes: [TextCountLane] = []
        let threads = TableReader.laneCount(read, path: path)
        var lenient = read
        lenient.lenient = true   // rows already accepted in the first pass are the same rows
        _ = try TableReader.read(path: path, options: read.lenient ? lenient : read, makeSinks: { _ in
            lanes = (0..<threads).map { _ in TextCountLane(columns: columns, limit: options.distinctLimit, matcher: matcher) }
            return lanes
        }, onChunk: nil)
        for (k, c) in columns.enumerated() {
            let counter = lanes[0].counters[k]
            for l in lanes.dropFirst() { counter.merge(l.counters[k]) }
            applyText(counter, to: &cols[c], options: options)
        }
    }

    static func applyText(_ counter: ByteStringCounter, to col: inout ColumnProfile, options: Options) {
        col.distinct = counter.distinct
        col.top = counter.top(options.topCategories)
        col.type = isCategorical(distinct: col.distinct, count: col.count, options: options) ? .categorical : .text
        if !counter.isExact {
            var a = col.approximation ?? Approximation()
            a.distinctRelativeError = HyperLogLog.relativeStandardError
            a.topApproximate = true
            col.approximation = a
        } else {
            col.approximation = nil
        }
    }

    static func isCategorical(distinct: Int, count: Int, options: Options) -> Bool {
        distinct <= options.categoricalMaxDistinct && Double(distinct) <= options.categoricalMaxRatio * Double(count)
    }

    /// Merges lanes column by column (in parallel) into profiles; also returns columns needing a rescan.
    static func finish(lanes: [ProfileLane], names: [String], options: Options, threads: Int) -> ([ColumnProfile], [Int]) {
        let n = names.count
        let results = ProfileResults(count: n)
        let work: @Sendable (Int) -> Void = { c in
            let accs = lanes.map { $0.accumulators[c] }
            results.set(c, ColumnFinisher.finish(name: names[c], accs: accs, options: options))
            for a in accs { a.releaseAll() }
        }
        if threads > 1 && n > 1 {
            DispatchQueue.concurrentPerform(iterations: n, execute: work)
        } else {
            for c in 0..<n { work(c) }
        }
        var cols: [ColumnProfile] = []
        var rescan: [Int] = []
        for c in 0..<n {
            let (p, needs) = results.get(c)
            cols.append(p)
            if needs { rescan.append(c) }
        }
        return (cols, rescan)
    }
}

/// Results written by parallel column finishers (each index written by one thread).
final class ProfileResults: @unchecked Sendable {
    private var items: [(ColumnProfile, Bool)?]
    private let lock = NSLock()
    init(count: Int) { items = Array(repeating: nil, count: count) }
    func set(_ i: Int, _ v: (ColumnProfile, Bool)) { lock.lock(); items[i] = v; lock.unlock() }
    func get(_ i: Int) -> (ColumnProfile, Bool) { items[i]! }
}

/// The profiler's sink: one per reader lane.
final class ProfileLane: RecordSink, @unchecked Sendable {
    let accumulators: [ColumnAccumulator]
    /// Unretained references to `accumulators` for the per-cell loop (no reference counting per cell).
    private let refs: UnsafeMutablePointer<Unmanaged<ColumnAccumulator>>
    let matcher: MissingValueMatcher
    var rows = 0

    init(columns: Int, options: TableProfiler.Options, matcher: MissingValueMatcher) {
        accumulators = (0..<columns).map { _ in ColumnAccumulator(distinctLimit: options.distinctLimit) }
        refs = .allocate(capacity: max(1, columns))
        for (i, a) in accumulators.enumerated() { (refs + i).initialize(to: Unmanaged.passUnretained(a)) }
        self.matcher = matcher
    }

    deinit { refs.deallocate() }

    func beginSegment(_ id: Int) {}

    func consume(_ record: TableRecord) {
        rows += 1
        let m = matcher
        let refs = self.refs
        for c in 0..<record.count {
            let p = record.base + record.starts[c]
            let n = record.lens[c]
            refs[c]._withUnsafeGuaranteedRef { $0.add(p, n, m) }
        }
    }
}

/// A sink counting the values of some columns (for the rescan of text columns).
final class TextCountLane: RecordSink, @unchecked Sendable {
    let columns: [Int]
    let counters: [ByteStringCounter]
    let matcher: MissingValueMatcher

    init(columns: [Int], limit: Int, matcher: MissingValueMatcher) {
        self.columns = columns
        counters = columns.map { _ in ByteStringCounter(limit: limit, initialCapacity: 4096) }
        self.matcher = matcher
    }

    func beginSegment(_ id: Int) {}

    func consume(_ record: TableRecord) {
        for (k, c) in columns.enumerated() {
            let p = record.base + record.starts[c]
            let n = record.lens[c]
            if !matcher.isMissing(p, n) { counters[k].add(p, n) }
        }
    }
}
