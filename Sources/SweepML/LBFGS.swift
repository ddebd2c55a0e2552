/// Limited-memory BFGS (Nocedal 1980; Nocedal & Wright, "Numerical Optimization", alg. 7.4/7.5)
/// with a backtracking Armijo line search. Departures: no Wolfe curvature search — pairs with
/// sᵀy ≤ 0 are skipped instead, which keeps the inverse-Hessian estimate positive definite.
/// Stops when max |gradient| ≤ `gradientTolerance` (scipy's `gtol`, as scikit-learn's lbfgs).
enum LBFGS {
    struct Outcome {
        var x: [Double]
        var value: Double
        var iterations: Int
        var converged: Bool
    }

    /// `objective(x, &gradient)` returns f(x) and writes ∇f(x). `shouldStop(iterations, x)`,
    /// asked before each iteration after the first, ends the search where it is (a cancelled task).
    static func minimize(
        start: [Double], maxIterations: Int, gradientTolerance: Double, memory: Int = 10,
        shouldStop: (Int, [Double]) -> Bool = { _, _ in false },
        objective: ([Double], inout [Double]) -> Double
    ) -> Outcome {
        let n = start.count
        var x = start
        var gradient = [Double](repeating: 0, count: n)
        var value = objective(x, &gradient)
        var history: [(s: [Double], y: [Double], rho: Double)] = []
        var candidate = x, candidateGradient = gradient
        for iteration in 0..<maxIterations {
            if iteration > 0 && shouldStop(iteration, x) {
                return Outcome(x: x, value: value, iterations: iteration, converged: false)
            }
            if maxAbs(gradient) <= gradientTolerance {
                return Outcome(x: x, value: value, iterations: iteration, converged: true)
            }
            // Two-loop recursion: direction = -H·g.
            var q = gradient
            var alphas = [Double](repeating: 0, count: history.count)
            for index in stride(from: history.count - 1, through: 0, by: -1) {
                let pair = history[index]
                alphas[index] = pair.rho * dot(pair.s, q)
                axpy(-alphas[index], pair.y, &q)
            }
            if let last = history.last {
                let scale = dot(last.s, last.y) / dot(last.y, last.y)
                for i in 0..<n { q[i] *= scale }
            } else {
                let norm = dot(gradient, gradient).squareRoot()
                for i in 0..<n { q[i] /= max(norm, 1) }
            }
            for index in history.indices {
                let pair = history[index]
                let beta = pair.rho * dot(pair.y, q)
                axpy(alphas[index] - beta, pair.s, &q)
            }
            var slope = -dot(gradient, q)
            if slope >= 0 {  // not a descent direction: restart from steepest descent
                history.removeAll()
                q = gradient
                slope = -dot(gradient, gradient)
            }
            var step = 1.0
            var newValue = 0.0
            var accepted = false
            for _ in 0..<40 {
                for i in 0..<n { candidate[i] = x[i] - step * q[i] }
                newValue = objective(candidate, &candidateGradient)
                if newValue.isFinite && newValue <= value + 1e-4 * step * slope { accepted = true; break }
                step *= 0.5
            }
            guard accepted else { return Outcome(x: x, value: value, iterations: iteration, converged: false) }
            var s = [Double](repeating: 0, count: n), y = s
            for i in 0..<n { s[i] = candidate[i] - x[i]; y[i] = candidateGradient[i] - gradient[i] }
            let sy = dot(s, y)
            if sy > 1e-12 {
                history.append((s, y, 1 / sy))
                if history.count > memory { history.removeFirst() }
            }
            let decrease = value - newValue
            swap(&x, &candidate)
            swap(&gradient, &candidateGradient)
            value = newValue
            if decrease <= 64 * Double.ulpOfOne * max(abs(value), 1) && maxAbs(gradient) <= gradientTolerance * 10 {
                return Outcome(x: x, value: value, iterations: iteration + 1, converged: true)
            }
        }
        return Outcome(x: x, value: value, iterations: maxIterations, converged: maxAbs(gradient) <= gradientTolerance)
    }

    @inline(__always) static func dot(_ a: [Double], _ b: [Double]) -> Double {
        a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                var sum = 0.0
                for i in 0..<a.count { sum += a[i] * b[i] }
                return sum
            }
        }
    }

    @inline(__always) static func axpy(_ alpha: Double, _ x: [Double], _ y: inout [Double]) {
        x.withUnsafeBufferPointer { x in
            y.withUnsafeMutableBufferPointer { y in
                for i in 0..<x.count { y[i] += alpha * x[i] }
            }
        }
    }

    static func maxAbs(_ values: [Double]) -> Double { values.reduce(0) { max($0, abs($1)) } }
}
