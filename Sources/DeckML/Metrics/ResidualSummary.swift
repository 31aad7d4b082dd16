/// A summary of a regression model's residuals (actual − predicted): their mean, standard
/// deviation and quantiles. Quantiles interpolate linearly between order statistics, as numpy's
/// `quantile` does by default.
public struct ResidualSummary: Sendable, Equatable, Codable {
    /// Number of rows.
    public var count: Int
    /// Mean residual (the model's bias: positive when it predicts too low).
    public var mean: Double
    /// Population standard deviation of the residuals.
    public var standardDeviation: Double
    /// Smallest residual.
    public var min: Double
    /// First quartile.
    public var q1: Double
    /// Median.
    public var median: Double
    /// Third quartile.
    public var q3: Double
    /// Largest residual.
    public var max: Double
    /// Mean absolute residual.
    public var meanAbsolute: Double

    /// The summary of `targets − predictions`; nil for empty input.
    public static func of(targets: [Double], predictions: [Double]) -> ResidualSummary? {
        precondition(targets.count == predictions.count, "length mismatch")
        guard !targets.isEmpty else { return nil }
        let residuals = zip(targets, predictions).map { $0 - $1 }
        let n = Double(residuals.count)
        let mean = residuals.reduce(0, +) / n
        let variance = residuals.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / n
        let sorted = residuals.sorted()
        return ResidualSummary(count: residuals.count, mean: mean, standardDeviation: variance.squareRoot(),
                               min: sorted[0], q1: quantile(sorted, 1, 4), median: quantile(sorted, 1, 2),
                               q3: quantile(sorted, 3, 4), max: sorted[sorted.count - 1],
                               meanAbsolute: residuals.reduce(0) { $0 + abs($1) } / n)
    }

    /// numpy's linear quantile (`numerator / denominator`) of sorted values, with numpy's
    /// interpolation (from the upper neighbour when the fraction is at least one half).
    static func quantile(_ sorted: [Double], _ numerator: Int, _ denominator: Int) -> Double {
        let scaled = (sorted.count - 1) * numerator
        let index = scaled / denominator
        let fraction = Double(scaled % denominator) / Double(denominator)
        guard fraction > 0, index + 1 < sorted.count else { return sorted[index] }
        let a = sorted[index], b = sorted[index + 1], difference = b - a
        return fraction >= 0.5 ? b - difference * (1 - fraction) : a + difference * fraction
    }
}
