import Foundation

/// Cross-entropy as scikit-learn 1.9's `log_loss` computes it: each probability is clipped to
/// [ε, 1 − ε] with ε = `Double.ulpOfOne` (the float64 machine epsilon), without renormalising.
public enum LogLoss {
    /// The clipping bound scikit-learn uses for float64 probabilities.
    public static let epsilon = Double.ulpOfOne

    /// Binary log loss; `probabilities` are those of class 1.
    public static func binary(labels: [Int], probabilities: [Double]) -> Double {
        precondition(labels.count == probabilities.count && !labels.isEmpty, "shape mismatch")
        var sum = 0.0
        for (label, p) in zip(labels, probabilities) {
            let probability = label == 1 ? p : 1 - p
            sum += -clippedLog(probability)
        }
        return sum / Double(labels.count)
    }

    /// Multiclass log loss; `probabilities` is row-major `rows × classCount`.
    public static func multiclass(labels: [Int], probabilities: [Double], classCount: Int) -> Double {
        precondition(probabilities.count == labels.count * classCount && !labels.isEmpty, "shape mismatch")
        var sum = 0.0
        for (row, label) in labels.enumerated() {
            sum += -clippedLog(probabilities[row * classCount + label])
        }
        return sum / Double(labels.count)
    }

    @inline(__always)
    static func clippedLog(_ p: Double) -> Double {
        Foundation.log(min(max(p, epsilon), 1 - epsilon))
    }
}
