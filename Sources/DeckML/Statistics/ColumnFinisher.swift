import Foundation

/// Turns the lanes' accumulators of one column into its `ColumnProfile`.
enum ColumnFinisher {
    /// The profile, and whether the column's text values must be counted again (see `TableProfiler`).
    static func finish(name: String, accs: [ColumnAccumulator], options: TableProfiler.Options) -> (ColumnProfile, Bool) {
        let missing = accs.reduce(0) { $0 + $1.missing }
        let count = accs.reduce(0) { $0 + $1.nonMissing }
        let seen = accs.reduce(UInt8(0)) { $0 | $1.seen }
        let isText = accs.contains { $0.isText } || ColumnAccumulator.families(seen) > 1

        if isText {
            var col = ColumnProfile(name: name, type: .text, count: count, missing: missing, distinct: 0)
            var counters: [ByteStringCounter] = []
            var complete = true
            for a in accs {
                if let c = a.counter { counters.append(c) }
                if !a.counterComplete || a.counter == nil && a.nonMissing > 0 { complete = false }
            }
            // Merge into the largest full-limit counter (no third copy of the keys).
            let base = counters.filter { $0.limit >= options.distinctLimit }.max { $0.storedDistinct < $1.storedDistinct }
            let merged = base ?? ByteStringCounter(limit: options.distinctLimit, initialCapacity: 1024)
            for c in counters where c !== merged { merged.merge(c) }
            TableProfiler.applyText(merged, to: &col, options: options)
            if !complete {
                // Some cells were never counted (the file API counts them again); estimate meanwhile.
                col.distinct = min(count, col.distinct + accs.reduce(0) { $0 + $1.missedDistinct })
                col.type = TableProfiler.isCategorical(distinct: col.distinct, count: count, options: options) ? .categorical : .text
                var a = col.approximation ?? Approximation()
                a.topApproximate = true
                a.distinctRelativeError = a.distinctRelativeError ?? HyperLogLog.relativeStandardError
                col.approximation = a
            }
            return (col, !complete)
        }
        if count == 0 {
            return (ColumnProfile(name: name, type: .float, count: 0, missing: missing, distinct: 0), false)
        }
        if seen & ColumnAccumulator.kindBool != 0 {
            let t = accs.reduce(0) { $0 + $1.trueCount }
            let f = accs.reduce(0) { $0 + $1.falseCount }
            var col = ColumnProfile(name: name, type: .boolean, count: count, missing: missing,
                                    distinct: (t > 0 ? 1 : 0) + (f > 0 ? 1 : 0))
            let m = Double(t) / Double(count)
            col.mean = m
            col.min = f > 0 ? 0 : 1
            col.max = t > 0 ? 1 : 0
            if count > 1 {
                let ss = Double(t) * (1 - m) * (1 - m) + Double(f) * m * m
                col.std = (ss / Double(count - 1)).squareRoot()
            }
            var top = [CategoryCount(value: "true", count: t), CategoryCount(value: "false", count: f)].filter { $0.count > 0 }
            top.sort { $0.count != $1.count ? $0.count > $1.count : $0.value < $1.value }
            col.top = Array(top.prefix(options.topCategories))
            return (col, false)
        }
        let isDate = seen & ColumnAccumulator.kindDate != 0
        let type: ColumnType = isDate ? .datetime : (seen & ColumnAccumulator.kindFloat != 0 ? .float : .integer)
        var col = ColumnProfile(name: name, type: type, count: count, missing: missing, distinct: 0)
        if isDate {
            var lo = Double.infinity, hi = -Double.infinity
            for a in accs {
                if a.dateMin < lo { lo = a.dateMin; col.minText = String(decoding: a.dateMinText, as: UTF8.self) }
                if a.dateMax > hi { hi = a.dateMax; col.maxText = String(decoding: a.dateMaxText, as: UTF8.self) }
            }
        }
        if accs.contains(where: { $0.sketch != nil }) {
            var sketch: NumericSketch?
            for a in accs {
                let s = a.sketch ?? a.storedValues().withUnsafeBufferPointer { NumericSketch(values: $0, capacity: max(1, $0.count), seed: 7) }
                sketch = sketch.map { NumericSketch.merged($0, s) } ?? s
            }
            let s = sketch!
            col.distinct = Int(s.hll.estimate.rounded())
            col.min = s.min
            col.max = s.max
            if !isDate {
                col.mean = s.mean
                col.std = s.count > 1 ? s.variance.squareRoot() : nil
            }
            var sample = s.sample
            sample.withUnsafeMutableBufferPointer { RadixSort.sort($0) }
            sample.withUnsafeBufferPointer { b in
                if !isDate { numericShape(b, lo: s.min, hi: s.max, weight: Double(s.count) / Double(b.count), into: &col, options: options) }
            }
            col.approximation = Approximation(
                sampleSize: sample.count,
                quantileRankError: (log(2 / 0.01) / (2 * Double(sample.count))).squareRoot(),
                distinctRelativeError: HyperLogLog.relativeStandardError)
            return (col, false)
        }
        // Exact: gather the lanes' values, sort, summarize.
        let total = accs.reduce(0) { $0 + $1.storedCount }
        var all = [Double]()
        all.reserveCapacity(total)
        for a in accs { a.appendStoredValues(to: &all); a.releaseAll() }
        all.withUnsafeMutableBufferPointer { buf in
            // NaN never occurs: the number parser does not produce it.
            let (mean, std) = NumericSummary.meanAndStd(UnsafeBufferPointer(buf))
            RadixSort.sort(buf)
            let sorted = UnsafeBufferPointer(buf)
            col.distinct = NumericSummary.distinct(sorted: sorted)
            col.min = sorted.first
            col.max = sorted.last
            if !isDate {
                col.mean = mean
                col.std = std
                numericShape(sorted, lo: sorted.first!, hi: sorted.last!, weight: 1, into: &col, options: options)
            }
        }
        return (col, false)
    }

    /// Quantiles and histogram of ascending `sorted` values.
    static func numericShape(_ sorted: UnsafeBufferPointer<Double>, lo: Double, hi: Double, weight: Double,
                             into col: inout ColumnProfile, options: TableProfiler.Options) {
        guard sorted.count > 0 else { return }
        col.quantiles = options.quantileLevels.map { Quantile(q: $0, value: NumericSummary.quantile(sorted: sorted, $0)) }
        if lo.isFinite && hi.isFinite && options.histogramBins > 0 {
            col.histogram = NumericSummary.histogram(sorted, min: lo, max: hi, bins: options.histogramBins, weight: weight)
        }
    }
}
