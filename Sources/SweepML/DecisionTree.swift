import Foundation
import SweepCore

/// CART decision trees (Breiman et al. 1984), as scikit-learn's `DecisionTreeClassifier` and
/// `DecisionTreeRegressor`: best split by Gini impurity or entropy (classification) or squared
/// error (regression), thresholds midway between neighbouring values, depth-first growth.
/// With `maxFeatures` below the column count, each node draws that many candidate columns at random
/// (without replacement), as scikit-learn does for random forests.
public struct DecisionTree: Sendable {
    public enum Criterion: String, Sendable, Codable { case gini, entropy, squaredError = "squared_error" }

    public var criterion: Criterion
    public var maxDepth: Int?
    public var minSamplesSplit = 2
    public var minSamplesLeaf = 1
    /// Candidate columns per split (nil: all).
    public var maxFeatures: Int?

    public init(
        criterion: Criterion, maxDepth: Int? = nil, minSamplesSplit: Int = 2, minSamplesLeaf: Int = 1,
        maxFeatures: Int? = nil
    ) {
        self.criterion = criterion
        self.maxDepth = maxDepth
        self.minSamplesSplit = minSamplesSplit
        self.minSamplesLeaf = minSamplesLeaf
        self.maxFeatures = maxFeatures
    }

    /// A fitted tree as flat arrays. Leaves have feature −1; `values` holds `outputs` numbers per
    /// node: class probabilities, or the mean.
    public struct Fitted: Sendable, Codable {
        public let feature: [Int32]
        public let threshold: [Double]
        public let left: [Int32]
        public let right: [Int32]
        public let values: [Double]
        public let outputs: Int
        public let isRegression: Bool

        /// The leaf a row falls in. Values compare as float32, as the tree was grown on them
        /// (and as scikit-learn's trees do).
        @inline(__always) func leaf(_ x: UnsafeBufferPointer<Double>, row: Int, columns: Int) -> Int {
            var node = 0
            while feature[node] >= 0 {
                node = Int(
                    Double(Float(x[row * columns + Int(feature[node])])) <= threshold[node] ? left[node] : right[node])
            }
            return node
        }

        /// Adds each row's leaf output into `out` (rows × outputs), scaled by `weight`.
        func accumulate(_ x: Matrix, into out: inout [Double], weight: Double) {
            x.values.withUnsafeBufferPointer { buffer in
                for row in 0..<x.rows {
                    let node = leaf(buffer, row: row, columns: x.columns)
                    for k in 0..<outputs { out[row * outputs + k] += weight * values[node * outputs + k] }
                }
            }
        }

        public func predict(_ x: Matrix) -> Prediction {
            var out = [Double](repeating: 0, count: x.rows * outputs)
            accumulate(x, into: &out, weight: 1)
            return isRegression ? .values(out) : .probabilities(Matrix(rows: x.rows, columns: outputs, values: out))
        }
    }

    public func fit(_ x: Matrix, target: TrainingTarget, rows: [Int]? = nil, generator: inout SeededGenerator) -> Fitted
    {
        let rounded = x.roundedToFloat()
        return fit(rounded, ranks: FeatureRanks(rounded), target: target, rows: rows, generator: &generator)
    }

    /// `x` already float-rounded and ranked (a forest does both once for all its trees).
    func fit(_ x: Matrix, ranks: FeatureRanks, target: TrainingTarget, rows: [Int]?, generator: inout SeededGenerator)
        -> Fitted
    {
        var builder = TreeBuilder(tree: self, x: x, ranks: ranks, target: target)
        return builder.build(rows: rows ?? Array(0..<x.rows), generator: &generator)
    }
}

