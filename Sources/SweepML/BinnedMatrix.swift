import Foundation

/// Training rows binned per feature (column-major bytes) with each bin's upper raw value.
struct BinnedMatrix {
    let rows: Int
    let columns: Int
    let codes: [UInt8]  // column-major: codes[f * rows + i]
    let upperEdges: [[Double]]  // per feature: bin b holds values ≤ upperEdges[f][b]
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
                upper = (0..<distinct.count).map {
                    $0 + 1 < distinct.count ? distinct[$0] / 2 + distinct[$0 + 1] / 2 : .infinity
                }
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
