import SweepML
import Testing

@testable import SweepCore

/// `sweep retrain` of a nested-CV run: its rewritten spec (tpe over the enqueued configurations,
/// warm-started) cannot keep cv.outer, which refuses adaptive searches, so it drops it and says
/// why; the retrained run is compared on its plain CV, as every retrain is.
struct NestedRetrainTests {
    @Test func theRetrainSpecOfANestedRunLeavesTheOuterFoldsOutAndSaysSo() throws {
        let previous = """
            name: old
            data: {path: data/old.csv, target: y, task: classification}
            cv: {folds: 4, outer: 3, seed: 7}
            trainer: {model: logistic_regression}
            search: {algorithm: grid}
            space: {C: {values: [0.1, 1.0, 10.0]}}
            objective: {metric: accuracy}

            """
        let rewritten = try RetrainSpec.rewrite(
            previous, dataPath: "new.csv", enqueue: [Params(["C": .double(1)])], warmStart: "/runs/old", further: 2)
        let spec = try SpecParser.parse(rewritten.text)
        #expect(spec.cv.outer == nil && spec.cv.folds == 4 && spec.cv.seed == 7 && spec.taskFolds == 4)
        #expect(spec.search.algorithm == .tpe && spec.search.trials == 3)
        #expect(
            rewritten.notes.contains {
                $0.hasPrefix("cv.outer is left out: a retrain compares plain CV estimates")
            }, "\(rewritten.notes)")
    }
}
