/// Predicted against actual values of a regression model, for a scatter plot: every row, or an
/// evenly spaced sample of `limit` rows when there are more (deterministic: the same rows each time).
public struct PredictedVsActual: Sendable, Equatable, Codable {
    /// True values of the kept rows.
    public var actual: [Double]
    /// Predicted values of the kept rows.
    public var predicted: [Double]
    /// Rows evaluated in total (more than `actual.count` when sampled).
    public var totalRows: Int

    public init(actual: [Double], predicted: [Double], totalRows: Int) {
        self.actual = actual; self.predicted = predicted; self.totalRows = totalRows
    }

    /// Whether the points are a sample of the rows.
    public var isSampled: Bool { actual.count < totalRows }

    /// The points of `targets` and `predictions`, at most `limit` (≥ 1) of them.
    public static func sample(targets: [Double], predictions: [Double], limit: Int = 1000) -> PredictedVsActual {
        precondition(targets.count == predictions.count, "length mismatch")
        let n = targets.count, keep = Swift.max(1, limit)
        guard n > keep else { return PredictedVsActual(actual: targets, predicted: predictions, totalRows: n) }
        // Row i·n/keep for i in 0..<keep: integer arithmetic, spread over the whole range.
        let rows = (0..<keep).map { $0 * n / keep }
        return PredictedVsActual(actual: rows.map { targets[$0] }, predicted: rows.map { predictions[$0] }, totalRows: n)
    }
}
