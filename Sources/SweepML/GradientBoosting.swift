import Foundation
import SweepCore

/// Histogram-based gradient boosting (Ke et al. 2017, "LightGBM"), as scikit-learn's
/// `HistGradientBoostingClassifier/Regressor`: features binned into at most `maxBins` quantile
/// bins, trees grown leaf-wise (best gain first) up to `maxLeafNodes`, Newton leaf values
/// −G / (H + λ) scaled by the learning rate; squared error for regression, log loss (one tree per
/// class and iteration for more than two classes) for classification. Departures: no missing-value
/// bin (Sweep imputes before models see data); early stopping, when on, holds out 10 % of the
/// training rows (scikit-learn's default fraction) and stops after 10 rounds without improvement.
public struct GradientBoosting: Sendable {
    public var learningRate = 0.1
    public var maxIterations = 100
    public var maxLeafNodes = 31
    public var maxDepth: Int?
    public var minSamplesLeaf = 20
    public var l2Regularization = 0.0
    public var maxBins = 255
    public var earlyStopping = false
    public var seed: UInt64 = 0

    public init() {}

    public struct Fitted: Sendable, Codable {
        public let baseline: [Double]
        /// trees[iteration][class]
        public let trees: [[DecisionTree.Fitted]]
        public let classes: Int  // 0 for regression
        public let iterations: Int

        /// Raw scores (rows × outputs) after the first `stages` iterations.
        func rawScores(_ x: Matrix, stages: Int? = nil) -> [Double] {
            let outputs = max(1, classes == 2 ? 1 : classes)
            var out = [Double](repeating: 0, count: x.rows * outputs)
            for row in 0..<x.rows { for k in 0..<outputs { out[row * outputs + k] = baseline[k] } }
            for iteration in trees.prefix(stages ?? trees.count) {
                for (k, tree) in iteration.enumerated() {
                    x.values.withUnsafeBufferPointer { buffer in
                        for row in 0..<x.rows {
                            out[row * outputs + k] += tree.values[tree.leaf(buffer, row: row, columns: x.columns)]
                        }
                    }
                }
            }
            return out
        }

        /// The model after its first `stages` iterations.
        public func staged(_ stages: Int) -> Fitted {
            Fitted(
                baseline: baseline, trees: Array(trees.prefix(stages)), classes: classes,
                iterations: min(stages, iterations))
        }

        public func predict(_ x: Matrix, stages: Int? = nil) -> Prediction {
            let raw = rawScores(x, stages: stages)
            if classes == 0 { return .values(raw) }
            return .probabilities(GradientBoosting.probabilities(raw, rows: x.rows, classes: classes))
        }
    }

    static func probabilities(_ raw: [Double], rows: Int, classes: Int) -> Matrix {
        var out = Matrix(rows: rows, columns: classes, values: [Double](repeating: 0, count: rows * classes))
        for row in 0..<rows {
            if classes == 2 {
                let p = 1 / (1 + exp(-raw[row]))
                out[row, 0] = 1 - p
                out[row, 1] = p
            } else {
                var top = -Double.infinity
                for k in 0..<classes { top = max(top, raw[row * classes + k]) }
                var total = 0.0
                for k in 0..<classes { total += exp(raw[row * classes + k] - top) }
                for k in 0..<classes { out[row, k] = exp(raw[row * classes + k] - top) / total }
            }
        }
        return out
    }

