import Foundation
import SweepCore

/// Everything the run-directory files are made from: the sweep's trials and counted tasks.
public struct RunSummary: Sendable {
    public let name: String
    public let objective: Objective
    /// Objectives after the first (a multi-objective sweep) and the constraints on metrics.
    public let moreObjectives: [Objective]
    public let constraints: [Constraint]
    public let metricNames: [String]
    /// Task folds that score a trial (its objective's mean is over these).
    public let folds: Int
    /// Tasks per trial: `folds`, and with nested CV each outer fold's inner folds after them.
    public let taskFolds: Int
    public let trials: [Trial]
    public let records: [TaskID: TaskRecord]
    public let summaries: [TrialSummary]
    public let ranked: [TrialSummary]
    /// Multi-objective: the succeeded, feasible trials no other such trial dominates, best on
    /// the first objective first (ties as `ranked`). Empty for a single objective.
    public private(set) var front: [TrialSummary] = []
    /// Seconds the coordinator served (the last session's, after a resume; so far, while it runs).
    public let wallSeconds: Double
    public let state: RunState
    /// The refit of the best configuration, when the sweep finished with one.
    public var refit: RefitOutcome?
    /// Nested CV's estimate (cv.outer), when the sweep finished with one recorded.
    public var nested: NestedOutcome?
    /// The search: its algorithm, why it stopped suggesting, and the trials stopped early.
    public var algorithm = ""
    public var searchEnded: String?
    public var stops: [StoppedTrial] = []
    /// Workers paused after failing where others succeeded, leases abandoned, workers refused
    /// and a fail-fast stop, in order (`kind: detail`), for the report's worker health section.
    public var healthEvents: [String] = []
    /// Trials of earlier sweeps the sampler learned from (`search.warm_start`), and what was
    /// taken and skipped from each source: never run here, never this sweep's best.
    public var priorTrials: [PriorTrial] = []
    public var warmStartNotes: [String] = []
    /// Command trainers' artifacts: what arrived in `artifacts/`, and what was lost or refused.
    public var artifacts: [String] = []
    /// Failed tasks that `sweep retry` ran again (their old counted failures, set aside).
    public var retried: [TaskRecord] = []

    public init(
        name: String, objective: Objective, metricNames: [String], folds: Int, trials: [Trial],
        records: [TaskID: TaskRecord], wallSeconds: Double, state: RunState, moreObjectives: [Objective] = [],
        constraints: [Constraint] = [], taskFolds: Int? = nil
    ) {
        self.taskFolds = taskFolds ?? folds
        self.name = name
        self.objective = objective
        self.moreObjectives = moreObjectives
        self.constraints = constraints
        self.metricNames = metricNames
        self.folds = folds
        self.trials = trials
        self.records = records
        self.wallSeconds = wallSeconds
        self.state = state
        summaries = Aggregation.summarize(
            trials: trials, records: records, folds: folds,
            metricNames: metricNames, objective: objective.metric)
        ranked = Aggregation.ranked(summaries, goal: objective.goal)
        workerUsage = Self.usage(records)
        front = moreObjectives.isEmpty ? [] : paretoFront()
    }

    /// Whether every task was counted.
    public var complete: Bool { state.isFinished }
    public var modelFile: String? { refit?.modelFile }
    public var modelNote: String? { refit?.note }
    public var holdout: [String: Double]? { refit?.holdout }
    public var holdoutRows: Int { refit?.holdoutRows ?? 0 }

    /// The best trial: best mean objective over its folds among the feasible ones; ties to the
    /// lower std, then the lower trial number (`Aggregation.ranked`). With several objectives,
    /// the front's best on the first one. The report, `sweep status` and the refit use this one.
    public var best: TrialSummary? { isMultiObjective ? front.first : ranked.first { isFeasible($0) } }

    /// Parameter names over all trials, sorted.
    public var paramNames: [String] { Array(Set(trials.flatMap(\.params.names))).sorted() }

    /// Tasks counted per (worker, host), most first (three sections show it: counted once).
    public let workerUsage: [(worker: String, host: String, tasks: Int, seconds: Double)]

    static func usage(_ records: [TaskID: TaskRecord]) -> [(worker: String, host: String, tasks: Int, seconds: Double)]
    {
        var usage: [WorkerPlace: (tasks: Int, seconds: Double)] = [:]
        for record in records.values where !record.worker.isEmpty {
            let place = WorkerPlace(worker: record.worker, host: record.host)
            usage[place, default: (0, 0)].tasks += 1
            usage[place, default: (0, 0)].seconds += record.duration
        }
        return usage.map { ($0.key.worker, $0.key.host, $0.value.tasks, $0.value.seconds) }
            .sorted { ($1.tasks, $0.worker, $0.host) < ($0.tasks, $1.worker, $1.host) }
    }

    /// Successful trials that beat every earlier one, in suggestion order: how the search went.
    public var improvements: [TrialSummary] {
        var best: Double?
        return summaries.filter { summary in
            guard !isMultiObjective, summary.status == .ok, isFeasible(summary), let mean = summary.objective?.mean,
                !mean.isNaN
            else { return false }
            guard best.map({ objective.goal.better(mean, than: $0) }) ?? true else { return false }
            best = mean
            return true
        }
    }

    /// Folds of stopped trials that never ran or were cut short.
    public var foldFitsSaved: Int { stops.reduce(0) { $0 + $1.dropped + $1.cancelled } }

    public var failures: [TaskRecord] {
        records.values.filter { $0.status == .failed }.sorted { $0.task < $1.task }
    }
}

/// Numbers as they appear in reports: up to 6 significant digits.
func format(_ value: Double) -> String {
    if value.isNaN { return "nan" }
    if value == value.rounded() && abs(value) < 1e15 { return String(Int(value)) }
    var text = CFormat.g(value, digits: 6)
    if text.contains("e") { return text }
    while text.contains(".") && text.hasSuffix("0") { text.removeLast() }
    return text
}
