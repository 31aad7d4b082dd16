/// Splits a dataset into training, validation and test rows: randomly with a seed, stratified by
/// class, or by time (the latest rows are the test set).
public enum DatasetSplitter {
    /// A seeded random split of `rowCount` rows.
    public static func random(rowCount: Int, fractions: SplitFractions, seed: UInt64) throws(SplitError) -> DatasetSplit {
        try fractions.validate()
        var generator = SplitMix64(seed: seed)
        var order = Array(0..<rowCount)
        generator.shuffle(&order)
        let counts = fractions.counts(for: rowCount)
        return assemble(order, counts: counts)
    }

    /// A seeded split that keeps each class's share in every part: within each class, each part
    /// gets the floor or the ceiling of its exact share (so within one row of it), remainders going
    /// to the parts with the largest fractional shares.
    ///
    /// - Parameter classes: one class key per row (e.g. the target's value or class index).
    public static func stratified<Key: Hashable & Comparable>(
        classes: [Key], fractions: SplitFractions, seed: UInt64
    ) throws(SplitError) -> DatasetSplit {
        try fractions.validate()
        var rowsByClass: [Key: [Int]] = [:]
        for (row, key) in classes.enumerated() {
            rowsByClass[key, default: []].append(row)
        }
        var generator = SplitMix64(seed: seed)
        var split = DatasetSplit(train: [], validation: [], test: [])
        // Sorted keys so the generator is consumed in a fixed order.
        for key in rowsByClass.keys.sorted() {
            var rows = rowsByClass[key]!
            generator.shuffle(&rows)
            let counts = apportion(rows.count, fractions: fractions)
            split.test += rows[0..<counts.test]
            split.validation += rows[counts.test..<(counts.test + counts.validation)]
            split.train += rows[(counts.test + counts.validation)...]
        }
        split.train.sort()
        split.validation.sort()
        split.test.sort()
        return split
    }

    /// A split by time: rows ordered by `times` (ties keep row order); the last `test` fraction is
    /// the test set, the `validation` fraction before it the validation set, the rest training.
    public static func byTime<Time: Comparable>(times: [Time], fractions: SplitFractions) throws(SplitError) -> DatasetSplit {
        try fractions.validate()
        let order = times.indices.sorted { a, b in
            times[a] < times[b] || (!(times[b] < times[a]) && a < b)
        }
        let counts = fractions.counts(for: times.count)
        let train = Array(order[0..<counts.train])
        let validation = Array(order[counts.train..<(counts.train + counts.validation)])
        let test = Array(order[(counts.train + counts.validation)...])
        return DatasetSplit(train: train.sorted(), validation: validation.sorted(), test: test.sorted())
    }

    /// Takes test rows first, then validation, then training from a shuffled order.
    private static func assemble(_ order: [Int], counts: (train: Int, validation: Int, test: Int)) -> DatasetSplit {
        let test = order[0..<counts.test].sorted()
        let validation = order[counts.test..<(counts.test + counts.validation)].sorted()
        let train = order[(counts.test + counts.validation)...].sorted()
        return DatasetSplit(train: train, validation: validation, test: test)
    }

    /// Divides `n` rows into (train, validation, test) by largest remainder: each part gets the
    /// floor or ceiling of `n × fraction`. Ties prefer test, then validation, then train.
    static func apportion(_ n: Int, fractions: SplitFractions) -> (train: Int, validation: Int, test: Int) {
        let exact = [fractions.test, fractions.validation, max(0, fractions.train)].map { Double(n) * $0 }
        var parts = exact.map { Int($0.rounded(.down)) }
        var left = n - parts.reduce(0, +)
        let remainders = (0..<3).map { exact[$0] - Double(parts[$0]) }
        let byRemainder = (0..<3).sorted { remainders[$0] > remainders[$1] || (remainders[$0] == remainders[$1] && $0 < $1) }
        var i = 0
        while left > 0 {
            parts[byRemainder[i % 3]] += 1
            left -= 1
            i += 1
        }
        return (parts[2], parts[1], parts[0])
    }
}
