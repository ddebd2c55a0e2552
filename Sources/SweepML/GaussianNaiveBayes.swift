import Foundation

/// Gaussian naive Bayes, as scikit-learn's `GaussianNB`: per class, feature means and variances
/// (plus `var_smoothing` × the largest feature variance), priors from class frequencies.
public struct GaussianNaiveBayes: Sendable {
    public var varSmoothing = 1e-9

    public init(varSmoothing: Double = 1e-9) { self.varSmoothing = varSmoothing }

    public struct Fitted: Sendable, Codable {
        public let means: [Double]  // classes × features
        public let variances: [Double]  // classes × features
        public let logPriors: [Double]
        public let classes: Int
        public let columns: Int

        public func probabilities(_ x: Matrix) -> Matrix {
            var out = Matrix(rows: x.rows, columns: classes, values: [Double](repeating: 0, count: x.rows * classes))
            var joint = [Double](repeating: 0, count: classes)
            for row in 0..<x.rows {
                for k in 0..<classes {
                    guard logPriors[k].isFinite else { joint[k] = -.infinity; continue }
                    var sum = logPriors[k]
                    for j in 0..<columns {
                        let variance = variances[k * columns + j]
                        let delta = x[row, j] - means[k * columns + j]
                        sum -= 0.5 * (log(2 * .pi * variance) + delta * delta / variance)
                    }
                    joint[k] = sum
                }
                let top = joint.max()!
                var total = 0.0
                for k in 0..<classes { total += exp(joint[k] - top) }
                for k in 0..<classes { out[row, k] = exp(joint[k] - top) / total }
            }
            return out
        }
    }

    public func fit(_ x: Matrix, labels: [Int], classes: Int) -> Fitted {
        let d = x.columns
        var counts = [Double](repeating: 0, count: classes)
        var means = [Double](repeating: 0, count: classes * d)
        var variances = [Double](repeating: 0, count: classes * d)
        for (row, label) in labels.enumerated() {
            counts[label] += 1
            for j in 0..<d { means[label * d + j] += x[row, j] }
        }
        for k in 0..<classes where counts[k] > 0 { for j in 0..<d { means[k * d + j] /= counts[k] } }
        for (row, label) in labels.enumerated() {
            for j in 0..<d {
                let delta = x[row, j] - means[label * d + j]
                variances[label * d + j] += delta * delta
            }
        }
        // ε = var_smoothing × the largest variance of any feature over all rows.
        var largest = 0.0
        for j in 0..<d {
            var mean = 0.0, square = 0.0
            for row in 0..<x.rows { mean += x[row, j] }
            mean /= Double(x.rows)
            for row in 0..<x.rows { square += (x[row, j] - mean) * (x[row, j] - mean) }
            largest = max(largest, square / Double(x.rows))
        }
        let epsilon = varSmoothing * largest
        for k in 0..<classes {
            for j in 0..<d { variances[k * d + j] = (counts[k] > 0 ? variances[k * d + j] / counts[k] : 0) + epsilon }
        }
        let total = counts.reduce(0, +)
        let logPriors = counts.map { $0 > 0 ? log($0 / total) : -Double.infinity }
        return Fitted(means: means, variances: variances, logPriors: logPriors, classes: classes, columns: d)
    }
}
