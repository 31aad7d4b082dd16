import Foundation

/// Regression metrics, each as scikit-learn computes it.
public enum RegressionMetrics {
    /// Root mean squared error.
    public static func rmse(targets: [Double], predictions: [Double]) -> Double {
        var sum = 0.0
        for (y, p) in zip(targets, predictions) { sum += (y - p) * (y - p) }
        return (sum / Double(targets.count)).squareRoot()
    }

    /// Mean absolute error.
    public static func mae(targets: [Double], predictions: [Double]) -> Double {
        var sum = 0.0
        for (y, p) in zip(targets, predictions) { sum += abs(y - p) }
        return sum / Double(targets.count)
    }

    /// Coefficient of determination; with constant targets 1 for a perfect fit, else 0
    /// (scikit-learn's `force_finite=True`).
    public static func r2(targets: [Double], predictions: [Double]) -> Double {
        let mean = targets.reduce(0, +) / Double(targets.count)
        var residual = 0.0, totalSquares = 0.0
        for (y, p) in zip(targets, predictions) {
            residual += (y - p) * (y - p)
            totalSquares += (y - mean) * (y - mean)
        }
        if totalSquares == 0 { return residual == 0 ? 1 : 0 }
        return 1 - residual / totalSquares
    }

    /// Mean absolute percentage error as a fraction (not ×100), dividing by max(|y|, ε) with
    /// ε = float64 machine epsilon, as scikit-learn does.
    public static func mape(targets: [Double], predictions: [Double]) -> Double {
        var sum = 0.0
        for (y, p) in zip(targets, predictions) { sum += abs(p - y) / max(abs(y), Double.ulpOfOne) }
        return sum / Double(targets.count)
    }
}
