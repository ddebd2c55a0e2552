import Foundation

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
            return Histograms(
                gradient: [Double](repeating: 0, count: total), hessian: [Double](repeating: 0, count: total),
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
        var feature: [Int32] = [-1], threshold: [Double] = [0], left: [Int32] = [-1], right: [Int32] = [-1],
            value: [Double] = [0]
        let all = (0..<Int32(bins.rows)).map { $0 }
        var root = Leaf(
            rows: all, depth: 0, node: 0, histogram: histograms(all, g, h), split: nil,
            gradient: g.reduce(0, +), hessian: h.reduce(0, +))
        root.split = bestSplit(root)
        var leaves = [root]
        while leaves.count < maxLeafNodes {
            guard
                let index = leaves.indices.filter({ leaves[$0].split != nil }).max(by: {
                    leaves[$0].split!.gain < leaves[$1].split!.gain
                })
            else { break }
            var parent = leaves.remove(at: index)
            let split = parent.split!
            let n = bins.rows
            var leftRows: [Int32] = [], rightRows: [Int32] = []
            bins.codes.withUnsafeBufferPointer { codes in
                let column = codes.baseAddress! + split.feature * n
                for row in parent.rows {
                    if Int(column[Int(row)]) <= split.bin { leftRows.append(row) } else { rightRows.append(row) }
                }
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
            var leftLeaf = Leaf(
                rows: leftRows, depth: parent.depth + 1, node: leftNode, histogram: leftHistogram, split: nil,
                gradient: lg, hessian: lh)
            var rightLeaf = Leaf(
                rows: rightRows, depth: parent.depth + 1, node: rightNode, histogram: rightHistogram, split: nil,
                gradient: rg, hessian: rh)
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
        return (
            DecisionTree.Fitted(
                feature: feature, threshold: threshold, left: left, right: right, values: value, outputs: 1,
                isRegression: true),
            leafOfRow
        )
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
