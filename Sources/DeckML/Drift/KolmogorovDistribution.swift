import Foundation

/// The survival function of the two-sided one-sample Kolmogorov–Smirnov statistic D_n, as SciPy's
/// `kstwo.sf(x, n)` computes it (Simard & L'Ecuyer's choice between the Ruben–Gambino closed forms,
/// Durbin's matrix (Marsaglia–Tsang–Wang), Pomeranz's recursion, Pelz–Good's approximation and
/// twice the one-sided Smirnov probability). Used for `ks_2samp`'s asymptotic p-value.
enum KolmogorovDistribution {
    static let ep128 = 0x1p128, em128 = 0x1p-128

    /// P(D_n ≥ x).
    static func sf(n: Int, x: Double) -> Double {
        guard n > 0, !x.isNaN else { return .nan }
        if x >= 1 { return 0 }
        if x <= 0 { return 1 }
        let nd = Double(n)
        let t = nd * x
        if t <= 1 {
            if t <= 0.5 { return 1 }
            var prob: Double
            if n <= 140 {
                prob = 1
                for i in 1...n { prob *= Double(i) * (1.0 / nd) * (2 * t - 1) }
            } else {
                prob = exp(logFactorialOverPower(nd) + nd * log(2 * t - 1))
            }
            return clip(1 - prob)
        }
        if t >= nd - 1 { return clip(2 * pow(1 - x, nd)) }
        if x >= 0.5 { return clip(2 * Smirnov.sf(n: n, x: x)) }
        let nxsquared = t * x
        if n <= 140 {
            if nxsquared <= 0.754693 { return clip(1 - durbinCDF(n: n, d: x)) }
            if nxsquared <= 4 { return clip(1 - pomeranzCDF(n: n, x: x)) }
            return clip(2 * Smirnov.sf(n: n, x: x))
        }
        if nxsquared >= 370 { return 0 }
        if nxsquared >= 2.2 { return clip(2 * Smirnov.sf(n: n, x: x)) }
        let cdf: Double
        if nxsquared >= 18 { cdf = 1 }
        else if n <= 100_000 && nd * pow(x, 1.5) <= 1.4 { cdf = durbinCDF(n: n, d: x) }
        else { cdf = pelzGoodCDF(n: nd, x: x) }
        return clip(1 - cdf)
    }

    static func clip(_ p: Double) -> Double { min(max(p, 0), 1) }

    static func logFactorialOverPower(_ n: Double) -> Double {
        let c: [Double] = [-2.955065359477124183e-2, 6.4102564102564102564e-3, -1.9175269175269175269e-3,
                           8.4175084175084175084e-4, -5.952380952380952381e-4, 7.9365079365079365079e-4,
                           -2.7777777777777777778e-3, 8.3333333333333333333e-2]
        let rn = 1.0 / n
        var poly = 0.0
        for coefficient in c { poly = poly * (rn / n) + coefficient }
        return log(n) / 2 - n + log(2 * Double.pi) / 2 + rn * poly
    }

    /// Durbin's matrix algorithm in the Marsaglia–Tsang–Wang form: P(D_n ≤ d).
    static func durbinCDF(n: Int, d: Double) -> Double {
        if d >= 1 { return 1 }
        let nd = Double(n) * d
        if nd <= 0.5 { return 0 }
        let k = Int(nd.rounded(.up))
        let h = Double(k) - nd
        let m = 2 * k - 1
        var H = [Double](repeating: 0, count: m * m)
        var v = (1...m).map { 1.0 - pow(h, Double($0)) }
        var w = [Double](repeating: 0, count: m)
        var fac = 1.0
        for j in 1...m {
            w[j - 1] = fac
            fac /= Double(j)
            v[j - 1] *= fac
        }
        let tt = pow(max(2 * h - 1.0, 0), Double(m)) - 2 * pow(h, Double(m))
        v[m - 1] = (1.0 + tt) * fac
        if m > 1 {
            for i in 1..<m { for r in (i - 1)..<m { H[r * m + i] = w[r - (i - 1)] } }
        }
        for r in 0..<m { H[r * m] = v[r] }
        for c in 0..<m { H[(m - 1) * m + c] = v[m - 1 - c] }
        var P = [Double](repeating: 0, count: m * m)
        for i in 0..<m { P[i * m + i] = 1 }
        var nn = n, expnt = 0, hExpnt = 0
        while nn > 0 {
            if nn % 2 == 1 { P = multiply(P, H, m); expnt += hExpnt }
            H = multiply(H, H, m)
            hExpnt *= 2
            if abs(H[(k - 1) * m + (k - 1)]) > ep128 {
                for i in 0..<(m * m) { H[i] /= ep128 }
                hExpnt += 128
            }
            nn /= 2
        }
        var p = P[(k - 1) * m + (k - 1)]
        for i in 1...n {
            p = Double(i) * p / Double(n)
            if abs(p) < em128 { p *= ep128; expnt -= 128 }
        }
        if expnt != 0 { p = scalbn(p, expnt) }
        return clip(p)
    }

