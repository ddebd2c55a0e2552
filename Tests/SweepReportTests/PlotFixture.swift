@testable import SweepCore
@testable import SweepReport

/// Hand-built runs for the plot tests: a small sweep that reaches every figure (finished,
/// failed, stopped-early and incomplete trials; numeric, log-spread, string and bool
/// parameters; intermediate values; three workers, one lost with a task re-queued), and
/// builders for edge cases and large sweeps.
enum PlotFixture {
    static let objective = Objective(metric: "accuracy", goal: .maximize)
    static let startedAt = 1_700_000_000.0

    /// Trial `n`'s parameters: C spans five decades, kernel and shrink are levels, depth is an int.
    static func params(_ n: Int) -> Params {
        Params([
            "C": .double([0.001, 0.01, 0.1, 1, 10, 100][n % 6]),
            "kernel": .string(["rbf", "linear", "poly"][n % 3]),
            "depth": .int(1 + n % 5), "shrink": .bool(n % 2 == 0),
        ])
    }

    /// The score of trial `n` on `fold`: rising with the trial number, a spread over folds.
    static func score(_ n: Int, _ fold: Int) -> Double {
        0.6 + 0.03 * Double((n * 7) % 11) + 0.01 * Double(fold) - 0.005 * Double(n % 3)
    }

    static func record(_ n: Int, _ fold: Int, _ status: TaskStatus = .ok, worker: String? = nil) -> TaskRecord {
        let name = worker ?? ["w1", "w2"][(n + fold) % 2]
        return TaskRecord(
            task: TaskID(trial: n, fold: fold), status: status, worker: name, host: name == "w1" ? "alpha" : "beta",
            attempt: 1, duration: 2 + Double((n + fold) % 4),
            metrics: status == .ok ? ["accuracy": score(n, fold)] : [:],
            error: status == .failed ? "exit 1: <oops> & \"bad\"" : status == .pruned ? "stopped by asha" : nil)
    }

    /// Ten trials of three folds: 3 failed on fold 1, 5 stopped by ASHA at step 2, 8 stopped by
    /// racing after a fold's result, 9 incomplete (fold 2 lost with its worker, not yet re-run).
    static var run: RunSummary {
        var records: [TaskRecord] = []
        for n in 0..<10 {
            for fold in 0..<3 {
                switch (n, fold) {
                case (3, 1): records.append(record(n, fold, .failed))
                case (5, 1), (5, 2), (8, 2): records.append(record(n, fold, .pruned))
                case (9, 2): continue
                default: records.append(record(n, fold))
                }
            }
        }
        var run = RunSummary(
            name: "plots", objective: objective, metricNames: ["accuracy"], folds: 3,
            trials: (0..<10).map { Trial(number: $0, params: params($0)) },
            records: Dictionary(uniqueKeysWithValues: records.map { ($0.task, $0) }), wallSeconds: 60, state: .finished)
        run.stops = [
            StoppedTrial(
                decision: StopDecision(trial: 5, rule: .asha, fold: 0, step: 2, reason: "below rung 1"), dropped: 1,
                cancelled: 1),
            StoppedTrial(
                decision: StopDecision(trial: 8, rule: .racing, fold: 1, step: nil, reason: "p=0.02 < 0.05"),
                dropped: 1, cancelled: 0),
        ]
        return run
    }

    /// Every counted record as an attempt, back to back per worker with a gap now and then;
    /// w3 on gamma runs trial 9's fold 2 and is lost; one duplicate result not counted.
    static var details: ReportDetails {
        var attempts: [ReportDetails.Attempt] = []
        var clock = ["w1": 1.0, "w2": 1.5]
        for record in run.records.values.sorted(by: { $0.task < $1.task }) where record.attempt > 0 {
            let start = clock[record.worker]! + (record.task.trial == 4 ? 3 : 0)
            let end = start + record.duration + 0.25
            clock[record.worker] = end
            attempts.append(
                ReportDetails.Attempt(
                    task: record.task, attempt: 1, worker: record.worker, host: record.host,
                    dispatchedAt: startedAt + start, receivedAt: startedAt + end, duration: record.duration,
                    status: record.status, counted: true))
        }
        attempts.append(
            ReportDetails.Attempt(
                task: TaskID(trial: 9, fold: 2), attempt: 1, worker: "w3", host: "gamma", dispatchedAt: startedAt + 20))
        attempts.append(
            ReportDetails.Attempt(
                task: TaskID(trial: 0, fold: 0), attempt: 2, worker: "w3", host: "gamma", dispatchedAt: startedAt + 5,
                receivedAt: startedAt + 9, duration: 3.5, status: .ok, counted: false))
        var intermediate: [ReportDetails.Intermediate] = []
        for n in 0..<9 where n != 3 {
            for fold in 0..<3 {
                let steps = n == 5 ? 3 : n == 8 && fold == 2 ? 2 : 5
                for step in 0..<steps {
                    intermediate.append(
                        .init(
                            task: TaskID(trial: n, fold: fold), step: step, value: score(n, fold) * Double(step + 1) / 5
                        ))
                }
            }
        }
        return ReportDetails(
            startedAt: startedAt, attempts: attempts, intermediate: intermediate,
            events: [
                .init(at: startedAt + 31, kind: "worker-lost", detail: "w3@gamma: no heartbeat for 30 s"),
                .init(at: startedAt + 31, kind: "requeued", detail: "1"),
            ])
    }

    static let importance = ParameterImportance(
        method: "fANOVA on a random-forest surrogate of 64 trees",
        values: [("C", 0.55), ("depth", 0.25), ("kernel", 0.15), ("shrink", 0.05)])

    /// A sweep of `count` single-fold trials with the given objective values (cycled), for
    /// edge cases and size bounds.
    static func sweep(
        _ count: Int, values: [Double] = [0.5], folds: Int = 1, params: (Int) -> Params = { params($0) }
    ) -> RunSummary {
        var records: [TaskRecord] = []
        for n in 0..<count {
            for fold in 0..<folds {
                records.append(
                    TaskRecord(
                        task: TaskID(trial: n, fold: fold), status: .ok, worker: "w\(n % 4)", host: "h", attempt: 1,
                        duration: 1, metrics: ["accuracy": values[(n + fold) % values.count]], error: nil))
            }
        }
        return RunSummary(
            name: "edge", objective: objective, metricNames: ["accuracy"], folds: folds,
            trials: (0..<count).map { Trial(number: $0, params: params($0)) },
            records: Dictionary(uniqueKeysWithValues: records.map { ($0.task, $0) }), wallSeconds: 1, state: .finished)
    }

    /// Attempts and intermediate values for `run`: one attempt per record, workers busy back to
    /// back, `steps` intermediate values per task.
    static func details(for run: RunSummary, steps: Int = 0) -> ReportDetails {
        var attempts: [ReportDetails.Attempt] = []
        var clock: [String: Double] = [:]
        var intermediate: [ReportDetails.Intermediate] = []
        for record in run.records.values.sorted(by: { $0.task < $1.task }) {
            let start = clock[record.worker, default: 0]
            clock[record.worker] = start + record.duration + 0.01
            attempts.append(
                .init(
                    task: record.task, attempt: 1, worker: record.worker, host: record.host,
                    dispatchedAt: startedAt + start, receivedAt: startedAt + start + record.duration,
                    duration: record.duration, status: record.status, counted: true))
            for step in 0..<steps {
                intermediate.append(.init(task: record.task, step: step, value: Double(step) / Double(steps)))
            }
        }
        return ReportDetails(startedAt: startedAt, attempts: attempts, intermediate: intermediate)
    }
}
