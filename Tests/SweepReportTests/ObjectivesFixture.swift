@testable import SweepCore
@testable import SweepReport

/// A fixed synthetic multi-objective sweep: accuracy (maximized) against fit_seconds
/// (minimized), with model_bytes ≤ 1000. Trials 0, 1 and 4 form the front; 2 is dominated by 1;
/// 3 beats everyone but is too large; 5 failed.
enum ObjectivesFixture {
    static let trials = (0..<6).map { Trial(number: $0, params: Params(["depth": .int($0 + 2)])) }

    /// Per trial: accuracy, fit_seconds and model_bytes (folds differ by ±0.01 in accuracy).
    static let outcomes: [(accuracy: Double, seconds: Double, bytes: Double)] = [
        (0.9, 2, 500), (0.8, 1, 400), (0.7, 1.5, 300), (0.95, 0.5, 5000), (0.92, 3, 800), (0, 0, 0),
    ]

    static var records: [TaskID: TaskRecord] {
        var all: [TaskRecord] = []
        for trial in 0..<5 {
            let outcome = outcomes[trial]
            for fold in 0..<3 {
                all.append(
                    TaskRecord(
                        task: TaskID(trial: trial, fold: fold), status: .ok, worker: "w1", host: "a", attempt: 1,
                        duration: outcome.seconds,
                        metrics: [
                            "accuracy": outcome.accuracy + Double(fold - 1) * 0.01, "fit_seconds": outcome.seconds,
                            "model_bytes": outcome.bytes,
                        ], error: nil))
            }
        }
        all.append(
            TaskRecord(
                task: TaskID(trial: 5, fold: 0), status: .failed, worker: "w1", host: "a", attempt: 3, duration: 0,
                metrics: [:], error: "finished but never reported 'fit_seconds'"))
        return Dictionary(uniqueKeysWithValues: all.map { ($0.task, $0) })
    }

    static func run(
        objectives: [Objective] = [Objective(metric: "fit_seconds", goal: .minimize)],
        constraints: [Constraint] = [Constraint(metric: "model_bytes", max: 1000)]
    ) -> RunSummary {
        var run = RunSummary(
            name: "tradeoff", objective: Objective(metric: "accuracy", goal: .maximize),
            metricNames: ["accuracy", "fit_seconds", "model_bytes"], folds: 3, trials: trials, records: records,
            wallSeconds: 9.5, state: .finished, moreObjectives: objectives, constraints: constraints)
        run.algorithm = "random"
        run.searchEnded = "the trials budget (6) is spent"
        run.refit = RefitOutcome(modelFile: "model.json", note: nil, holdout: nil, holdoutRows: 0)
        return run
    }
}
