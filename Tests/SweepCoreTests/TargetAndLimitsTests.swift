import Testing

@testable import SweepCore

/// `objective.target` and `limits.max_parallel_trials`: parsing, and the search driver stopping
/// once the best complete trial reaches the target.
struct TargetAndLimitsTests {
    static let base = """
        trainer: {model: noop}
        search: {algorithm: random, trials: 20}
        space: {score: {uniform: [0, 1]}}
        """

    @Test func parsesATargetAndACap() throws {
        let spec = try SpecParser.parse(
            Self.base + "\nobjective: {metric: score, goal: maximize, target: 0.99}\nlimits: {max_parallel_trials: 4}")
        #expect(spec.objective.target == 0.99 && spec.limits.maxParallelTrials == 4)
        let plain = try SpecParser.parse(Self.base)
        #expect(plain.objective.target == nil && plain.limits.maxParallelTrials == nil)
    }

    @Test func badTargetsAndCapsAreRefusedWithTheirLine() {
        #expect(
            specProblems(Self.base + "\nobjective: {metric: score, target: high}") == [
                "line 4: objective.target: expected a finite number, got 'high'"
            ])
        #expect(
            specProblems(Self.base + "\nlimits: {max_parallel_trials: 0}") == [
                "line 4: limits.max_parallel_trials: expected an integer ≥ 1, got 0"
            ])
    }

    @Test func parsesPrefetchAndRefusesANegativeOne() throws {
        #expect(try SpecParser.parse(Self.base + "\nlimits: {prefetch: 2}").limits.prefetch == .tasks(2))
        #expect(try SpecParser.parse(Self.base).limits.prefetch == .auto)
        #expect(try SpecParser.parse(Self.base + "\nlimits: {prefetch: auto}").limits.prefetch == .auto)
        #expect(try SpecParser.parse(Self.base + "\nlimits: {prefetch: 0}").limits.prefetch == .tasks(0))
        #expect(
            specProblems(Self.base + "\nlimits: {prefetch: -1}") == [
                "line 4: limits.prefetch: expected auto or an integer ≥ 0, got -1"
            ])
        #expect(
            specProblems(Self.base + "\nlimits: {prefetch: \"3\"}") == [
                "line 4: limits.prefetch: expected auto or an integer ≥ 0, got '3'"
            ])
        #expect(
            specProblems(Self.base + "\nlimits: {prefetch: lots}") == [
                "line 4: limits.prefetch: expected auto or an integer ≥ 0, got 'lots'"
            ])
    }

    func driver(goal: Goal, target: Double) -> SearchDriver {
        var configuration = SearchDriver.Configuration(
            space: [Dimension(name: "x", kind: .uniform(0, 1))], algorithm: .random, seed: 1, trials: 50, goal: goal,
            folds: 2)
        configuration.target = target
        return SearchDriver(configuration)
    }

    @Test func theSearchEndsWhenTheBestReachesTheTarget() {
        var search = driver(goal: .maximize, target: 0.9)
        var values: [[Double]] = [[0.5, 0.6], [0.95, 0.8], [0.9, 0.9], [1, 1]]
        var ended: Int?
        while let trial = search.nextTrial(now: 0) {
            let scores = values.removeFirst()
            for (fold, value) in scores.enumerated() {
                _ = search.foldFinished(trial: trial.number, fold: fold, value: value)
            }
            if search.exhausted != nil { ended = trial.number }
        }
        #expect(ended == 2, "0.875 misses 0.9; trial 2's mean 0.9 reaches it (≥)")
        #expect(search.exhausted == "the target (0.9) was reached by trial 2")
        #expect(search.history.count == 3)

        var minimizing = driver(goal: .minimize, target: 0.1)
        let first = minimizing.nextTrial(now: 0)!
        _ = minimizing.foldFinished(trial: first.number, fold: 0, value: 0.05)
        #expect(minimizing.exhausted == nil, "a trial counts once every fold is in")
        _ = minimizing.foldFinished(trial: first.number, fold: 1, value: 0.1)
        #expect(minimizing.exhausted == "the target (0.1) was reached by trial 0")
        #expect(minimizing.nextTrial(now: 0) == nil)
    }
}
