import Foundation

/// One-sided paired tests for racing: is `a` worse than `b` on the same folds? Differences are
/// losses (a − b, positive: a is worse); the result is the p-value of "a is no worse".
public enum PairedTest {
    /// Student's paired t-test. With no spread at all, a constant positive difference is
    /// certain (p = 0) and a constant zero or negative one is not (p = 1).
    public static func tTest(_ differences: [Double]) -> Double {
        let n = Double(differences.count)
        guard differences.count >= 2 else { return 1 }
        let mean = differences.reduce(0, +) / n
        let variance = differences.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / (n - 1)
        guard variance > 1e-24 * max(1, mean * mean) else { return mean > 0 ? 0 : 1 }
        let t = mean / (variance / n).squareRoot()
        return 1 - studentCDF(t, degreesOfFreedom: n - 1)
    }

    /// Wilcoxon's signed-rank test, exact (zero differences dropped, ties given their mean
    /// rank). With n non-zero differences the smallest p-value is 2^-n: five folds are needed
    /// to reach p < 0.05.
    public static func wilcoxon(_ differences: [Double]) -> Double {
        let nonzero = differences.filter { $0 != 0 }
        guard !nonzero.isEmpty else { return 1 }
        let order = nonzero.indices.sorted { abs(nonzero[$0]) < abs(nonzero[$1]) }
        // Doubled ranks, so that mean ranks of ties stay integers.
        var doubledRanks = [Int](repeating: 0, count: nonzero.count)
        var start = 0
        while start < order.count {
            var end = start
            while end + 1 < order.count && abs(nonzero[order[end + 1]]) == abs(nonzero[order[start]]) { end += 1 }
            for k in start...end { doubledRanks[order[k]] = start + end + 2 }
            start = end + 1
        }
        let observed = nonzero.indices.reduce(0) { $0 + (nonzero[$1] > 0 ? doubledRanks[$1] : 0) }
        // Distribution of the (doubled) positive rank sum under the null: every sign equally likely.
        let total = doubledRanks.reduce(0, +)
        var ways = [Double](repeating: 0, count: total + 1)
        ways[0] = 1
        for rank in doubledRanks {
            for sum in stride(from: total, through: rank, by: -1) { ways[sum] += ways[sum - rank] }
        }
        let atLeast = ways[observed...].reduce(0, +)
        return atLeast / pow(2, Double(nonzero.count))
    }

    /// P(T ≤ t) for Student's t with ν degrees of freedom.
    public static func studentCDF(_ t: Double, degreesOfFreedom nu: Double) -> Double {
        let tail = 0.5 * regularizedBeta(nu / (nu + t * t), a: nu / 2, b: 0.5)
        return t > 0 ? 1 - tail : tail
    }

    /// I_x(a, b), by the continued fraction of Numerical Recipes §6.4 (modified Lentz).
    static func regularizedBeta(_ x: Double, a: Double, b: Double) -> Double {
        if x <= 0 { return 0 }
        if x >= 1 { return 1 }
        let logGammas: Double = lgamma(a + b) - lgamma(a) - lgamma(b)
        let logPowers: Double = a * log(x) + b * log(1 - x)
        let front = exp(logGammas + logPowers)
        if x > (a + 1) / (a + b + 2) { return 1 - front * continuedFraction(1 - x, a: b, b: a) / b }
        return front * continuedFraction(x, a: a, b: b) / a
    }

    static func continuedFraction(_ x: Double, a: Double, b: Double) -> Double {
        let tiny = 1e-300
        var c = 1.0
        var d = 1 - (a + b) * x / (a + 1)
        if abs(d) < tiny { d = tiny }
        d = 1 / d
        var h = d
        for m in 1...300 {
            let m = Double(m)
            var numerator = m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m))
            d = 1 + numerator * d; if abs(d) < tiny { d = tiny }
            c = 1 + numerator / c; if abs(c) < tiny { c = tiny }
            d = 1 / d
            h *= d * c
            numerator = -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1))
            d = 1 + numerator * d; if abs(d) < tiny { d = tiny }
            c = 1 + numerator / c; if abs(c) < tiny { c = tiny }
            d = 1 / d
            let step = d * c
            h *= step
            if abs(step - 1) < 1e-15 { break }
        }
        return h
    }
}
