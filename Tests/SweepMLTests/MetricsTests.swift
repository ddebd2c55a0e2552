import Testing
@testable import SweepML

/// Known answers from scikit-learn's documentation examples.
struct MetricsTests {
    @Test func accuracyAndMacroF1() {
        let truth = [0, 1, 2, 0, 1, 2], predicted = [0, 2, 1, 0, 0, 1]
        #expect(Metrics.accuracy(truth, predicted) == 2.0 / 6)
        #expect(abs(Metrics.f1Macro(truth, predicted) - 0.26666666666666666) < 1e-12)
    }

    @Test func logLossOfTheSpamExample() {
        // log_loss(["spam", "ham", "ham", "spam"], [[.1, .9], [.9, .1], [.8, .2], [.35, .65]]) with ham = 0.
        let probabilities = Matrix(rows: 4, columns: 2, values: [0.1, 0.9, 0.9, 0.1, 0.8, 0.2, 0.35, 0.65])
        #expect(abs(Metrics.logLoss([1, 0, 0, 1], probabilities) - 0.21616187468057912) < 1e-12)
    }

    @Test func regressionMetrics() {
        let truth = [3, -0.5, 2, 7], predicted = [2.5, 0.0, 2, 8]
        #expect(abs(Metrics.r2(truth, predicted) - 0.9486081370449679) < 1e-12)
        #expect(abs(Metrics.rmse(truth, predicted) - 0.375.squareRoot()) < 1e-12)
        #expect(Metrics.mae(truth, predicted) == 0.5)
        #expect(Metrics.r2([1, 1], [1, 1]) == 1)
        #expect(Metrics.r2([1, 1], [1, 2]) == 0)
    }

    @Test func argmaxBreaksTiesTowardsTheFirstClass() {
        #expect(Metrics.argmax(Matrix(rows: 2, columns: 3, values: [0.2, 0.4, 0.4, 0.5, 0.1, 0.4])) == [1, 0])
    }
}