    private static func multiply(_ a: [Double], _ b: [Double], _ m: Int) -> [Double] {
        var c = [Double](repeating: 0, count: m * m)
        for i in 0..<m {
            for j in 0..<m {
                var s = 0.0
                for t in 0..<m { s += a[i * m + t] * b[t * m + j] }
                c[i * m + j] = s
            }
        }
        return c
    }

    private static func pomeranzJ1J2(_ i: Int, _ n: Int, _ ll: Int, _ ceilf: Int, _ roundf: Int) -> (Int, Int) {
        var j1: Int, j2: Int
        if i == 0 {
            j1 = -ll - ceilf - 1; j2 = ll + ceilf - 1
        } else {
            let ip1div2 = (i + 1) / 2, ip1mod2 = (i + 1) % 2
            if ip1mod2 == 0 {
                if ip1div2 == n + 1 { j1 = n - ll - ceilf - 1; j2 = n + ll + ceilf - 1 }
                else { j1 = ip1div2 - 1 - ll - roundf - 1; j2 = ip1div2 + ll - 1 + ceilf - 1 }
            } else {
                j1 = ip1div2 - 1 - ll - 1; j2 = ip1div2 + ll + roundf - 1
            }
        }
        return (max(j1 + 2, 0), min(j2, n))
    }

    /// Pomeranz's recursion: P(D_n ≤ x).
    static func pomeranzCDF(n: Int, x: Double) -> Double {
        let t = Double(n) * x
        let ll = Int(t.rounded(.down))
        let f = t - Double(ll)
        let g = min(f, 1 - f)
        let ceilf = f > 0 ? 1 : 0, roundf = f > 0.5 ? 1 : 0
        let npwrs = 2 * (ll + 1)
        var gpower = [Double](repeating: 1, count: npwrs), two = gpower, onem2 = gpower
        let nd = Double(n)
        for m in 1..<npwrs {
            gpower[m] = gpower[m - 1] * (g / nd) / Double(m)
            two[m] = two[m - 1] * (2 * g / nd) / Double(m)
            onem2[m] = onem2[m - 1] * ((1 - 2 * g) / nd) / Double(m)
        }
        var V0 = [Double](repeating: 0, count: npwrs), V1 = V0
        V1[0] = 1
        var V0s = 0, V1s = 0, expnt = 0
        var (j1, j2) = pomeranzJ1J2(0, n, ll, ceilf, roundf)
        for i in 1..<(2 * n + 2) {
            let k1 = j1
            swap(&V0, &V1)
            swap(&V0s, &V1s)
            for z in 0..<npwrs { V1[z] = 0 }
            (j1, j2) = pomeranzJ1J2(i, n, ll, ceilf, roundf)
            let pw = (i == 1 || i == 2 * n + 1) ? gpower : (i % 2 == 1 ? two : onem2)
            let ln2 = j2 - k1 + 1
            if ln2 > 0 {
                // Full convolution of V0[k1-V0s ..< k1-V0s+ln2] with pw[..<ln2]; keep entries j1-k1 ..< j1-k1+len.
                let start = k1 - V0s
                let convStart = j1 - k1, convLen = j2 - j1 + 1
                var maxV = 0.0
                for o in 0..<max(convLen, 0) {
                    let idx = convStart + o
                    var s = 0.0
                    // conv[idx] = sum_a V0[start+a] * pw[idx-a], 0<=a<ln2, 0<=idx-a<ln2
                    let lo = max(0, idx - (ln2 - 1)), hi = min(idx, ln2 - 1)
                    if lo <= hi {
                        for a in lo...hi {
                            let vi = start + a
                            if vi >= 0 && vi < npwrs { s += V0[vi] * pw[idx - a] }
                        }
                    }
                    V1[o] = s
                    if s > maxV { maxV = s }
                }
                if maxV > 0 && maxV < em128 {
                    for z in 0..<npwrs { V1[z] *= ep128 }
                    expnt -= 128
                }
                V1s = V0s + j1 - k1
            }
        }
        var ans = V1[n - V1s]
        for m in 1...n {
            if abs(ans) > ep128 { ans *= em128; expnt += 128 }
            ans *= Double(m)
        }
        if expnt != 0 { ans = scalbn(ans, expnt) }
        return clip(ans)
    }

