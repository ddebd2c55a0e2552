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
        public let classes: Int       // 0 for regression
        public let iterations: Int

        /// Raw scores (rows × outputs) after the first `stages` iterations.
        func rawScores(_ x: Matrix, stages: Int? = nil) -> [Double] {
            let outputs = max(1, classes == 2 ? 1 : classes)
            var out = [Double](repeating: 0, count: x.rows * outputs)
            for row in 0..<x.rows { for k in 0..<outputs { out[row * outputs + k] = baseline[k] } }
            for iteration in trees.prefix(stages ?? trees.count) {
                for (k, tree) in iteration.enumerated() {
                    x.values.withUnsafeBufferPointer { buffer in
                        for row in 0..<x.rows { out[row * outputs + k] += tree.values[tree.leaf(buffer, row: row, columns: x.columns)] }
                    }
                }
            }
            return out
        }

        /// The model after its first `stages` iterations.
        public func staged(_ stages: Int) -> Fitted {
            Fitted(baseline: baseline, trees: Array(trees.prefix(stages)), classes: classes, iterations: min(stages, iterations))
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
    public func fit(_ x: Matrix, target: TrainingTarget, onIteration: ((Int, () -> Fitted) -> FitControl)? = nil) -> Fitted {
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
        case .classes(let all, let count): classes = count; outputs = count == 2 ? 1 : count; labels = rows.map { all[$0] }
        case .values(let all): classes = 0; outputs = 1; values = rows.map { all[$0] }
        }
        // Baseline: the mean, the log odds, or log class priors.
        var baseline = [Double](repeating: 0, count: outputs)
        if classes == 0 {
            baseline[0] = values.reduce(0, +) / Double(n)
        } else {
            var counts = [Double](repeating: 0, count: classes)
            for label in labels { counts[label] += 1 }
            let eps = 1e-15
            if classes == 2 {
                let p = min(max(counts[1] / Double(n), eps), 1 - eps)
                baseline[0] = log(p / (1 - p))
            } else {
                for k in 0..<classes { baseline[k] = log(max(counts[k] / Double(n), eps)) }
            }
        }
        var raw = [Double](repeating: 0, count: n * outputs)
        for row in 0..<n { for k in 0..<outputs { raw[row * outputs + k] = baseline[k] } }
        var gradients = [Double](repeating: 0, count: n), hessians = [Double](repeating: 0, count: n)
        var trees: [[DecisionTree.Fitted]] = []
        var grower = LeafwiseGrower(bins: bins, maxLeafNodes: maxLeafNodes, maxDepth: maxDepth, minSamplesLeaf: minSamplesLeaf,
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
            if let onIteration, onIteration(trees.count, {
                Fitted(baseline: baseline, trees: trees, classes: classes, iterations: trees.count)
            }) == .stop { break }
            if !stopRows.isEmpty {
                stopMatrix.values.withUnsafeBufferPointer { buffer in
                    for (k, tree) in iteration.enumerated() {
                        for row in 0..<stopRows.count { stopScores[row * outputs + k] += tree.values[tree.leaf(buffer, row: row, columns: x.columns)] }
                    }
                }
                let loss = Self.loss(stopScores, target: target, rows: stopRows, classes: classes)
                if loss < bestLoss - 1e-7 { bestLoss = loss; sinceBest = 0 } else { sinceBest += 1 }
                if sinceBest >= 10 { break }
            }
        }
        return Fitted(baseline: baseline, trees: trees, classes: classes, iterations: trees.count)
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

/// Training rows binned per feature (column-major bytes) with each bin's upper raw value.
struct BinnedMatrix {
    let rows: Int
    let columns: Int
    let codes: [UInt8]            // column-major: codes[f * rows + i]
    let upperEdges: [[Double]]    // per feature: bin b holds values ≤ upperEdges[f][b]
    var binCount: [Int] { upperEdges.map(\.count) }

    init(_ x: Matrix, rows indices: [Int], maxBins: Int) {
        rows = indices.count
        columns = x.columns
        var codes = [UInt8](repeating: 0, count: rows * columns)
        var edges: [[Double]] = []
        for f in 0..<columns {
            let values = indices.map { x[$0, f] }
            let distinct = Array(Set(values)).sorted()
            var upper: [Double]
            if distinct.count <= maxBins {
                // One bin per distinct value; thresholds halfway to the next value.
                upper = (0..<distinct.count).map { $0 + 1 < distinct.count ? distinct[$0] / 2 + distinct[$0 + 1] / 2 : .infinity }
            } else {
                let sorted = values.sorted()
                upper = []
                for b in 1..<maxBins {
                    let q = sorted[min(sorted.count - 1, b * sorted.count / maxBins)]
                    if upper.last.map({ q > $0 }) ?? true { upper.append(q) }
                }
                upper.append(.infinity)
            }
            for (i, value) in values.enumerated() {
                // First edge ≥ value.
                var lo = 0, hi = upper.count - 1
                while lo < hi { let mid = (lo + hi) / 2; if value <= upper[mid] { hi = mid } else { lo = mid + 1 } }
                codes[f * rows + i] = UInt8(lo)
            }
            edges.append(upper)
        }
        self.codes = codes
        upperEdges = edges
    }
}

/// Grows one regression tree on gradients and hessians, leaf-wise with histograms.
struct LeafwiseGrower {
    let bins: BinnedMatrix
    let maxLeafNodes: Int
    let maxDepth: Int?
    let minSamplesLeaf: Int
    let l2: Double
    let learningRate: Double
    static let minHessianToSplit = 1e-3

    /// Every feature's histogram in three flat arrays; feature f's bins are
    /// `offsets[f] ..< offsets[f + 1]`. Three allocations a leaf, not three per feature.
    struct Histograms {
        var gradient: [Double], hessian: [Double], count: [Int32]
    }

    /// Where each feature's bins start in `Histograms`, and the total.
    let offsets: [Int]
    /// Histograms of split (or finished) leaves, reused: allocating ~100 KB per leaf made page
    /// faults a tenth of the fit.
    var pool: [Histograms] = []

    /// A zeroed set of histograms, from the pool when it has one.
    mutating func emptyHistograms() -> Histograms {
        guard var reused = pool.popLast() else {
            let total = offsets.last!
            return Histograms(gradient: [Double](repeating: 0, count: total), hessian: [Double](repeating: 0, count: total),
                              count: [Int32](repeating: 0, count: total))
        }
        reused.gradient.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
        reused.hessian.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
        reused.count.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
        return reused
    }

    struct Leaf {
        var rows: [Int32]
        var depth: Int
        var node: Int
        var histogram: Histograms
        var split: (gain: Double, feature: Int, bin: Int)?
        var gradient: Double, hessian: Double
    }

    init(bins: BinnedMatrix, maxLeafNodes: Int, maxDepth: Int?, minSamplesLeaf: Int, l2: Double, learningRate: Double) {
        self.bins = bins
        self.maxLeafNodes = maxLeafNodes
        self.maxDepth = maxDepth
        self.minSamplesLeaf = minSamplesLeaf
        self.l2 = l2
        self.learningRate = learningRate
        var offsets = [0]
        for edges in bins.upperEdges { offsets.append(offsets.last! + edges.count) }
        self.offsets = offsets
    }

    mutating func histograms(_ rows: [Int32], _ g: [Double], _ h: [Double]) -> Histograms {
        let n = bins.rows
        var histograms = emptyHistograms()
        bins.codes.withUnsafeBufferPointer { codes in
            histograms.gradient.withUnsafeMutableBufferPointer { hg in
                histograms.hessian.withUnsafeMutableBufferPointer { hh in
                    histograms.count.withUnsafeMutableBufferPointer { hc in
                        for f in 0..<bins.columns {
                            let column = codes.baseAddress! + f * n
                            let base = offsets[f]
                            for row in rows {
                                let b = base + Int(column[Int(row)])
                                hg[b] += g[Int(row)]; hh[b] += h[Int(row)]; hc[b] += 1
                            }
                        }
                    }
                }
            }
        }
        return histograms
    }

    func bestSplit(_ leaf: Leaf) -> (gain: Double, feature: Int, bin: Int)? {
        if let maxDepth, leaf.depth >= maxDepth { return nil }
        guard leaf.rows.count >= 2 * minSamplesLeaf, leaf.hessian >= 2 * Self.minHessianToSplit else { return nil }
        let parent = leaf.gradient * leaf.gradient / (leaf.hessian + l2)
        var best: (gain: Double, feature: Int, bin: Int)?
        let histogram = leaf.histogram
        for f in 0..<bins.columns {
            var gl = 0.0, hl = 0.0, cl: Int32 = 0
            let base = offsets[f]
            for b in 0..<(offsets[f + 1] - base - 1) {
                gl += histogram.gradient[base + b]; hl += histogram.hessian[base + b]; cl += histogram.count[base + b]
                let cr = Int32(leaf.rows.count) - cl
                if cl < minSamplesLeaf || hl < Self.minHessianToSplit { continue }
                if cr < minSamplesLeaf { break }
                let gr = leaf.gradient - gl, hr = leaf.hessian - hl
                if hr < Self.minHessianToSplit { break }
                let gain = gl * gl / (hl + l2) + gr * gr / (hr + l2) - parent
                if gain > (best?.gain ?? 1e-12) { best = (gain, f, b) }
            }
        }
        return best
    }

    mutating func grow(gradients g: [Double], hessians h: [Double]) -> (DecisionTree.Fitted, [Int]) {
        var feature: [Int32] = [-1], threshold: [Double] = [0], left: [Int32] = [-1], right: [Int32] = [-1], value: [Double] = [0]
        let all = (0..<Int32(bins.rows)).map { $0 }
        var root = Leaf(rows: all, depth: 0, node: 0, histogram: histograms(all, g, h), split: nil,
                        gradient: g.reduce(0, +), hessian: h.reduce(0, +))
        root.split = bestSplit(root)
        var leaves = [root]
        while leaves.count < maxLeafNodes {
            guard let index = leaves.indices.filter({ leaves[$0].split != nil }).max(by: { leaves[$0].split!.gain < leaves[$1].split!.gain }) else { break }
            var parent = leaves.remove(at: index)
            let split = parent.split!
            let n = bins.rows
            var leftRows: [Int32] = [], rightRows: [Int32] = []
            bins.codes.withUnsafeBufferPointer { codes in
                let column = codes.baseAddress! + split.feature * n
                for row in parent.rows { if Int(column[Int(row)]) <= split.bin { leftRows.append(row) } else { rightRows.append(row) } }
            }
            // Histogram subtraction: build the smaller child's, derive the other's.
            let smallIsLeft = leftRows.count <= rightRows.count
            let small = histograms(smallIsLeft ? leftRows : rightRows, g, h)
            // The parent's histograms become the larger child's, in place (moved out first, so
            // the arrays are not shared and nothing is copied).
            var large = parent.histogram
            parent.histogram = Histograms(gradient: [], hessian: [], count: [])
            subtract(small.gradient, from: &large.gradient)
            subtract(small.hessian, from: &large.hessian)
            subtract(small.count, from: &large.count)
            let leftHistogram = smallIsLeft ? small : large, rightHistogram = smallIsLeft ? large : small
            let leftNode = feature.count, rightNode = feature.count + 1
            feature.append(-1); threshold.append(0); left.append(-1); right.append(-1); value.append(0)
            feature.append(-1); threshold.append(0); left.append(-1); right.append(-1); value.append(0)
            feature[parent.node] = Int32(split.feature)
            threshold[parent.node] = bins.upperEdges[split.feature][split.bin]
            left[parent.node] = Int32(leftNode)
            right[parent.node] = Int32(rightNode)
            func sums(_ histogram: Histograms) -> (Double, Double) {
                (histogram.gradient[0..<offsets[1]].reduce(0, +), histogram.hessian[0..<offsets[1]].reduce(0, +))
            }
            let (lg, lh) = sums(leftHistogram), (rg, rh) = sums(rightHistogram)
            var leftLeaf = Leaf(rows: leftRows, depth: parent.depth + 1, node: leftNode, histogram: leftHistogram, split: nil, gradient: lg, hessian: lh)
            var rightLeaf = Leaf(rows: rightRows, depth: parent.depth + 1, node: rightNode, histogram: rightHistogram, split: nil, gradient: rg, hessian: rh)
            leftLeaf.split = bestSplit(leftLeaf)
            rightLeaf.split = bestSplit(rightLeaf)
            leaves.append(leftLeaf)
            leaves.append(rightLeaf)
        }
        for leaf in leaves { pool.append(leaf.histogram) }  // unshared again once `leaves` is gone
        var leafOfRow = [Int](repeating: 0, count: bins.rows)
        for leaf in leaves {
            value[leaf.node] = -learningRate * leaf.gradient / (leaf.hessian + l2)
            for row in leaf.rows { leafOfRow[Int(row)] = leaf.node }
        }
        return (DecisionTree.Fitted(feature: feature, threshold: threshold, left: left, right: right, values: value, outputs: 1, isRegression: true),
                leafOfRow)
    }
}

/// a −= b element by element, in place: a tight loop (the histogram subtraction of every split).
@inline(__always)
func subtract<T: Numeric>(_ b: [T], from a: inout [T]) {
    b.withUnsafeBufferPointer { b in
        a.withUnsafeMutableBufferPointer { a in
            for i in 0..<a.count { a[i] -= b[i] }
        }
    }
}
