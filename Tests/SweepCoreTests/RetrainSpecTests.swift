import SweepML
import Testing

@testable import SweepCore

/// The spec `sweep retrain` runs: the previous spec with new data, the queue, the warm start and
/// a budget of exactly the queue plus the further trials; everything else as written.
struct RetrainSpecTests {
    let previous = """
        name: old
        data: {path: data/old.csv, target: y, task: classification}
        cv: {folds: 4, seed: 7, repeats: 2}
        trainer: {model: logistic_regression}
        search: {algorithm: grid}
        space: {C: {values: [0.1, 1.0, 10.0]}, penalty: {values: [l2, none]}}
        objective: {metric: accuracy}

        """

    @Test func keepsTheCVAndQueuesThePreviousBest() throws {
        let queue = [
            Params(["C": .double(1), "penalty": .string("l2")]),
            Params(["C": .double(10), "penalty": .string("none")]),
        ]
        let rewritten = try RetrainSpec.rewrite(
            previous, dataPath: "/data/new 1.csv", enqueue: queue, warmStart: "/runs/old", further: 3)
        let spec = try SpecParser.parse(rewritten.text)
        #expect(spec.data?.path == "/data/new 1.csv" && spec.data?.target == "y")
        #expect(spec.cv.folds == 4 && spec.cv.seed == 7 && spec.cv.repeats == 2)
        #expect(spec.search.enqueue == queue && spec.search.warmStart == ["/runs/old"])
        #expect(spec.search.trials == 5 && spec.search.algorithm == .tpe)
        #expect(rewritten.notes == ["grid search has no trials budget: the further trials are drawn by tpe"])
        #expect(spec.name == "old" && spec.space.count == 2)
    }

    @Test func budgetsThatCouldCutTheQueueShortAreLeftOut() throws {
        let text = previous.replacingOccurrences(
            of: "search: {algorithm: grid}",
            with: "search: {algorithm: random, trials: 50, time_limit: 1m, stop_after_no_improvement: 2, seed: 3}")
        let rewritten = try RetrainSpec.rewrite(
            text, dataPath: "new.csv", enqueue: [Params(["C": .double(0.1), "penalty": .string("none")])],
            warmStart: nil,
            further: 0)
        let spec = try SpecParser.parse(rewritten.text)
        #expect(spec.search.trials == 1 && spec.search.timeLimit == nil && spec.search.stopAfterNoImprovement == nil)
        #expect(spec.search.algorithm == .random && spec.search.seed == 3 && spec.search.warmStart.isEmpty)
        #expect(rewritten.notes.count == 2)
    }

    @Test func anObjectiveTargetIsLeftOutSoTheQueueRunsToItsEnd() throws {
        let text = previous.replacingOccurrences(
            of: "objective: {metric: accuracy}", with: "objective: {metric: accuracy, target: 0.5}")
        let rewritten = try RetrainSpec.rewrite(
            text, dataPath: "new.csv", enqueue: [Params(["C": .double(1), "penalty": .string("l2")])], warmStart: nil,
            further: 0)
        let spec = try SpecParser.parse(rewritten.text)
        #expect(spec.objective.target == nil && spec.objective.metric == "accuracy")
        #expect(rewritten.notes.contains { $0.hasPrefix("objective.target is left out") }, "\(rewritten.notes)")
    }

    @Test func aSpecWithoutDataCannotBeRetrained() {
        #expect(throws: SpecError.self) {
            try RetrainSpec.rewrite(
                "trainer: {model: noop}\nspace: {x: {values: [1]}}\n", dataPath: "new.csv", enqueue: [],
                warmStart: nil, further: 0)
        }
    }
}
