import Foundation

/// Multinomial logistic regression with an L2 penalty, as scikit-learn's
/// `LogisticRegression(solver="lbfgs")`: minimises mean cross-entropy + ‖W‖² / (2·C·n), the
/// intercept unpenalised, with L-BFGS (`max_iter`, `tol` on the largest gradient entry).
public struct LogisticRegression: Sendable {
    public var C = 1.0
    public var maxIterations = 100
    public var tolerance = 1e-4
    /// `class_weight="balanced"`: each class weighs n / (classes × its count).
    public var balanced = false

    /// `C = .infinity` is `penalty="none"`.
    public init(C: Double = 1.0, maxIterations: Int = 100, tolerance: Double = 1e-4, balanced: Bool = false) {
        self.C = C
        self.maxIterations = maxIterations
        self.tolerance = tolerance
        self.balanced = balanced
    }

    /// Weights per class: `columns` coefficients then the intercept.
    public struct Fitted: Sendable, Codable {
        public let classes: Int
        public let columns: Int
        public let weights: [Double]
        public let iterations: Int
        public let converged: Bool

        public func probabilities(_ x: Matrix) -> Matrix {
            var out = Matrix(rows: x.rows, columns: classes, values: [Double](repeating: 0, count: x.rows * classes))
            var logits = [Double](repeating: 0, count: classes)
            for row in 0..<x.rows {
                LogisticRegression.logits(x, row: row, weights: weights, classes: classes, into: &logits)
                LogisticRegression.softmax(&logits)
                for k in 0..<classes { out[row, k] = logits[k] }
            }
            return out
        }
    }

    public func fit(_ x: Matrix, labels: [Int], classes: Int) -> Fitted {
        let d = x.columns, stride = d + 1, n = Double(x.rows)
        let penalty = C.isInfinite ? 0 : 1 / (C * n)
        var classWeight = [Double](repeating: 1, count: classes)
        if balanced {
            var counts = [Double](repeating: 0, count: classes)
            for label in labels { counts[label] += 1 }
            for k in 0..<classes where counts[k] > 0 { classWeight[k] = n / (Double(classes) * counts[k]) }
        }
        var logits = [Double](repeating: 0, count: classes)
        let outcome = LBFGS.minimize(start: [Double](repeating: 0, count: classes * stride),
                                     maxIterations: maxIterations, gradientTolerance: tolerance) { w, gradient in
            for i in gradient.indices { gradient[i] = 0 }
            var loss = 0.0
            x.values.withUnsafeBufferPointer { values in
                for row in 0..<x.rows {
                    LogisticRegression.logits(x, row: row, weights: w, classes: classes, into: &logits)
                    let label = labels[row]
                    let top = logits.max()!
                    var sum = 0.0
                    for k in 0..<classes { logits[k] = exp(logits[k] - top); sum += logits[k] }
                    let weight = classWeight[label]
                    loss += weight * (log(sum) + top - (log(logits[label]) + top))
                    for k in 0..<classes {
                        let residual = weight * (logits[k] / sum - (k == label ? 1 : 0)) / n
                        let base = k * stride
                        for j in 0..<d { gradient[base + j] += residual * values[row * d + j] }
                        gradient[base + d] += residual
                    }
                }
            }
            var norm = 0.0
            for k in 0..<classes {
                for j in 0..<d {
                    let weight = w[k * stride + j]
                    norm += weight * weight
                    gradient[k * stride + j] += penalty * weight
                }
            }
            return loss / n + 0.5 * penalty * norm
        }
        return Fitted(classes: classes, columns: d, weights: outcome.x, iterations: outcome.iterations, converged: outcome.converged)
    }

    @inline(__always)
    static func logits(_ x: Matrix, row: Int, weights: [Double], classes: Int, into out: inout [Double]) {
        let d = x.columns, stride = d + 1
        x.values.withUnsafeBufferPointer { values in
            for k in 0..<classes {
                var z = weights[k * stride + d]
                for j in 0..<d { z += weights[k * stride + j] * values[row * d + j] }
                out[k] = z
            }
        }
    }

    static func softmax(_ values: inout [Double]) {
        let top = values.max()!
        var sum = 0.0
        for k in values.indices { values[k] = exp(values[k] - top); sum += values[k] }
        for k in values.indices { values[k] /= sum }
    }
}
