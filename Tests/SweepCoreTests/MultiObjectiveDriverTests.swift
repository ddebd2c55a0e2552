import Testing

@testable import SweepCore

/// SearchDriver with several objectives and constraints: per-trial losses, violations, the
/// feasible best and the front, and what stops the search.
struct MultiObjectiveDriverTests {
    /// Fixed trials x = 0, 1, 2, …, two folds each; accuracy maximized, seconds minimized.
    func driver(trials: Int, folds: Int = 2, constraints: [Constraint] = [], patience: Int? = nil) -> SearchDriver {
        let list = (0..<trials).map { Trial(number: $0, params: Params(["x": .int($0)])) }
        var configuration = SearchDriver.Configuration.fixed(list, folds: folds, goal: .maximize)
        configuration.moreObjectives = [Objective(metric: "seconds", goal: .minimize)]
        configuration.constraints = constraints
        configuration.stopAfterNoImprovement = patience
        return SearchDriver(configuration)
    }

    @Test func aCompleteTrialGetsEveryObjectivesMeanLossAndItsViolation() {
        var search = driver(trials: 1, constraints: [Constraint(metric: "latency", max: 10)])
        let trial = search.nextTrial(now: 0)!
        _ = search.foldFinished(trial: trial.number, fold: 0, values: [0.75, 2, 12])
        #expect(search.history.entry(0).state == .running && search.history.entry(0).losses == nil)
        _ = search.foldFinished(trial: trial.number, fold: 1, values: [0.25, 4, 9])
        let entry = search.history.entry(0)
        #expect(entry.state == .complete(-0.5))
        #expect(entry.losses == [-0.5, 3])
        #expect(entry.violation == 0.5, "mean latency 10.5 misses max 10 by 0.5")
    }

    @Test func withoutConstraintsThereIsNoViolation() {
        var search = driver(trials: 1, folds: 1)
        _ = search.nextTrial(now: 0)
        _ = search.foldFinished(trial: 0, fold: 0, values: [0.5, 1])
        #expect(search.history.entry(0).losses == [-0.5, 1] && search.history.entry(0).violation == nil)
    }

    @Test func aSingleObjectiveConstrainedSearchRanksOnlyFeasibleTrials() {
        let list = (0..<3).map { Trial(number: $0, params: Params(["x": .int($0)])) }
        var configuration = SearchDriver.Configuration.fixed(list, folds: 1, goal: .maximize)
        configuration.constraints = [Constraint(metric: "accuracy", min: 0.5), Constraint(metric: "ms", max: 5)]
        var search = SearchDriver(configuration)
        for (accuracy, ms) in [(0.6, 4.0), (0.99, 7.0), (0.4, 1.0)] {
            let trial = search.nextTrial(now: 0)!
            _ = search.foldFinished(trial: trial.number, fold: 0, values: [accuracy, accuracy, ms])
        }
        #expect(search.bestLoss == -0.6, "trial 1 scores higher but is infeasible")
        #expect(search.history.entry(0).losses == nil, "one objective: no losses vector")
        #expect(search.history.entry(1).violation == 2 && search.history.entry(2).violation! > 0.0999)
    }

    @Test func theFrontCountsFeasibleNonDominatedTrials() {
        var search = driver(trials: 5, folds: 1, constraints: [Constraint(metric: "latency", max: 10)])
        let outcomes: [[Double]] = [
            [0.8, 5, 1],  // on the front
            [0.9, 9, 1],  // on the front (better accuracy, slower)
            [0.7, 6, 1],  // dominated by trial 0
            [0.99, 1, 20],  // dominates all, but infeasible
            [0.8, 5, 1],  // equal to trial 0: the front does not change
        ]
        for values in outcomes {
            let trial = search.nextTrial(now: 0)!
            _ = search.foldFinished(trial: trial.number, fold: 0, values: values)
        }
        #expect(search.frontSize == 2)
        let entries = (0..<5).map { search.history.entry($0) }
        let front = Pareto.front(entries.map { $0.losses! }, violations: entries.map { $0.violation! })
        #expect(front == [0, 1, 4])
    }

    @Test func patienceCountsTrialsThatLeaveTheFrontAlone() {
        var search = driver(trials: 10, folds: 1, patience: 2)
        // 0 and 1 change the front; 2 and 3 are dominated: the search ends.
        for values: [Double] in [[0.5, 5], [0.6, 6], [0.55, 7], [0.4, 9]] {
            let trial = search.nextTrial(now: 0)!
            _ = search.foldFinished(trial: trial.number, fold: 0, values: values)
        }
        #expect(search.nextTrial(now: 0) == nil)
        #expect(search.exhausted == "2 trials in a row finished without changing the Pareto front")
    }

    @Test func meansDoNotDependOnTheOrderFoldsArrive() {
        var a = driver(trials: 1, folds: 3)
        var b = driver(trials: 1, folds: 3)
        _ = a.nextTrial(now: 0)
        _ = b.nextTrial(now: 0)
        let folds: [[Double]] = [[0.1, 0.7], [0.2, 0.3], [0.3, 0.1]]
        for fold in [0, 1, 2] { _ = a.foldFinished(trial: 0, fold: fold, values: folds[fold]) }
        for fold in [2, 0, 1] { _ = b.foldFinished(trial: 0, fold: fold, values: folds[fold]) }
        #expect(a.history.entry(0).losses == b.history.entry(0).losses)
    }

    @Test func aFailedFoldFailsTheTrial() {
        var search = driver(trials: 1)
        _ = search.nextTrial(now: 0)
        _ = search.foldFinished(trial: 0, fold: 0, values: [0.5, 1])
        _ = search.foldFinished(trial: 0, fold: 1, values: nil)
        #expect(search.history.entry(0).state == .failed && search.history.entry(0).losses == nil)
    }

    @Test func racingNeverCrownsAnInfeasibleIncumbent() {
        let list = (0..<2).map { Trial(number: $0, params: Params(["x": .int($0)])) }
        var configuration = SearchDriver.Configuration.fixed(list, folds: 5, goal: .maximize)
        configuration.constraints = [Constraint(metric: "ms", max: 5)]
        var options = RacingOptions()
        options.minFolds = 2
        configuration.earlyStopping = .racing(options)
        var search = SearchDriver(configuration)
        _ = search.nextTrial(now: 0)
        _ = search.nextTrial(now: 0)
        for fold in 0..<5 { _ = search.foldFinished(trial: 0, fold: fold, values: [0.99 + 0.001 * Double(fold), 50]) }
        var stops: [StopDecision] = []
        for fold in 0..<4 {
            stops += search.foldFinished(trial: 1, fold: fold, values: [0.5 + 0.01 * Double(fold), 1])
        }
        #expect(stops.isEmpty, "the only finished trial is infeasible, so it cannot eliminate a feasible one")
    }
}
