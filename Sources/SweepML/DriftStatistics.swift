import Foundation

/// The statistics behind `sweep drift`, on plain arrays: quantiles, bin counts, the population
/// stability index and the two-sample Kolmogorov–Smirnov statistic.
public enum DriftStatistics {
    /// The share used for an empty bin in PSI, which would otherwise be ln(0): a bin with no
    /// training (or no new) values counts as 0.0001 of them, as most PSI implementations do.
    public static let epsilon = 1e-4

    /// The q-quantile of sorted values, interpolating linearly between order statistics
    /// (numpy.quantile's default).
    public static func quantile(sorted: [Double], _ q: Double) -> Double {
        precondition(!sorted.isEmpty, "quantile of no values")
        let position = Double(sorted.count - 1) * q
        let low = Int(position.rounded(.down))
        let high = Swift.min(low + 1, sorted.count - 1)
        return sorted[low] + (position - Double(low)) * (sorted[high] - sorted[low])
    }

    /// How many sorted values fall in each bin (−∞, e₀], (e₀, e₁], …, (eₖ, ∞).
    public static func binCounts(sorted: [Double], edges: [Double]) -> [Int] {
        var counts: [Int] = []
        var previous = 0
        for edge in edges {
            let end = upperBound(sorted, edge)
            counts.append(end - previous)
            previous = end
        }
        counts.append(sorted.count - previous)
        return counts
    }

    /// The index of the first value greater than `value` in sorted values.
    static func upperBound(_ sorted: [Double], _ value: Double) -> Int {
        var low = 0, high = sorted.count
        while low < high {
            let middle = (low + high) / 2
            if sorted[middle] <= value { low = middle + 1 } else { high = middle }
        }
        return low
    }

    /// Population stability index Σ (aᵢ − eᵢ) · ln(aᵢ / eᵢ) of the shares `actual` against
    /// `expected`, each share below `epsilon` raised to it. 0 for identical distributions; by
    /// convention < 0.1 is stable, 0.1–0.2 a moderate shift and > 0.2 a significant one.
    public static func psi(expected: [Double], actual: [Double]) -> Double {
        precondition(expected.count == actual.count, "PSI over different bins")
        var sum = 0.0
        for (e, a) in zip(expected, actual) {
            let e = Swift.max(e, epsilon), a = Swift.max(a, epsilon)
            sum += (a - e) * log(a / e)
        }
        return sum
    }

    /// Shares of a total (all zero when the total is zero).
    public static func shares(_ counts: [Int]) -> [Double] {
        let total = Double(counts.reduce(0, +))
        return counts.map { total > 0 ? Double($0) / total : 0 }
    }

    /// The two-sample KS statistic sup |F_a(x) − F_b(x)| of two sorted samples, the largest
    /// gap between their empirical distribution functions (scipy.stats.ks_2samp's statistic).
    public static func ks(sortedA a: [Double], sortedB b: [Double]) -> Double {
        guard !a.isEmpty, !b.isEmpty else { return 0 }
        let na = Double(a.count), nb = Double(b.count)
        var i = 0, j = 0
        var largest = 0.0
        while i < a.count || j < b.count {
            let value = Swift.min(i < a.count ? a[i] : .infinity, j < b.count ? b[j] : .infinity)
            while i < a.count && a[i] <= value { i += 1 }
            while j < b.count && b[j] <= value { j += 1 }
            largest = Swift.max(largest, abs(Double(i) / na - Double(j) / nb))
        }
        return largest
    }
}