/// Grows one tree; scratch buffers are reused across nodes to keep the inner loops allocation-free.
struct TreeBuilder {
    let tree: DecisionTree
    let x: Matrix
    let ranks: FeatureRanks
    var rankCounts: [Int32] = []
    let labels: [Int32]
    let values: [Double]
    let classes: Int
    let regression: Bool
    var feature: [Int32] = [], threshold: [Double] = [], left: [Int32] = [], right: [Int32] = []
    var outputs: [Double] = []
    var pairs: [(Double, Int32)] = []
    var keys: [UInt64] = []
    var countsLeft: [Double] = [], countsTotal: [Double] = []

    init(tree: DecisionTree, x: Matrix, ranks: FeatureRanks, target: TrainingTarget) {
        self.tree = tree
        self.x = x
        self.ranks = ranks
        rankCounts = [Int32](repeating: 0, count: (ranks.distinct.map(\.count).max() ?? 0) + 1)
        switch target {
        case .classes(let labels, let count):
            self.labels = labels.map(Int32.init); values = []; classes = count; regression = false
        case .values(let values):
            labels = []; self.values = values; classes = 1; regression = true
        }
        countsLeft = [Double](repeating: 0, count: classes)
        countsTotal = countsLeft
    }

    mutating func build(rows: [Int], generator: inout SeededGenerator) -> DecisionTree.Fitted {
        var indices = rows.map(Int32.init)
        pairs.reserveCapacity(indices.count)
        _ = grow(&indices, 0, indices.count, depth: 0, generator: &generator)
        return DecisionTree.Fitted(
            feature: feature, threshold: threshold, left: left, right: right,
            values: outputs, outputs: classes, isRegression: regression)
    }

    /// Adds a node for indices[start..<end]; returns its id.
    mutating func grow(_ indices: inout [Int32], _ start: Int, _ end: Int, depth: Int, generator: inout SeededGenerator)
        -> Int32
    {
        let id = Int32(feature.count)
        feature.append(-1); threshold.append(0); left.append(-1); right.append(-1)
        // Node output: class frequencies or the mean.
        let count = end - start
        var impurity = 0.0
        if regression {
            var sum = 0.0, square = 0.0
            for i in start..<end { let v = values[Int(indices[i])]; sum += v; square += v * v }
            let mean = sum / Double(count)
            outputs.append(mean)
            impurity = square / Double(count) - mean * mean
        } else {
            for k in 0..<classes { countsTotal[k] = 0 }
            for i in start..<end { countsTotal[Int(labels[Int(indices[i])])] += 1 }
            for k in 0..<classes { outputs.append(countsTotal[k] / Double(count)) }
            impurity = classImpurity(countsTotal, Double(count))
        }
        if let maxDepth = tree.maxDepth, depth >= maxDepth { return id }
        if count < tree.minSamplesSplit || count < 2 * tree.minSamplesLeaf || impurity <= 1e-12 { return id }
        guard let split = bestSplit(indices, start, end, impurity: impurity, generator: &generator) else { return id }
        // Partition: rows going left first.
        var middle = start
        for i in start..<end where x.values[Int(indices[i]) * x.columns + split.feature] <= split.threshold {
            indices.swapAt(i, middle)
            middle += 1
        }
        guard middle > start && middle < end else { return id }
        feature[Int(id)] = Int32(split.feature)
        threshold[Int(id)] = split.threshold
        let leftChild = grow(&indices, start, middle, depth: depth + 1, generator: &generator)
        let rightChild = grow(&indices, middle, end, depth: depth + 1, generator: &generator)
        left[Int(id)] = leftChild
        right[Int(id)] = rightChild
        return id
    }

    func classImpurity(_ counts: [Double], _ total: Double) -> Double {
        guard total > 0 else { return 0 }
        if tree.criterion == .entropy {
            var entropy = 0.0
            for c in counts where c > 0 { let p = c / total; entropy -= p * log2(p) }
            return entropy
        }
        var sum = 0.0
        for c in counts { sum += c * c }
        return 1 - sum / (total * total)
    }

