import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Tests on category counts, as Evidently runs them (SciPy's `chisquare`, its own two-proportion Z-test).
public enum CategoryTests {
    /// Evidently's chi-square test: expected counts are the reference counts scaled to the current
    /// size; SciPy's `chisquare(f_obs, f_exp)`. A category absent from the reference gives an infinite
    /// statistic and a p-value of 0 (drift). Returns (statistic, p-value).
    public static func chiSquare(reference: [Int], current: [Int]) -> (statistic: Double, pValue: Double) {
        let nRef = Double(reference.reduce(0, +)), nCur = Double(current.reduce(0, +))
        let kNorm = nCur / nRef
        var stat = 0.0
        for k in 0..<reference.count {
            let expected = Double(reference[k]) * kNorm
            let observed = Double(current[k])
            let d = observed - expected
            stat += d * d / expected
        }
        let df = Double(reference.count - 1)
        if stat.isNaN || df <= 0 { return (stat, .nan) }
        if stat.isInfinite { return (stat, 0) }
        return (stat, Gamma.upperRegularized(df / 2, stat / 2))
    }

    /// Evidently's two-proportion Z-test: the category `firstKey` against the rest, two-sided
    /// `2·(1 − Φ(|z|))`; 1 when both samples hold the same single value. Returns (z, p-value).
    public static func zTest(reference: [Int], current: [Int], firstKey key: Int = 0) -> (statistic: Double, pValue: Double) {
        let presentRef = reference.indices.filter { reference[$0] > 0 }
        let presentCur = current.indices.filter { current[$0] > 0 }
        if presentRef.count == 1 && presentCur.count == 1 && presentRef[0] == presentCur[0] { return (0, 1) }
        let n1 = Double(reference.reduce(0, +)), n2 = Double(current.reduce(0, +))
        // Value 0 for the first key, 1 for the others: p is the share of "others".
        let p1 = (n1 - Double(reference[key])) / n1
        let p2 = (n2 - Double(current[key])) / n2
        let P = (p1 * n1 + p2 * n2) / (n1 + n2)
        let z = (p1 - p2) / (P * (1 - P) * (1.0 / n1 + 1.0 / n2)).squareRoot()
        let p = 2 * (1 - normalCDF(abs(z)))
        return (z, p)
    }

    /// Φ(x), as SciPy's `norm.cdf` (0.5·erfc(−x/√2)).
    static func normalCDF(_ x: Double) -> Double { 0.5 * erfc(-x / 2.0.squareRoot()) }
}

/// The regularized incomplete gamma function (for chi-square p-values).
enum Gamma {
    /// Q(a, x) = Γ(a, x) / Γ(a): `scipy.special.gammaincc`, so `chi2.sf(x, k) = Q(k/2, x/2)`.
    static func upperRegularized(_ a: Double, _ x: Double) -> Double {
        if x <= 0 { return 1 }
        if x.isInfinite { return 0 }
        if x < a + 1 { return 1 - lowerSeries(a, x) }
        return upperContinuedFraction(a, x)
    }

    private static func logPrefactor(_ a: Double, _ x: Double) -> Double { a * log(x) - x - logGamma(a) }

    private static func lowerSeries(_ a: Double, _ x: Double) -> Double {
        var ap = a, sum = 1.0 / a, del = sum
        for _ in 0..<10_000 {
            ap += 1
            del *= x / ap
            sum += del
            if abs(del) < abs(sum) * 1e-16 { break }
        }
        return sum * exp(logPrefactor(a, x))
    }

    private static func upperContinuedFraction(_ a: Double, _ x: Double) -> Double {
        let tiny = 1e-300
        var b = x + 1 - a, c = 1 / tiny, d = 1 / b, h = d
        for i in 1..<10_000 {
            let an = -Double(i) * (Double(i) - a)
            b += 2
            d = an * d + b
            if abs(d) < tiny { d = tiny }
            c = b + an / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let del = d * c
            h *= del
            if abs(del - 1) < 1e-16 { break }
        }
        return exp(logPrefactor(a, x)) * h
    }
}

/// ln Γ(x) (the C library's `lgamma`, named apart from Foundation's overloads).
func logGamma(_ x: Double) -> Double {
    #if canImport(Glibc)
    return Glibc.lgamma(x)
    #else
    return Darwin.lgamma(x)
    #endif
}
