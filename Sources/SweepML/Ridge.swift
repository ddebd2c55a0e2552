/// Ridge regression as scikit-learn's `Ridge(fit_intercept=True)`: features and target are
/// centred, (XᵀX + αI)w = Xᵀy is solved by Cholesky, and the intercept restores the means.
public struct Ridge: Sendable {
    public var alpha = 1.0

    public init(alpha: Double = 1.0) { self.alpha = alpha }

    public struct Fitted: Sendable, Codable {
        public let coefficients: [Double]
        public let intercept: Double

        public func predict(_ x: Matrix) -> [Double] {
            (0..<x.rows).map { row in
                var sum = intercept
                for j in 0..<x.columns { sum += coefficients[j] * x[row, j] }
                return sum
            }
        }
    }

    public func fit(_ x: Matrix, targets: [Double]) -> Fitted {
        let n = x.rows, d = x.columns
        var means = [Double](repeating: 0, count: d)
        for row in 0..<n { for j in 0..<d { means[j] += x[row, j] } }
        for j in 0..<d { means[j] /= Double(n) }
        let targetMean = targets.reduce(0, +) / Double(n)
        var gram = [Double](repeating: 0, count: d * d)
        var rhs = [Double](repeating: 0, count: d)
        var centred = [Double](repeating: 0, count: d)
        for row in 0..<n {
            for j in 0..<d { centred[j] = x[row, j] - means[j] }
            let y = targets[row] - targetMean
            for i in 0..<d {
                rhs[i] += centred[i] * y
                for j in 0...i { gram[i * d + j] += centred[i] * centred[j] }
            }
        }
        for i in 0..<d { for j in 0..<i { gram[j * d + i] = gram[i * d + j] } }
        var jitter = 0.0
        while true {
            var system = gram
            for i in 0..<d { system[i * d + i] += alpha + jitter }
            if let solution = Cholesky.solve(system, rhs, size: d) {
                let intercept = targetMean - zip(solution, means).reduce(0) { $0 + $1.0 * $1.1 }
                return Fitted(coefficients: solution, intercept: intercept)
            }
            // Singular (alpha = 0 with collinear columns): regularise just enough to solve.
            jitter = jitter == 0 ? 1e-10 * max(1, (0..<d).map { gram[$0 * d + $0] }.max() ?? 1) : jitter * 10
        }
    }
}

/// Solves A·x = b for a symmetric positive-definite A (row-major, size × size).
enum Cholesky {
    static func solve(_ a: [Double], _ b: [Double], size n: Int) -> [Double]? {
        var l = [Double](repeating: 0, count: n * n)
        for i in 0..<n {
            for j in 0...i {
                var sum = a[i * n + j]
                for k in 0..<j { sum -= l[i * n + k] * l[j * n + k] }
                if i == j {
                    guard sum > 1e-300 else { return nil }
                    l[i * n + i] = sum.squareRoot()
                } else {
                    l[i * n + j] = sum / l[j * n + j]
                }
            }
        }
        var y = [Double](repeating: 0, count: n)
        for i in 0..<n {
            var sum = b[i]
            for k in 0..<i { sum -= l[i * n + k] * y[k] }
            y[i] = sum / l[i * n + i]
        }
        var x = [Double](repeating: 0, count: n)
        for i in stride(from: n - 1, through: 0, by: -1) {
            var sum = y[i]
            for k in (i + 1)..<n { sum -= l[k * n + i] * x[k] }
            x[i] = sum / l[i * n + i]
        }
        return x
    }
}
