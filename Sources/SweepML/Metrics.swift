import Foundation

/// Validation metrics, defined as in scikit-learn.
public enum Metrics {
    /// Each probability row's most likely class (ties: the lowest class index).
    public static func argmax(_ probabilities: Matrix) -> [Int] {
        (0..<probabilities.rows).map { row in
            var best = 0
            for k in 1..<max(probabilities.columns, 1) where probabilities[row, k] > probabilities[row, best] {
                best = k
            }
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

    /// Every classification metric that applies: binary-only ones when there are two classes.
    public static func classification(_ truth: [Int], _ probabilities: Matrix) -> [String: Double] {
        let predicted = argmax(probabilities)
        let classes = probabilities.columns
        let scores = perClass(truth, predicted, classes: classes)
        let present = (0..<classes).filter { scores.support[$0] > 0 || scores.predicted[$0] > 0 }
        let supported = (0..<classes).filter { scores.support[$0] > 0 }
        let total = Double(truth.count)
        func macro(_ values: [Double], over labels: [Int]) -> Double {
            labels.map { values[$0] }.reduce(0, +) / Double(max(labels.count, 1))
        }
        func weighted(_ values: [Double]) -> Double {
            (0..<classes).reduce(0) { $0 + values[$1] * scores.support[$1] } / total
        }
        var metrics: [String: Double] = [
            "accuracy": accuracy(truth, predicted),
            "balanced_accuracy": macro(scores.recall, over: supported),
            "f1_macro": macro(scores.f1, over: present),
            "precision_macro": macro(scores.precision, over: present),
            "recall_macro": macro(scores.recall, over: present),
            "precision_weighted": weighted(scores.precision),
            "recall_weighted": weighted(scores.recall),
            "f1_weighted": weighted(scores.f1),
            "log_loss": logLoss(truth, probabilities),
        ]
        let aucs = supported.compactMap { k in
            rocAUC(truth.map { $0 == k }, (0..<probabilities.rows).map { probabilities[$0, k] })
        }
        if !aucs.isEmpty && supported.count == classes {
            metrics["roc_auc_ovr"] = aucs.reduce(0, +) / Double(aucs.count)
        }
        if classes == 2 {
            metrics["precision"] = scores.precision[1]
            metrics["recall"] = scores.recall[1]
            metrics["f1"] = scores.f1[1]
            if let auc = rocAUC(truth.map { $0 == 1 }, (0..<probabilities.rows).map { probabilities[$0, 1] }) {
                metrics["roc_auc"] = auc
            }
            metrics["brier"] =
                zip(truth, 0..<probabilities.rows).reduce(0) { sum, pair in
                    let error = probabilities[pair.1, 1] - (pair.0 == 1 ? 1 : 0)
                    return sum + error * error
                } / total
        }
        return metrics
    }

    /// Per-class precision, recall, F1 (0 where undefined, as scikit-learn's zero_division), support.
    static func perClass(_ truth: [Int], _ predicted: [Int], classes: Int)
        -> (precision: [Double], recall: [Double], f1: [Double], support: [Double], predicted: [Double])
    {
        var tp = [Double](repeating: 0, count: classes), support = tp, predictedCount = tp
        for (t, p) in zip(truth, predicted) {
            support[t] += 1
            predictedCount[p] += 1
            if t == p { tp[t] += 1 }
        }
        let precision = (0..<classes).map { predictedCount[$0] > 0 ? tp[$0] / predictedCount[$0] : 0 }
        let recall = (0..<classes).map { support[$0] > 0 ? tp[$0] / support[$0] : 0 }
        let f1 = (0..<classes).map { k -> Double in
            let denominator = support[k] + predictedCount[k]
            return denominator > 0 ? 2 * tp[k] / denominator : 0
        }
        return (precision, recall, f1, support, predictedCount)
    }

    /// Area under the ROC curve: the probability that a random positive scores above a random
    /// negative (ties count half), by ranks. Nil when only one class is present.
    public static func rocAUC(_ positive: [Bool], _ scores: [Double]) -> Double? {
        let positives = positive.filter { $0 }.count, negatives = positive.count - positives
        guard positives > 0, negatives > 0 else { return nil }
        let order = scores.indices.sorted { scores[$0] < scores[$1] }
        var rankSum = 0.0
        var i = 0
        while i < order.count {
            var j = i
            while j + 1 < order.count && scores[order[j + 1]] == scores[order[i]] { j += 1 }
            let averageRank = Double(i + j) / 2 + 1
            for position in i...j where positive[order[position]] { rankSum += averageRank }
            i = j + 1
        }
        return (rankSum - Double(positives) * Double(positives + 1) / 2) / (Double(positives) * Double(negatives))
    }

    public static func regression(_ truth: [Double], _ predicted: [Double]) -> [String: Double] {
        ["rmse": rmse(truth, predicted), "mae": mae(truth, predicted), "r2": r2(truth, predicted)]
    }
}
