/// One regression tree seen as a piecewise-constant function over the search box, with what
/// fANOVA needs of it: each node's mean over its cell (weighted by volume) and the cell's volume,
/// the split points per column, and which columns each subtree splits on (optuna's `_FanovaTree`).
struct FanovaTree {
    typealias Box = [(low: Double, high: Double)]

    let tree: DecisionTree.Fitted
    let bounds: Box
    /// Per node: the volume-weighted mean prediction over its cell, and the cell's volume.
    var mean: [Double]
    var volume: [Double]
    /// Per node: the columns split on anywhere in its subtree (itself included).
    var splitsOn: [Set<Int>]
    /// Per column: the cell midpoints and widths between consecutive split points and bounds.
    var midpoints: [[Double]] = []
    var widths: [[Double]] = []
    /// Per column: the bound, the sorted split points, the bound (cell k is points[k]…points[k + 1]).
    var points: [[Double]] = []
    /// Per leaf: its node and its cell (for the one-column marginals).
    var leafCells: [(node: Int, box: Box)] = []
    /// The variance of the tree's prediction over the box (leaves weighted by volume).
    var variance = 0.0

    init(_ tree: DecisionTree.Fitted, bounds: Box) {
        self.tree = tree
        self.bounds = bounds
        let nodes = tree.feature.count
        (mean, volume, splitsOn) = (Array(repeating: 0, count: nodes), Array(repeating: 0, count: nodes), [])
        splitsOn = Array(repeating: [], count: nodes)
        var box = bounds
        fillLeaves(0, &box)
        // Children come after their parent (depth-first growth): fill internal nodes bottom-up.
        for node in stride(from: nodes - 1, through: 0, by: -1) where tree.feature[node] >= 0 {
            let (l, r) = (Int(tree.left[node]), Int(tree.right[node]))
            volume[node] = volume[l] + volume[r]
            mean[node] = volume[node] > 0 ? (mean[l] * volume[l] + mean[r] * volume[r]) / volume[node] : mean[l]
            splitsOn[node] = splitsOn[l].union(splitsOn[r]).union([Int(tree.feature[node])])
        }
        var splits = Array(repeating: Set<Double>(), count: bounds.count)
        for node in 0..<nodes where tree.feature[node] >= 0 {
            splits[Int(tree.feature[node])].insert(tree.threshold[node])
        }
        for (column, values) in splits.enumerated() {
            let (low, high) = bounds[column]
            let points = [low] + values.map { min(max($0, low), high) }.sorted() + [high]
            self.points.append(points)
            midpoints.append(zip(points, points.dropFirst()).map { 0.5 * ($0 + $1) })
            widths.append(zip(points, points.dropFirst()).map { $1 - $0 })
        }
        let leaves = (0..<nodes).filter { tree.feature[$0] < 0 }
        variance = Self.weightedVariance(leaves.map { mean[$0] }, weights: leaves.map { volume[$0] })
    }

    /// Leaves' values and cell volumes, narrowing `box` on the way down.
    private mutating func fillLeaves(_ node: Int, _ box: inout Box) {
        let feature = Int(tree.feature[node])
        guard feature >= 0 else {
            mean[node] = tree.values[node]
            volume[node] = box.reduce(1) { $0 * max(0, $1.high - $1.low) }
            leafCells.append((node, box))
            return
        }
        let saved = box[feature]
        let cut = min(max(tree.threshold[node], saved.low), saved.high)
        box[feature] = (saved.low, cut)
        fillLeaves(Int(tree.left[node]), &box)
        box[feature] = (cut, saved.high)
        fillLeaves(Int(tree.right[node]), &box)
        box[feature] = saved
    }

    /// The variance, over the grid of cells the tree's splits make on `columns`, of the
    /// prediction averaged over all other columns: the marginal of those columns.
    func marginalVariance(_ columns: [Int]) -> Double {
        columns.count == 1 ? marginalVariance(column: columns[0]) : marginalVarianceByTraversal(columns)
    }

    /// One column's marginal in one pass over the leaves, the same numbers as the traversal:
    /// at a point of the column, the marginal is the mean of the leaves whose cell holds it,
    /// each weighted by its volume over the other columns (optuna's weights, leaf by leaf).
    func marginalVariance(column: Int) -> Double {
        let points = points[column]
        guard points.count > 2 else { return 0 }
        // Difference arrays over the cells: a leaf adds to the cells its interval covers.
        var sums = [Double](repeating: 0, count: points.count), weights = sums
        for (node, box) in leafCells {
            let (a, b) = box[column]
            guard b > a else { continue }
            let weight = volume[node] / (b - a)
            let (first, last) = (Self.lowerBound(points, a), Self.lowerBound(points, b))
            sums[first] += mean[node] * weight
            sums[last] -= mean[node] * weight
            weights[first] += weight
            weights[last] -= weight
        }
        var values: [Double] = [], cellWeights: [Double] = []
        var (sum, weight) = (0.0, 0.0)
        for cell in 0..<(points.count - 1) {
            sum += sums[cell]
            weight += weights[cell]
            values.append(weight > 0 ? sum / weight : 0)
            cellWeights.append(max(0, weight) * widths[column][cell])
        }
        return Self.weightedVariance(values, weights: cellWeights)
    }