    mutating func bestSplit(
        _ indices: [Int32], _ start: Int, _ end: Int, impurity: Double,
        generator: inout SeededGenerator
    ) -> (feature: Int, threshold: Double)? {
        let d = x.columns, count = end - start, total = Double(count)
        var candidates = Array(0..<d)
        let wanted = min(tree.maxFeatures ?? d, d)
        var best: (feature: Int, threshold: Double)?
        var bestScore = -Double.infinity
        let minLeaf = tree.minSamplesLeaf
        var visited = 0, drawn = 0
        // Draw columns in random order until `wanted` non-constant ones were examined.
        while drawn < d && (visited < wanted) {
            let pick = drawn + Int(generator.next() % UInt64(d - drawn))
            candidates.swapAt(drawn, pick)
            let f = candidates[drawn]
            drawn += 1
            // Sort (value, row) as one integer each: float bits made order-preserving, row below.
            // Values are float32 already (as scikit-learn's trees see them), so nothing is lost.
            if ranks.distinct[f].count <= 2 * count {
                countingSort(indices, start, end, feature: f)
            } else {
                keys.removeAll(keepingCapacity: true)
                x.values.withUnsafeBufferPointer { buffer in
                    for i in start..<end {
                        let row = indices[i]
                        let bits = Float(buffer[Int(row) * d + f]).bitPattern
                        let ordered = bits & 0x8000_0000 != 0 ? ~bits : bits | 0x8000_0000
                        keys.append(UInt64(ordered) << 32 | UInt64(UInt32(bitPattern: row)))
                    }
                }
                keys.sort()
                pairs.removeAll(keepingCapacity: true)
                for key in keys {
                    let ordered = UInt32(truncatingIfNeeded: key >> 32)
                    let bits = ordered & 0x8000_0000 != 0 ? ordered & 0x7FFF_FFFF : ~ordered
                    pairs.append((Double(Float(bitPattern: bits)), Int32(truncatingIfNeeded: key & 0xFFFF_FFFF)))
                }
            }
            if pairs[0].0 == pairs[count - 1].0 { continue }  // constant here: does not count as visited
            visited += 1
            if regression {
                var totalSum = 0.0
                for pair in pairs { totalSum += values[Int(pair.1)] }
                var leftSum = 0.0
                for i in 0..<(count - 1) {
                    leftSum += values[Int(pairs[i].1)]
                    let nLeft = i + 1
                    guard pairs[i].0 < pairs[i + 1].0, nLeft >= minLeaf, count - nLeft >= minLeaf else { continue }
                    // Maximising Σ² / n on both sides is minimising the squared error.
                    let rightSum = totalSum - leftSum
                    let score = leftSum * leftSum / Double(nLeft) + rightSum * rightSum / Double(count - nLeft)
                    if score > bestScore { bestScore = score; best = (f, midpoint(pairs[i].0, pairs[i + 1].0)) }
                }
            } else {
                for k in 0..<classes { countsLeft[k] = 0; countsTotal[k] = 0 }
                for pair in pairs { countsTotal[Int(labels[Int(pair.1)])] += 1 }
                if tree.criterion == .gini {
                    // Σ count² on each side, kept up to date in O(1) per row moved left.
                    var squaresLeft = 0.0, squaresRight = 0.0
                    for k in 0..<classes { squaresRight += countsTotal[k] * countsTotal[k] }
                    var leftCounts = [Double](repeating: 0, count: classes)
                    let totalCounts = countsTotal, rowLabels = labels
                    pairs.withUnsafeBufferPointer { sorted in
                        rowLabels.withUnsafeBufferPointer { labels in
                            leftCounts.withUnsafeMutableBufferPointer { left in
                                totalCounts.withUnsafeBufferPointer { totals in
                                    for i in 0..<(count - 1) {
                                        let label = Int(labels[Int(sorted[i].1)])
                                        let cl = left[label], cr = totals[label] - cl
                                        squaresLeft += 2 * cl + 1
                                        squaresRight -= 2 * cr - 1
                                        left[label] = cl + 1
                                        let nLeft = i + 1
                                        guard sorted[i].0 < sorted[i + 1].0, nLeft >= minLeaf, count - nLeft >= minLeaf
                                        else { continue }
                                        let score = squaresLeft / Double(nLeft) + squaresRight / (total - Double(nLeft))
                                        if score > bestScore {
                                            bestScore = score; best = (f, midpoint(sorted[i].0, sorted[i + 1].0))
                                        }
                                    }
                                }
                            }
                        }
                    }
                    continue
                }
                for i in 0..<(count - 1) {
                    countsLeft[Int(labels[Int(pairs[i].1)])] += 1
                    let nLeft = i + 1
                    guard pairs[i].0 < pairs[i + 1].0, nLeft >= minLeaf, count - nLeft >= minLeaf else { continue }
                    let l = Double(nLeft), r = total - l
                    var el = 0.0, er = 0.0
                    for k in 0..<classes {
                        let cl = countsLeft[k], cr = countsTotal[k] - cl
                        if cl > 0 { el -= cl * log2(cl / l) }
                        if cr > 0 { er -= cr * log2(cr / r) }
                    }
                    let score = -(el + er)
                    if score > bestScore { bestScore = score; best = (f, midpoint(pairs[i].0, pairs[i + 1].0)) }
                }
            }
        }
        return best
    }

