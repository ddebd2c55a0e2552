import Glibc
import Testing

@testable import SweepCore

struct ParzenEstimatorTests {
    @Test func theNearKernelsShortcutGivesTheFullDensity() {
        var generator = SeededGenerator(seed: 4)
        let axis = Axis.numeric(low: -5, high: 10, isLog: false, isInteger: false)
        for n in [0, 1, 5, 40, 300] {
            let centres = (0..<n).map { _ in -5 + 15 * generator.unit() }.sorted()
            let weights = TPESampler.weights(n)
            let fast = ParzenEstimator(axes: [axis], columns: [centres], weights: weights, sorted: true)
            let full = ParzenEstimator(axes: [axis], columns: [centres], weights: weights)
            #expect(fast.sortedUnivariate && !full.sortedUnivariate)
            var a: [Double] = [], b: [Double] = []
            for _ in 0..<50 {
                let x = -5 + 15 * generator.unit()
                let exact = full.logDensity([x], scratch: &a)
                #expect(
                    abs(fast.logDensity([x], scratch: &b) - exact) < 1e-9 * max(1, abs(exact)), "n = \(n), x = \(x)")
            }
        }
    }

    @Test func densitiesIntegrateToOne() {
        var generator = SeededGenerator(seed: 5)
        let axis = Axis.numeric(low: 0, high: 1, isLog: false, isInteger: false)
        let centres = (0..<30).map { _ in generator.unit() }.sorted()
        let estimator = ParzenEstimator(axes: [axis], columns: [centres], weights: TPESampler.weights(30), sorted: true)
        var scratch: [Double] = []
        let steps = 20_000
        var total = 0.0
        for i in 0..<steps {
            total += exp(estimator.logDensity([(Double(i) + 0.5) / Double(steps)], scratch: &scratch)) / Double(steps)
        }
        #expect(abs(total - 1) < 1e-3, "a mixture of cut normals integrates to 1 over its axis, got \(total)")
    }
}
