/// A per-column drift test. Raw values are Evidently's stat-test names.
public enum DriftTest: String, Codable, Sendable, CaseIterable {
    /// Two-sample Kolmogorov–Smirnov (p-value).
    case ks
    /// Population stability index (distance).
    case psi
    /// Wasserstein distance normed by the reference's population standard deviation (distance).
    case wasserstein
    /// Jensen–Shannon distance, natural logarithm (distance).
    case jensenShannon = "jensenshannon"
    /// Pearson's chi-square on category counts (p-value).
    case chiSquare = "chisquare"
    /// Two-proportion Z-test (p-value).
    case zTest = "z"

    /// True when the score is a p-value (drift when below the threshold); false for distances
    /// (drift when at or above it).
    public var isPValue: Bool { self == .ks || self == .chiSquare || self == .zTest }

    /// Evidently's verdict: KS drifts at p ≤ threshold, chi-square and Z at p < threshold, distances at ≥ threshold.
    public func drifts(score: Double, threshold: Double) -> Bool {
        switch self {
        case .ks: return score <= threshold
        case .chiSquare, .zTest: return score < threshold
        case .psi, .wasserstein, .jensenShannon: return score >= threshold
        }
    }

    /// Evidently's default threshold: 0.05 for p-values, 0.1 for distances.
    public var defaultThreshold: Double { isPValue ? 0.05 : 0.1 }

    /// True when the test needs numbers (it cannot run on a categorical column).
    public var needsNumbers: Bool { self == .ks || self == .wasserstein }

    /// Evidently's display name of the test.
    public var displayName: String {
        switch self {
        case .ks: return "K-S p_value"
        case .psi: return "PSI"
        case .wasserstein: return "Wasserstein distance (normed)"
        case .jensenShannon: return "Jensen-Shannon distance"
        case .chiSquare: return "chi-square p_value"
        case .zTest: return "Z-test p_value"
        }
    }

    /// Parses a name as written on the command line or in `mldeck.yaml` (Evidently's names, and a few aliases).
    public init?(name: String) {
        switch name.lowercased() {
        case "ks", "kolmogorov-smirnov", "k-s": self = .ks
        case "psi": self = .psi
        case "wasserstein", "wasserstein_distance", "wasserstein-normed": self = .wasserstein
        case "jensenshannon", "jensen-shannon", "js": self = .jensenShannon
        case "chisquare", "chi-square", "chi2": self = .chiSquare
        case "z", "z-test", "ztest": self = .zTest
        default: return nil
        }
    }
}

/// How a column's values are treated, as Evidently infers it from pandas dtypes.
public enum DriftColumnKind: String, Codable, Sendable {
    case numerical, categorical
}
