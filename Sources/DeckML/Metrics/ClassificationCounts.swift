/// Per-class counts behind accuracy, precision, recall, F1 and the confusion matrix.
public struct ClassificationCounts: Sendable, Equatable {
    /// `matrix[actual][predicted]` = number of rows, over classes `0..<classCount`.
    public let matrix: [[Int]]
    /// Number of rows.
    public let total: Int

    /// Counts rows by (actual, predicted) class.
    public init(labels: [Int], predicted: [Int], classCount: Int) {
        precondition(labels.count == predicted.count, "length mismatch")
        var matrix = [[Int]](repeating: [Int](repeating: 0, count: classCount), count: classCount)
        for (actual, guess) in zip(labels, predicted) {
            matrix[actual][guess] += 1
        }
        self.matrix = matrix
        total = labels.count
    }

    /// Fraction of rows predicted correctly.
    public var accuracy: Double {
        Double(matrix.indices.reduce(0) { $0 + matrix[$1][$1] }) / Double(total)
    }

    /// Rows of class `k` (true count).
    public func actualCount(_ k: Int) -> Int { matrix[k].reduce(0, +) }
    /// Rows predicted as class `k`.
    public func predictedCount(_ k: Int) -> Int { matrix.reduce(0) { $0 + $1[k] } }

    /// Precision of class `k`; 0 when nothing was predicted as `k` (scikit-learn's zero_division).
    public func precision(_ k: Int) -> Double {
        let predicted = predictedCount(k)
        return predicted == 0 ? 0 : Double(matrix[k][k]) / Double(predicted)
    }

    /// Recall of class `k`; 0 when `k` never occurs.
    public func recall(_ k: Int) -> Double {
        let actual = actualCount(k)
        return actual == 0 ? 0 : Double(matrix[k][k]) / Double(actual)
    }

    /// F1 of class `k`, as 2·TP / (actual + predicted); 0 when both are zero.
    public func f1(_ k: Int) -> Double {
        let denominator = actualCount(k) + predictedCount(k)
        return denominator == 0 ? 0 : 2 * Double(matrix[k][k]) / Double(denominator)
    }

    /// Classes that occur in the truth or the predictions: the ones scikit-learn's macro average
    /// runs over by default.
    public var presentClasses: [Int] {
        matrix.indices.filter { actualCount($0) + predictedCount($0) > 0 }
    }

    /// Unweighted mean of `metric` over the present classes.
    public func macro(_ metric: (Int) -> Double) -> Double {
        let classes = presentClasses
        guard !classes.isEmpty else { return 0 }
        return classes.reduce(0.0) { $0 + metric($1) } / Double(classes.count)
    }
}