    /// Sorts a node's rows by one feature through the feature's value ranks: O(rows + distinct
    /// values), for features with few distinct values (pixels, counts, categories).
    mutating func countingSort(_ indices: [Int32], _ start: Int, _ end: Int, feature f: Int) {
        let distinct = ranks.distinct[f]
        let n = ranks.rows
        pairs.removeAll(keepingCapacity: true)
        for _ in start..<end { pairs.append((0, 0)) }
        let featureRanks = ranks.ranks
        rankCounts.withUnsafeMutableBufferPointer { counts in
            featureRanks.withUnsafeBufferPointer { rank in
                let column = rank.baseAddress! + f * n
                for r in 0...distinct.count { counts[r] = 0 }
                for i in start..<end { counts[Int(column[Int(indices[i])]) + 1] += 1 }
                for r in 0..<distinct.count { counts[r + 1] += counts[r] }
                pairs.withUnsafeMutableBufferPointer { out in
                    for i in start..<end {
                        let row = indices[i]
                        let r = Int(column[Int(row)])
                        out[Int(counts[r])] = (distinct[r], row)
                        counts[r] += 1
                    }
                }
            }
        }
    }

    @inline(__always) func midpoint(_ a: Double, _ b: Double) -> Double {
        let middle = a / 2 + b / 2
        return middle >= b ? a : middle  // keep a <= threshold < b despite rounding
    }
}

extension Matrix {
    /// Every value rounded to the nearest float32 (trees split float32 values, as scikit-learn's).
    func roundedToFloat() -> Matrix {
        Matrix(rows: rows, columns: columns, values: values.map { Double(Float($0)) })
    }
}

/// Each feature's distinct values (sorted) and every row's rank among them.
struct FeatureRanks: Sendable {
    let rows: Int
    let distinct: [[Double]]
    let ranks: [UInt32]  // column-major: ranks[f * rows + row]

    init(_ x: Matrix) {
        rows = x.rows
        var distinct: [[Double]] = []
        var ranks = [UInt32](repeating: 0, count: x.rows * x.columns)
        for f in 0..<x.columns {
            let order = (0..<x.rows).sorted { x.values[$0 * x.columns + f] < x.values[$1 * x.columns + f] }
            var values: [Double] = []
            for row in order {
                let value = x.values[row * x.columns + f]
                if values.last != value { values.append(value) }
                ranks[f * x.rows + row] = UInt32(values.count - 1)
            }
            distinct.append(values)
        }
        self.distinct = distinct
        self.ranks = ranks
    }
}