    /// `onIteration(iteration, model so far)` is called after every iteration, while the fit runs
    /// (for intermediate validation scores); `.stop` ends the fit there.
    public func fit(_ x: Matrix, target: TrainingTarget, onIteration: ((Int, () -> Fitted) -> FitControl)? = nil)
        -> Fitted
    {
        var generator = SeededGenerator(seed: seed)
        var rows = Array(0..<x.rows)
        var stopRows: [Int] = []
        if earlyStopping && x.rows >= 20 {
            rows.shuffle(using: &generator)
            let held = max(1, x.rows / 10)
            stopRows = Array(rows.prefix(held)).sorted()
            rows = Array(rows.dropFirst(held)).sorted()
        }
        let bins = BinnedMatrix(x, rows: rows, maxBins: maxBins)
        let n = rows.count
        let classes: Int, outputs: Int
        var labels: [Int] = [], values: [Double] = []
        switch target {
        case .classes(let all, let count):
            classes = count; outputs = count == 2 ? 1 : count; labels = rows.map { all[$0] }
        case .values(let all): classes = 0; outputs = 1; values = rows.map { all[$0] }
        }
        let baseline = Self.baseline(classes: classes, outputs: outputs, labels: labels, values: values)
        var raw = [Double](repeating: 0, count: n * outputs)
        for row in 0..<n { for k in 0..<outputs { raw[row * outputs + k] = baseline[k] } }
        var gradients = [Double](repeating: 0, count: n), hessians = [Double](repeating: 0, count: n)
        var trees: [[DecisionTree.Fitted]] = []
        var grower = LeafwiseGrower(
            bins: bins, maxLeafNodes: maxLeafNodes, maxDepth: maxDepth, minSamplesLeaf: minSamplesLeaf,
            l2: l2Regularization, learningRate: learningRate)
        var bestLoss = Double.infinity, sinceBest = 0
        var stopScores = [Double]()
        let stopMatrix = Matrix(x, rows: stopRows)  // the held-out rows, gathered once
        if !stopRows.isEmpty {
            stopScores = [Double](repeating: 0, count: stopRows.count * outputs)
            for row in 0..<stopRows.count { for k in 0..<outputs { stopScores[row * outputs + k] = baseline[k] } }
        }
        for _ in 0..<maxIterations {
            var iteration: [DecisionTree.Fitted] = []
            var probabilities: [Double] = []
            if classes > 2 {
                probabilities = GradientBoosting.probabilities(raw, rows: n, classes: classes).values
            }
            for k in 0..<outputs {
                for row in 0..<n {
                    switch classes {
                    case 0: gradients[row] = raw[row] - values[row]; hessians[row] = 1
                    case 2:
                        let p = 1 / (1 + exp(-raw[row]))
                        gradients[row] = p - (labels[row] == 1 ? 1 : 0)
                        hessians[row] = max(p * (1 - p), 1e-16)
                    default:
                        let p = probabilities[row * classes + k]
                        gradients[row] = p - (labels[row] == k ? 1 : 0)
                        hessians[row] = max(p * (1 - p), 1e-16)
                    }
                }
                let (tree, leafOfRow) = grower.grow(gradients: gradients, hessians: hessians)
                for row in 0..<n { raw[row * outputs + k] += tree.values[leafOfRow[row]] }
                iteration.append(tree)
            }
            trees.append(iteration)
            if let onIteration,
                onIteration(
                    trees.count,
                    {
                        Fitted(baseline: baseline, trees: trees, classes: classes, iterations: trees.count)
                    }) == .stop
            {
                break
            }
            if !stopRows.isEmpty {
                stopMatrix.values.withUnsafeBufferPointer { buffer in
                    for (k, tree) in iteration.enumerated() {
                        for row in 0..<stopRows.count {
                            stopScores[row * outputs + k] +=
                                tree.values[tree.leaf(buffer, row: row, columns: x.columns)]
                        }
                    }
                }
                let loss = Self.loss(stopScores, target: target, rows: stopRows, classes: classes)
                if loss < bestLoss - 1e-7 { bestLoss = loss; sinceBest = 0 } else { sinceBest += 1 }
                if sinceBest >= 10 { break }
            }
        }
        return Fitted(baseline: baseline, trees: trees, classes: classes, iterations: trees.count)
    }

    /// The raw score before any tree: the mean, the log odds, or log class priors.
    static func baseline(classes: Int, outputs: Int, labels: [Int], values: [Double]) -> [Double] {
        let n = Double(classes == 0 ? values.count : labels.count)
        var baseline = [Double](repeating: 0, count: outputs)
        if classes == 0 {
            baseline[0] = values.reduce(0, +) / n
        } else {
            var counts = [Double](repeating: 0, count: classes)
            for label in labels { counts[label] += 1 }
            let eps = 1e-15
            if classes == 2 {
                let p = min(max(counts[1] / n, eps), 1 - eps)
                baseline[0] = log(p / (1 - p))
            } else {
                for k in 0..<classes { baseline[k] = log(max(counts[k] / n, eps)) }
            }
        }
        return baseline
    }

    static func loss(_ raw: [Double], target: TrainingTarget, rows: [Int], classes: Int) -> Double {
        switch target {
        case .values(let values):
            return zip(rows.indices, rows).reduce(0) { $0 + pow(raw[$1.0] - values[$1.1], 2) } / Double(rows.count)
        case .classes(let labels, _):
            let p = probabilities(raw, rows: rows.count, classes: classes)
            return Metrics.logLoss(rows.map { labels[$0] }, p)
        }
    }
}
