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
        var logits = [Double](repeating: 0, count: 4 * classes)  // a block of rows' logits, then residuals
        // d × lanes, for a forward pass that keeps a row's logits in SIMD registers.
        let lanes = classes <= 16 ? 16 : classes
        var transposed = [Double](repeating: 0, count: d * lanes)
        let outcome = LBFGS.minimize(start: [Double](repeating: 0, count: classes * stride),
                                     maxIterations: maxIterations, gradientTolerance: tolerance) { w, gradient in
            var loss = 0.0
            // Hot loop: raw buffers, no bounds checks, no allocation.
            x.values.withUnsafeBufferPointer { values in
                w.withUnsafeBufferPointer { w in
                    gradient.withUnsafeMutableBufferPointer { g in
                        logits.withUnsafeMutableBufferPointer { z in
                          transposed.withUnsafeMutableBufferPointer { wt in
                            for i in 0..<g.count { g[i] = 0 }
                            for k in 0..<classes { for j in 0..<d { wt[j * lanes + k] = w[k * stride + j] } }
                            // Rows go in blocks of four: each weight and gradient entry is loaded
                            // once per block instead of once per row.
                            var block = 0
                            while block < x.rows {
                                let count = min(4, x.rows - block)
                                for r in 0..<count {
                                    let row = block + r
                                    let features = values.baseAddress! + row * d
                                    let zr = z.baseAddress! + r * classes
                                    // z = b + Σ_j x_j · Wᵀ[j]
                                    if lanes == 16 {
                                        var acc = SIMD16<Double>()
                                        for k in 0..<classes { acc[k] = w[k * stride + d] }
                                        let base = UnsafeRawPointer(wt.baseAddress!)
                                        for j in 0..<d {
                                            acc += features[j] * base.loadUnaligned(fromByteOffset: j * 16 * 8, as: SIMD16<Double>.self)
                                        }
                                        for k in 0..<classes { zr[k] = acc[k] }
                                    } else {
                                        for k in 0..<classes { zr[k] = w[k * stride + d] }
                                        for j in 0..<d {
                                            let xj = features[j]
                                            let column = wt.baseAddress! + j * lanes
                                            for k in 0..<classes { zr[k] += xj * column[k] }
                                        }
                                    }
                                    var top = -Double.infinity
                                    for k in 0..<classes { top = max(top, zr[k]) }
                                    let label = labels[row]
                                    var total = 0.0
                                    for k in 0..<classes { zr[k] = exp(zr[k] - top); total += zr[k] }
                                    let weight = classWeight[label]
                                    loss += weight * (log(total) - log(zr[label]))
                                    let scale = weight / n
                                    for k in 0..<classes { zr[k] = scale * (zr[k] / total - (k == label ? 1 : 0)) }  // residuals
                                }
                                for k in 0..<classes {
                                    let target = g.baseAddress! + k * stride
                                    if count == 4 {
                                        let r0 = z[k], r1 = z[classes + k], r2 = z[2 * classes + k], r3 = z[3 * classes + k]
                                        let f0 = values.baseAddress! + block * d, f1 = f0 + d, f2 = f1 + d, f3 = f2 + d
                                        for j in 0..<d { target[j] += r0 * f0[j] + r1 * f1[j] + r2 * f2[j] + r3 * f3[j] }
                                        target[d] += r0 + r1 + r2 + r3
                                    } else {
                                        for r in 0..<count {
                                            let residual = z[r * classes + k]
                                            let features = values.baseAddress! + (block + r) * d
                                            for j in 0..<d { target[j] += residual * features[j] }
                                            target[d] += residual
                                        }
                                    }
                                }
                                block += count
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
                        }
                    }
                }
            }
            return loss
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
