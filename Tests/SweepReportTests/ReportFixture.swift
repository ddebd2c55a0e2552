@testable import SweepCore
@testable import SweepReport

/// A fixed synthetic sweep that reaches every part of the report: ties, a failure with a `|` and
/// a newline in its error, a trial stopped early, one left incomplete, a parameter whose name
/// clashes with a column, CSV fields that need quoting, a refit with a holdout. Trials 0, 1 and 5
/// tie on the mean (0.75, exactly): 1 and 5 win on std (0), and 1 on its lower number.
enum ReportFixture {
    static let objective = Objective(metric: "accuracy", goal: .maximize)

    static func trial(_ number: Int, c: Double, kernel: String, fold: Int = 1, shrink: Bool = true) -> Trial {
        Trial(
            number: number,
            params: Params(["C": .double(c), "kernel": .string(kernel), "fold": .int(fold), "shrink": .bool(shrink)]))
    }

    static let trials = [
        trial(0, c: 0.1, kernel: "rbf"),
        trial(1, c: 1, kernel: "linear"),
        trial(2, c: 10, kernel: "poly, \"deg 3\""),
        trial(3, c: 0.001, kernel: "rbf", shrink: false),
        trial(4, c: 100, kernel: "linear", fold: 2),
        trial(5, c: 1e-05, kernel: "sigmoid"),
    ]

    static func ok(_ trial: Int, _ fold: Int, _ accuracy: Double, worker: String = "w1", host: String = "a")
        -> TaskRecord
    {
        TaskRecord(
            task: TaskID(trial: trial, fold: fold), status: .ok, worker: worker, host: host, attempt: 1,
            duration: 0.25 + Double(fold) * 0.125, metrics: ["accuracy": accuracy, "f1_macro": accuracy - 0.01],
            error: nil)
    }

    static var records: [TaskID: TaskRecord] {
        var all = [
            ok(0, 0, 0.5), ok(0, 1, 1), ok(0, 2, 0.75),
            ok(1, 0, 0.75, worker: "w2", host: "b"), ok(1, 1, 0.75, worker: "w2", host: "b"),
            ok(1, 2, 0.75, worker: "w2", host: "b"),
            ok(2, 0, 0.95),
            TaskRecord(
                task: TaskID(trial: 2, fold: 1), status: .failed, worker: "w2", host: "b", attempt: 3, duration: 1.5,
                metrics: [:], error: "exit 1: bad | input\nsecond line"),
            ok(2, 2, 0.9),
            ok(3, 0, 0.5),
            TaskRecord(
                task: TaskID(trial: 3, fold: 1), status: .pruned, worker: "", host: "", attempt: 0, duration: 0,
                metrics: [:], error: "stopped by racing"),
            TaskRecord(
                task: TaskID(trial: 3, fold: 2), status: .pruned, worker: "w1", host: "a", attempt: 1, duration: 0.5,
                metrics: [:], error: "stopped by racing"),
            ok(4, 0, 0.7),
            ok(5, 0, 0.75, worker: "w2", host: "b"), ok(5, 1, 0.75, worker: "w2", host: "b"),
            ok(5, 2, 0.75, worker: "w2", host: "b"),
        ]
        all[all.count - 1].metrics["loss"] = 0.125  // a metric only some tasks report
        return Dictionary(uniqueKeysWithValues: all.map { ($0.task, $0) })
    }

    /// The sweep as it finished, with its refit.
    static var finished: RunSummary {
        var run = RunSummary(
            name: "golden", objective: objective, metricNames: ["accuracy", "f1_macro", "loss"], folds: 3,
            trials: trials, records: records, wallSeconds: 12.5, state: .finished)
        run.algorithm = "random with racing early stopping"
        run.searchEnded = "the trials budget (6) is spent"
        run.stops = [
            StoppedTrial(
                decision: StopDecision(
                    trial: 3, rule: .racing, fold: 0, step: nil,
                    reason: "paired t-test p=0.01 | worse than trial 1"),
                dropped: 1, cancelled: 1)
        ]
        run.refit = RefitOutcome(
            modelFile: "model.json", note: nil, holdout: ["accuracy": 0.875, "f1_macro": 0.5], holdoutRows: 24)
        return run
    }

    /// A sweep whose coordinator crashed before any trial finished all its folds.
    static var interrupted: RunSummary {
        let early = records.filter { $0.key.fold == 0 }
        return RunSummary(
            name: "golden", objective: objective, metricNames: ["accuracy", "f1_macro"], folds: 3,
            trials: trials, records: early, wallSeconds: 3.25, state: .interrupted(coordinator: "pid 4242 on host-a"))
    }
}
