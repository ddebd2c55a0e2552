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

/// Known answers computed with scikit-learn 1.9 on the same inputs.
struct MoreMetricsTests {
    @Test func binaryMetricsMatchScikitLearn() {
        let truth = [0, 1, 1, 0, 1, 1, 0, 0, 1, 1]
        let positive = [0.1, 0.8, 0.4, 0.35, 0.9, 0.6, 0.2, 0.55, 0.7, 0.3]
        let probabilities = Matrix(rows: 10, columns: 2, values: positive.flatMap { [1 - $0, $0] })
        let m = Metrics.classification(truth, probabilities)
        let expected: [String: Double] = [
            "balanced_accuracy": 0.7083333333333333, "precision": 0.8, "recall": 0.6666666666666666,
            "f1": 0.7272727272727273, "roc_auc": 0.875, "brier": 0.1625,
        ]
        for (name, value) in expected { #expect(abs(m[name]! - value) < 1e-12, "\(name): \(m[name]!) vs \(value)") }
    }

    @Test func multiclassAveragesMatchScikitLearn() {
        let truth = [0, 1, 2, 2, 1, 0, 2, 1]
        let rows: [[Double]] = [
            [0.7, 0.2, 0.1], [0.2, 0.5, 0.3], [0.1, 0.2, 0.7], [0.3, 0.4, 0.3], [0.3, 0.3, 0.4], [0.5, 0.4, 0.1],
            [0.2, 0.1, 0.7], [0.1, 0.8, 0.1],
        ]
        let m = Metrics.classification(truth, Matrix(rows: 8, columns: 3, values: rows.flatMap { $0 }))
        let expected: [String: Double] = [
            "balanced_accuracy": 0.7777777777777777, "f1_weighted": 0.75, "precision_macro": 0.7777777777777777,
            "recall_weighted": 0.75, "roc_auc_ovr": 0.9222222222222222,
        ]
        for (name, value) in expected { #expect(abs(m[name]! - value) < 1e-12, "\(name): \(m[name]!) vs \(value)") }
        #expect(m["f1"] == nil && m["roc_auc"] == nil, "binary-only metrics are absent for three classes")
    }
}
