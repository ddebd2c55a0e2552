import CKernels

/// Lasso and elastic net by cyclic coordinate descent (Friedman, Hastie & Tibshirani 2010), as
/// scikit-learn's `ElasticNet`/`Lasso`: minimises
///   1/(2n)·‖y − Xw − b‖² + α·ρ·‖w‖₁ + α·(1 − ρ)/2·‖w‖²
/// with ρ = `l1_ratio` (1 for lasso), the intercept from centred data. Stops when the largest
/// coefficient change in a sweep is below `tol` × the largest coefficient (scikit-learn's rule,
/// without its duality-gap check).
public struct ElasticNet: Sendable {
    public var alpha = 1.0
    public var l1Ratio = 0.5
    public var maxIterations = 1000
    public var tolerance = 1e-4

    public init(alpha: Double = 1.0, l1Ratio: Double = 0.5, maxIterations: Int = 1000, tolerance: Double = 1e-4) {
        self.alpha = alpha
        self.l1Ratio = l1Ratio
        self.maxIterations = maxIterations
        self.tolerance = tolerance
    }

    /// `onIteration`: told after each sweep over the coefficients; `.stop` ends the fit there.
    public func fit(_ x: Matrix, targets: [Double], onIteration: IterationCallback? = nil) -> Ridge.Fitted {
        let n = x.rows, d = x.columns, nd = Double(n)
        var means = [Double](repeating: 0, count: d)
        for row in 0..<n { for j in 0..<d { means[j] += x[row, j] } }
        for j in 0..<d { means[j] /= nd }
        let targetMean = targets.reduce(0, +) / nd
        // Column-major centred copy: coordinate descent walks one column at a time.
        var columns = [Double](repeating: 0, count: n * d)
        for row in 0..<n { for j in 0..<d { columns[j * n + row] = x[row, j] - means[j] } }
        var residual = targets.map { $0 - targetMean }
        var norms = [Double](repeating: 0, count: d)
        for j in 0..<d { for row in 0..<n { norms[j] += columns[j * n + row] * columns[j * n + row] } }
        var w = [Double](repeating: 0, count: d)
        let l1 = alpha * l1Ratio * nd, l2 = alpha * (1 - l1Ratio) * nd
        columns.withUnsafeBufferPointer { c in
            residual.withUnsafeMutableBufferPointer { r in
                for iteration in 0..<maxIterations {
                    if iteration > 0, let onIteration {
                        let current = w
                        let model = {
                            FittedModel.linear(
                                Ridge.Fitted(
                                    coefficients: current,
                                    intercept: targetMean - zip(current, means).reduce(0) { $0 + $1.0 * $1.1 }))
                        }
                        if onIteration(iteration, model) == .stop { break }
                    }
                    var largestChange = 0.0, largestWeight = 0.0
                    for j in 0..<d where norms[j] > 0 {
                        let old = w[j]
                        let column = c.baseAddress! + j * n
                        var rho = sweep_dot(n, column, r.baseAddress!)
                        rho += norms[j] * old
                        let updated = (rho > l1 ? rho - l1 : rho < -l1 ? rho + l1 : 0) / (norms[j] + l2)
                        if updated != old {
                            let delta = updated - old
                            sweep_axpy(n, -delta, column, r.baseAddress!)
                            w[j] = updated
                        }
                        largestChange = max(largestChange, abs(updated - old))
                        largestWeight = max(largestWeight, abs(updated))
                    }
                    if largestWeight == 0 || largestChange / largestWeight < tolerance { break }
                }
            }
        }
        let intercept = targetMean - zip(w, means).reduce(0) { $0 + $1.0 * $1.1 }
        return Ridge.Fitted(coefficients: w, intercept: intercept)
    }
}