    /// Pelz–Good approximation: P(D_n ≤ x).
    static func pelzGoodCDF(n: Double, x: Double) -> Double {
        if x <= 0 { return 0 }
        if x >= 1 { return 1 }
        let pi2 = Double.pi * Double.pi, pi4 = pi2 * pi2, pi6 = pi4 * pi2
        let sqrt2pi = (2 * Double.pi).squareRoot()
        let z = n.squareRoot() * x
        let z2 = z * z, z3 = z2 * z, z4 = z2 * z2, z6 = z4 * z2
        let qlog = -pi2 / 8 / z2
        if qlog < -708 { return 0 }
        var q = exp(qlog)
        let k1a = -z2, k1b = pi2 / 4
        let k2a = 6 * z6 + 2 * z4, k2b = (2 * z4 - 5 * z2) * pi2 / 4, k2c = pi4 * (1 - 2 * z2) / 16
        let k3d = pi6 * (5 - 30 * z2) / 64, k3c = pi4 * (-60 * z2 + 212 * z4) / 16
        let k3b = pi2 * (135 * z4 - 96 * z6) / 4, k3a = -30 * z6 - 90 * pow(z, 8)
        var K = [0.0, 0.0, 0.0, 0.0]
        let maxk = Int((16 * z / Double.pi).rounded(.up))
        if maxk >= 1 {
            for k in stride(from: maxk, through: 1, by: -1) {
                let m = Double(2 * k - 1)
                let m2 = m * m, m4 = m2 * m2, m6 = m4 * m2
                let qp = pow(q, Double(8 * k))
                let c = [1.0, k1a + k1b * m2, k2a + k2b * m2 + k2c * m4, k3a + k3b * m2 + k3c * m4 + k3d * m6]
                for i in 0..<4 { K[i] = K[i] * qp + c[i] }
            }
        }
        let den = [z, 6 * z4, 72 * pow(z, 7), 6480 * pow(z, 10)]
        for i in 0..<4 { K[i] = K[i] * q * sqrt2pi / den[i] }
        q = exp(-pi2 / 2 / z2)
        var k2extra = 0.0, k3extra = 0.0
        let sqrt3z = 3.0.squareRoot() * z
        if maxk >= 1 {
            for k in stride(from: maxk, through: 1, by: -1) {
                let ks2 = Double(k * k)
                let qp = pow(q, ks2)
                k2extra += ks2 * qp
                let kspi = Double.pi * Double(k)
                k3extra += (sqrt3z + kspi) * (sqrt3z - kspi) * ks2 * qp
            }
        }
        K[2] += k2extra * pi2 * sqrt2pi / (-36 * z3)
        K[3] += k3extra * pi2 * sqrt2pi / (216 * z6)
        for i in 0..<4 { K[i] /= pow(n, Double(i) / 2) }
        return K[0] + K[1] + K[2] + K[3]
    }
}

/// The one-sided Smirnov survival function P(D_n⁺ ≥ x) (SciPy's `scipy.special.smirnov`), by the
/// Birnbaum–Tingey sum in log space (positive terms, so plain doubles keep ~1e-12 relative accuracy).
enum Smirnov {
    static func sf(n: Int, x: Double) -> Double {
        guard n > 0, x >= 0, x <= 1 else { return .nan }
        if n == 1 { return 1 - x }
        if x == 0 { return 1 }
        if x == 1 { return 0 }
        let nd = Double(n)
        let nx = nd * x
        if nx <= 1 { return 1 - x * pow(1 + x, nd - 1) }
        if -2 * nd * x * x < -708.3964185322641 { return 0 }
        if nx >= nd - 1 { return pow(1 - x, nd) }
        if n > 1_000_000 {
            let logp = -pow(6 * nx + 1, 2) / 18 / nd
            return logp < -M_LN2 ? exp(logp) : 1 - (-expm1(logp))
        }
        // sf = x * sum_{v=0}^{floor(n(1-x))} C(n,v) (x+v/n)^(v-1) (1-x-v/n)^(n-v); exclude the last term when n(1-x) is whole.
        let upper = nd - nx
        var last = Int(upper.rounded(.down))
        if upper == Double(last) { last -= 1 }
        let lgn1 = logGamma(nd + 1)
        var sum = 0.0
        var peak = 0.0
        for v in 0...max(last, 0) {
            let vd = Double(v)
            let a = x + vd / nd, b = 1 - x - vd / nd
            guard b > 0 else { break }
            let logTerm = lgn1 - logGamma(vd + 1) - logGamma(nd - vd + 1) + (vd - 1) * log(a) + (nd - vd) * log(b)
            let term = exp(logTerm)
            sum += term
            if term > peak { peak = term }
            if term < peak && term < 1e-17 * sum { break }
        }
        return min(max(x * sum, 0), 1)
    }
}
