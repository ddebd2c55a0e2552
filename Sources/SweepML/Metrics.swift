import Foundation

/// Validation metrics, defined as in scikit-learn.
public enum Metrics {
    /// Each probability row's most likely class (ties: the lowest class index).
    public static func argmax(_ probabilities: Matrix) -> [Int] {
        (0..<probabilities.rows).map { row in
            var best = 0
            for k in 1..<max(probabilities.columns, 1) where probabilities[row, k] > probabilities[row, best] { best = k }
            return best
        }
    }

    public static func accuracy(_ truth: [Int], _ predicted: [Int]) -> Double {
        Double(zip(truth, predicted).filter { $0 == $1 }.count) / Double(truth.count)
    }

    /// Unweighted mean of per-class F1 over the classes present in truth or prediction;
    /// a class with no true or predicted rows scores 0 (scikit-learn's zero_division default).
    public static func f1Macro(_ truth: [Int], _ predicted: [Int]) -> Double {
        let classes = Set(truth).union(predicted)
        let scores = classes.map { label -> Double in
            var tp = 0, fp = 0, fn = 0
            for (t, p) in zip(truth, predicted) {
                if p == label && t == label { tp += 1 } else if p == label { fp += 1 } else if t == label { fn += 1 }
            }
            let denominator = 2 * tp + fp + fn
            return denominator == 0 ? 0 : Double(2 * tp) / Double(denominator)
        }
        return scores.reduce(0, +) / Double(scores.count)
    }

    /// Mean negative log-likelihood of the true class, probabilities clipped to [ε, 1 − ε].
    public static func logLoss(_ truth: [Int], _ probabilities: Matrix) -> Double {
        let eps = Double.ulpOfOne
        var sum = 0.0
        for (row, label) in truth.enumerated() {
            sum -= log(min(max(probabilities[row, label], eps), 1 - eps))
        }
        return sum / Double(truth.count)
    }

    public static func rmse(_ truth: [Double], _ predicted: [Double]) -> Double {
        (zip(truth, predicted).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) } / Double(truth.count)).squareRoot()
    }

    public static func mae(_ truth: [Double], _ predicted: [Double]) -> Double {
        zip(truth, predicted).reduce(0) { $0 + abs($1.0 - $1.1) } / Double(truth.count)
    }

    /// Coefficient of determination; a constant truth scores 1 if predicted exactly, else 0.
    public static func r2(_ truth: [Double], _ predicted: [Double]) -> Double {
        let mean = truth.reduce(0, +) / Double(truth.count)
        let residual = zip(truth, predicted).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
        let total = truth.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
        if total == 0 { return residual == 0 ? 1 : 0 }
        return 1 - residual / total
    }

    public static func classification(_ truth: [Int], _ probabilities: Matrix) -> [String: Double] {
        let predicted = argmax(probabilities)
        return ["accuracy": accuracy(truth, predicted), "f1_macro": f1Macro(truth, predicted),
                "log_loss": logLoss(truth, probabilities)]
    }

    public static func regression(_ truth: [Double], _ predicted: [Double]) -> [String: Double] {
        ["rmse": rmse(truth, predicted), "mae": mae(truth, predicted), "r2": r2(truth, predicted)]
    }
}
