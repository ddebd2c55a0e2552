import SweepML
import Testing

@testable import SweepRuntime

/// The previous model's score on the new data: rows of a class it never saw count as wrong
/// (probability 0), not left out, so a model that cannot name a new class does not look perfect.
struct RetrainBaselineTests {
    @Test func rowsOfAnUnseenClassCountAsWrong() {
        let probabilities = Matrix(rows: 4, columns: 2, values: [0.9, 0.1, 0.2, 0.8, 0.7, 0.3, 0.6, 0.4])
        let scores = RetrainBaseline.score(
            .probabilities(probabilities), targets: ["a", "b", "c", "c"], rows: [0, 1, 2, 3], classes: ["a", "b"])
        #expect(scores["accuracy"] == 0.5)
        #expect((scores["log_loss"] ?? 0) > 10, "probability 0 for the true class: \(scores)")
    }

    @Test func onlyKnownClassesScoreAsBefore() {
        let probabilities = Matrix(rows: 2, columns: 2, values: [0.9, 0.1, 0.2, 0.8])
        let scores = RetrainBaseline.score(
            .probabilities(probabilities), targets: ["a", "b"], rows: [0, 1], classes: ["a", "b"])
        #expect(scores["accuracy"] == 1 && scores["roc_auc"] == 1)
    }
}
