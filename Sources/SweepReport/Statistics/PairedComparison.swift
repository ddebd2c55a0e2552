import Foundation
import SweepCore

/// Two-sided paired tests of fold-by-fold differences between two trials, for the report's "is
/// the best distinguishable from the runners-up" (racing's one-sided tests are `PairedTest`).
///
/// Cross-validation folds share most of their training rows, so the differences are positively
/// correlated and Student's paired t-test understates their variance: its p-values are
/// optimistic (Dietterich 1998). Nadeau & Bengio's (2003) corrected resampled t-test widens the
/// variance from σ²/J to (1/J + n_test/n_train)·σ²; `correctedResampled` offers it. The report
/// shows Student's test (scipy.stats.ttest_rel), says so, and reads a small p as a hint.
public enum PairedComparison {
    public struct Result: Sendable, Equatable {
        public var t: Double
        public var pValue: Double
        public var degreesOfFreedom: Int
    }

    /// Student's paired t-test (as scipy.stats.ttest_rel): t = mean / (s / √n), s with ddof 1,
    /// two-sided p from the t distribution with n − 1 degrees of freedom. Nil below two
    /// differences, with a non-finite one, or when every difference is zero (ties: nothing to
    /// test). The same nonzero difference on every fold has no spread: t is ±∞ and p is 0, as
    /// scipy's ttest_rel says (t ≈ 1e16 there, from rounding noise).
    public static func studentT(_ differences: [Double]) -> Result? {
        test(differences, inflation: 0)
    }

    /// Nadeau & Bengio's corrected resampled t-test: the variance of the mean is
    /// (1/n + testToTrain)·s² instead of s²/n, where testToTrain is the validation rows over the
    /// training rows of one fold (1/(k − 1) for k-fold CV; 0 gives Student's test).
    public static func correctedResampled(_ differences: [Double], testToTrain: Double) -> Result? {
        test(differences, inflation: testToTrain)
    }

    /// The ratio of validation to training rows in k-fold cross-validation: 1/(k − 1).
    public static func kFoldTestToTrain(folds: Int) -> Double { folds > 1 ? 1 / Double(folds - 1) : 0 }

    static func test(_ differences: [Double], inflation: Double) -> Result? {
        let n = differences.count
        guard n >= 2, differences.allSatisfy(\.isFinite) else { return nil }
        let mean = differences.reduce(0, +) / Double(n)
        let variance = differences.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(n - 1)
        let scale = differences.map(abs).max() ?? 0
        // Equal differences leave only rounding noise in the variance: no spread. Ties are no
        // evidence either way; the same advantage on every fold is as strong as evidence gets.
        guard variance.squareRoot() > 1e-12 * scale else {
            guard abs(mean) > 1e-12 * max(scale, 1e-300), scale > 0 else { return nil }
            return Result(t: mean > 0 ? .infinity : -.infinity, pValue: 0, degreesOfFreedom: n - 1)
        }
        let t = mean / (variance * (1 / Double(n) + inflation)).squareRoot()
        return Result(t: t, pValue: twoSidedP(t, degreesOfFreedom: n - 1), degreesOfFreedom: n - 1)
    }

    /// P(|T| ≥ |t|) for Student's t with ν degrees of freedom: twice the lower tail at −|t|,
    /// which `PairedTest.studentCDF` computes directly (no 1 − x cancellation for small p).
    public static func twoSidedP(_ t: Double, degreesOfFreedom nu: Int) -> Double {
        if t.isNaN { return .nan }
        return min(1, 2 * PairedTest.studentCDF(-abs(t), degreesOfFreedom: Double(nu)))
    }
}
