/// Predictions for a set of rows: one value per row, or `outputsPerRow` class probabilities per
/// row (row-major) for multiclass models.
public struct XGBoostPrediction: Sendable, Equatable {
    /// Number of rows predicted.
    public let rows: Int
    /// Values per row (1, or the number of classes for `multi:softprob`).
    public let outputsPerRow: Int
    /// Row-major values: probability of class 1, class probabilities, or regression values.
    public let values: [Float]

    /// Creates a prediction; `values.count` must equal `rows × outputsPerRow`.
    public init(rows: Int, outputsPerRow: Int, values: [Float]) {
        precondition(values.count == rows * outputsPerRow, "prediction shape mismatch")
        self.rows = rows
        self.outputsPerRow = outputsPerRow
        self.values = values
    }

    /// The values predicted for one row.
    public func row(_ index: Int) -> ArraySlice<Float> {
        values[(index * outputsPerRow)..<((index + 1) * outputsPerRow)]
    }

    /// The values widened to `Double`, as the metrics expect them.
    public var doubles: [Double] {
        values.map(Double.init)
    }
}