    /// The first index whose point is ≥ `value` (the points are sorted).
    static func lowerBound(_ points: [Double], _ value: Double) -> Int {
        var (low, high) = (0, points.count)
        while low < high {
            let middle = (low + high) / 2
            if points[middle] < value { low = middle + 1 } else { high = middle }
        }
        return low
    }

    /// Grids larger than this are not walked: see `marginalVarianceOverLevels`.
    static let largestGrid = 1024

    /// optuna's `get_marginal_variance`: the tree walked once per cell of the columns' grid.
    /// The grid of a categorical's one-hot columns has 2^levels cells (a 30-level categorical
    /// took the coordinator minutes at the end of a sweep): past `largestGrid` cells, the
    /// marginal is taken over the levels themselves, the only points a trial can be at.
    func marginalVarianceByTraversal(_ columns: [Int]) -> Double {
        let cells = columns.reduce(1.0) { $0 * Double(midpoints[$1].count) }
        if cells > Double(Self.largestGrid) { return marginalVarianceOverLevels(columns) }
        var values: [Double] = [], weights: [Double] = []
        var index = Array(repeating: 0, count: columns.count)
        var point = [Double?](repeating: nil, count: bounds.count)
        let active = Set(columns)
        while true {
            var size = 1.0
            for (k, column) in columns.enumerated() {
                point[column] = midpoints[column][index[k]]
                size *= widths[column][index[k]]
            }
            let (value, weight) = marginalized(point, active: active)
            values.append(value)
            weights.append(weight * size)
            // Next combination (odometer over the columns' cells).
            var k = columns.count - 1
            while k >= 0 {
                index[k] += 1
                if index[k] < midpoints[columns[k]].count { break }
                index[k] = 0
                k -= 1
            }
            if k < 0 { break }
        }
        return Self.weightedVariance(values, weights: weights)
    }

    /// The marginal of a one-hot group at each of its levels (one column 1, the others 0),
    /// levels weighted alike.
    func marginalVarianceOverLevels(_ columns: [Int]) -> Double {
        let active = Set(columns)
        var point = [Double?](repeating: nil, count: bounds.count)
        let values = columns.map { level -> Double in
            for column in columns { point[column] = column == level ? 1 : 0 }
            return marginalized(point, active: active).value
        }
        return Self.weightedVariance(values, weights: Array(repeating: 1, count: values.count))
    }

    /// The tree's prediction at `point` (nil: marginalised) averaged over the other columns,
    /// and the weight optuna gives it.
    private func marginalized(_ point: [Double?], active: Set<Int>) -> (value: Double, weight: Double) {
        var box = bounds
        for column in box.indices where point[column] == nil { box[column] = (0, 1) }
        var stack = [(0, box)]
        var sum = 0.0, weightSum = 0.0
        while let top = stack.popLast() {
            let (node, cell) = top
            let feature = Int(tree.feature[node])
            if feature >= 0, let value = point[feature] {
                var next = cell
                let cut = min(max(tree.threshold[node], cell[feature].low), cell[feature].high)
                let goLeft = value <= tree.threshold[node]
                next[feature] = goLeft ? (cell[feature].low, cut) : (cut, cell[feature].high)
                stack.append((Int(goLeft ? tree.left[node] : tree.right[node]), next))
                continue
            }
            if feature >= 0, !splitsOn[node].isDisjoint(with: active) {
                stack.append((Int(tree.right[node]), cell))
                stack.append((Int(tree.left[node]), cell))
                continue
            }
            let cardinality = cell.reduce(1) { $0 * ($1.high - $1.low) }
            let weight = cardinality > 0 ? volume[node] / cardinality : 0
            sum += mean[node] * weight
            weightSum += weight
        }
        return (weightSum > 0 ? sum / weightSum : 0, weightSum)
    }

    static func weightedVariance(_ values: [Double], weights: [Double]) -> Double {
        let total = weights.reduce(0, +)
        guard total > 0 else { return 0 }
        let average = zip(values, weights).reduce(0) { $0 + $1.0 * $1.1 } / total
        return zip(values, weights).reduce(0) { $0 + ($1.0 - average) * ($1.0 - average) * $1.1 } / total
    }
}
