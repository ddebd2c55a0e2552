import CKernels
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

    /// `onIteration`: told after each L-BFGS iteration; `.stop` ends the fit there.
    public func fit(_ x: Matrix, labels: [Int], classes: Int, onIteration: IterationCallback? = nil) -> Fitted {
        let d = x.columns, stride = d + 1, n = Double(x.rows)
        let penalty = C.isInfinite ? 0 : 1 / (C * n)
        var classWeight = [Double](repeating: 1, count: classes)
        if balanced {
            var counts = [Double](repeating: 0, count: classes)
            for label in labels { counts[label] += 1 }
            for k in 0..<classes where counts[k] > 0 { classWeight[k] = n / (Double(classes) * counts[k]) }
        }
        let rows = x.rows
        // Xᵀ once (d × rows), so that logits and gradient are both row-major products.
        var xt = [Double](repeating: 0, count: d * rows)
        for i in 0..<rows { for j in 0..<d { xt[j * rows + i] = x.values[i * d + j] } }
        var logits = [Double](repeating: 0, count: classes * rows)  // Zᵀ: classes × rows, then residuals
        let outcome = LBFGS.minimize(
            start: [Double](repeating: 0, count: classes * stride),
            maxIterations: maxIterations, gradientTolerance: tolerance,
            shouldStop: { step, w in
                let model = {
                    FittedModel.logisticRegression(
                        Fitted(classes: classes, columns: d, weights: w, iterations: step, converged: false))
                }
                return onIteration?(step, model) == .stop
            }
        ) { w, gradient in
            var loss = 0.0
            // Zᵀ = b + W · Xᵀ (CKernels: blocked, vectorised for the CPU).
            for k in 0..<classes {
                let bias = w[k * stride + d]
                for i in 0..<rows { logits[k * rows + i] = bias }
            }
            sweep_gemm(classes, rows, d, w, stride, 1, xt, rows, &logits, rows)
            logits.withUnsafeMutableBufferPointer { z in
                for i in 0..<rows {
                    var top = -Double.infinity
                    for k in 0..<classes { top = max(top, z[k * rows + i]) }
                    let label = labels[i]
                    var total = 0.0
                    for k in 0..<classes {
                        let e = exp(z[k * rows + i] - top)
                        z[k * rows + i] = e
                        total += e
                    }
                    let weight = classWeight[label]
                    loss += weight * (log(total) - log(z[label * rows + i]))
                    let scale = weight / n
                    // Residuals: the softmax minus the one-hot label, weighted.
                    for k in 0..<classes { z[k * rows + i] = scale * (z[k * rows + i] / total - (k == label ? 1 : 0)) }
                }
            }
            // ∇W = Rᵀ · X (straight into the gradient, whose rows have the bias last); ∇b = Σ residuals.
            gradient.withUnsafeMutableBufferPointer { g in
                for i in 0..<g.count { g[i] = 0 }
                sweep_gemm(classes, d, rows, logits, rows, 1, x.values, d, g.baseAddress!, stride)
                for k in 0..<classes {
                    var sum = 0.0
                    for i in 0..<rows { sum += logits[k * rows + i] }
                    g[k * stride + d] = sum
                }
                var norm = 0.0
                for k in 0..<classes {
                    for j in 0..<d {
                        let weight = w[k * stride + j]
                        norm += weight * weight
                        g[k * stride + j] += penalty * weight
                    }
                }
                loss = loss / n + 0.5 * penalty * norm
            }
            return loss
        }
        return Fitted(
            classes: classes, columns: d, weights: outcome.x, iterations: outcome.iterations,
            converged: outcome.converged)
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
