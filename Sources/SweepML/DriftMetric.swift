import Foundation

/// The new rows a model's metric is computed on (those whose target it knows): truth and
/// prediction per row, scored by the same functions as `ModelFile.score`.
struct ScoredRows {
    var labels: [Int] = []
    /// Row-major class probabilities, `classes` per row (classifiers).
    var probabilities: [Double] = []
    var classes = 0
    var truth: [Double] = []
    var predicted: [Double] = []

    var count: Int { classes > 0 ? labels.count : truth.count }

    /// Keeps the rows whose target is a known class (classifiers) or a number (regressors);
    /// a missing target, or a class the model never saw, cannot be scored.
    init(_ prediction: Prediction, targets: [String], classNames: [String]) {
        switch prediction {
        case .probabilities(let matrix):
            let index = Dictionary(uniqueKeysWithValues: classNames.enumerated().map { ($0.element, $0.offset) })
            classes = matrix.columns
            for (row, text) in targets.enumerated() {
                guard let label = index[text] else { continue }
                labels.append(label)
                for k in 0..<matrix.columns { probabilities.append(matrix[row, k]) }
            }
        case .values(let values):
            for (row, text) in targets.enumerated() {
                guard let value = Double(text), value.isFinite else { continue }
                truth.append(value)
                predicted.append(values[row])
            }
        }
    }

    /// The metric on all rows (nil: the metric does not apply, or no rows).
    func metric(_ name: String) -> Double? {
        guard count > 0 else { return nil }
        let scores =
            classes > 0
            ? Metrics.classification(labels, Matrix(rows: count, columns: classes, values: probabilities))
            : Metrics.regression(truth, predicted)
        return scores[name].flatMap { $0.isFinite ? $0 : nil }
    }

    /// The metric on some of the rows.
    func metric(_ name: String, rows: [Int]) -> Double? {
        var subset = ScoredRows(classes: classes)
        for row in rows {
            if classes > 0 {
                subset.labels.append(labels[row])
                subset.probabilities.append(contentsOf: probabilities[(row * classes)..<((row + 1) * classes)])
            } else {
                subset.truth.append(truth[row])
                subset.predicted.append(predicted[row])
            }
        }
        return subset.metric(name)
    }

    private init(classes: Int) { self.classes = classes }

    /// The metric's standard error on these rows: the spread of its values on 10 interleaved
    /// blocks of them (row i in block i mod 10), over √10. Past 100,000 rows, on 100,000 rows
    /// spread evenly over them, scaled by √(100,000 / rows) (bounded cost). Nil under 50 rows, or
    /// when the metric does not apply to every block (a ROC AUC of a block with one class).
    func standardError(_ name: String) -> Double? {
        let blocks = 10, used = Swift.min(count, 100_000)
        guard count >= 5 * blocks else { return nil }
        let sample = (0..<used).map { $0 * count / used }
        let values = (0..<blocks).compactMap { block in
            metric(name, rows: stride(from: block, to: used, by: blocks).map { sample[$0] })
        }
        guard values.count == blocks else { return nil }
        let mean = values.reduce(0, +) / Double(blocks)
        let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(blocks - 1)
        return (variance / Double(blocks) * Double(used) / Double(count)).squareRoot()
    }
}
