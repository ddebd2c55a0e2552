import Foundation

/// k-nearest neighbours by brute force with Euclidean distance, as scikit-learn's
/// `KNeighborsClassifier/Regressor(algorithm="brute")`. Ties in distance go to the earlier
/// training row. With `distance` weights, training rows at distance 0 take all the weight.
public struct KNearestNeighbors: Sendable, Codable {
    public enum Weights: String, Sendable, Codable { case uniform, distance }

    public var k = 5
    public var weights = Weights.uniform
    /// Minkowski power: 2 is Euclidean, 1 is Manhattan.
    public var p = 2.0

    public init(k: Int = 5, weights: Weights = .uniform, p: Double = 2) {
        self.k = k
        self.weights = weights
        self.p = p
    }

    /// For each query row, its neighbours' training indices and weights.
    func neighbours(train: Matrix, query: Matrix) -> [[(index: Int, weight: Double)]] {
        let d = train.columns
        var distances = [(distance: Double, index: Int)](repeating: (0, 0), count: train.rows)
        return (0..<query.rows).map { row in
            train.values.withUnsafeBufferPointer { t in
                query.values.withUnsafeBufferPointer { q in
                    for i in 0..<train.rows {
                        var sum = 0.0
                        if p == 2 {
                            for j in 0..<d {
                                let delta = t[i * d + j] - q[row * d + j]
                                sum += delta * delta
                            }
                        } else if p == 1 {
                            for j in 0..<d { sum += abs(t[i * d + j] - q[row * d + j]) }
                        } else {
                            for j in 0..<d { sum += pow(abs(t[i * d + j] - q[row * d + j]), p) }
                        }
                        distances[i] = (sum, i)  // the p-th power of the distance: same order
                    }
                }
            }
            let nearest = smallest(k, of: distances)
            switch weights {
            case .uniform:
                return nearest.map { ($0.index, 1.0) }
            case .distance:
                if nearest.contains(where: { $0.distance == 0 }) {
                    return nearest.map { ($0.index, $0.distance == 0 ? 1.0 : 0.0) }
                }
                return nearest.map {
                    ($0.index, 1 / (p == 2 ? $0.distance.squareRoot() : p == 1 ? $0.distance : pow($0.distance, 1 / p)))
                }
            }
        }
    }

    /// The k smallest (distance, index) pairs, ordered, ties by index.
    func smallest(_ k: Int, of items: [(distance: Double, index: Int)]) -> [(distance: Double, index: Int)] {
        var heap: [(distance: Double, index: Int)] = []
        heap.reserveCapacity(k)
        for item in items {
            if heap.count < k {
                heap.append(item)
                if heap.count == k { heap.sort { ($0.distance, $0.index) < ($1.distance, $1.index) } }
            } else if item.distance < heap[k - 1].distance {
                var position = k - 1
                while position > 0 && heap[position - 1].distance > item.distance {
                    heap[position] = heap[position - 1]
                    position -= 1
                }
                heap[position] = item
            }
        }
        if heap.count < k { heap.sort { ($0.distance, $0.index) < ($1.distance, $1.index) } }
        return heap
    }

    public func classProbabilities(train: Matrix, labels: [Int], classes: Int, query: Matrix) -> Matrix {
        var out = Matrix(
            rows: query.rows, columns: classes, values: [Double](repeating: 0, count: query.rows * classes))
        for (row, neighbours) in neighbours(train: train, query: query).enumerated() {
            let total = neighbours.reduce(0) { $0 + $1.weight }
            for neighbour in neighbours { out[row, labels[neighbour.index]] += neighbour.weight / total }
        }
        return out
    }

    public func regress(train: Matrix, targets: [Double], query: Matrix) -> [Double] {
        neighbours(train: train, query: query).map { neighbours in
            let total = neighbours.reduce(0) { $0 + $1.weight }
            return neighbours.reduce(0) { $0 + $1.weight * targets[$1.index] } / total
        }
    }
}
