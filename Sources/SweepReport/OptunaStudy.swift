import SweepCore

/// A sweep as the rows of an optuna study (optuna's RDB storage, `optuna/storages/_rdb/models.py`):
/// what `optuna.load_study` turns back into `FrozenTrial`s. Pure: the run database's facts come
/// in, rows go out; `OptunaStorage` (SweepRuntime) writes them.
///
/// What maps to what:
/// - directions: one per objective (`objective`, then `objectives:` beyond it); the study's
///   metric names (system attribute `study:metric_names`) are the objectives' metrics.
/// - a trial's state: every fold counted and scored → COMPLETE with each objective's mean over
///   the folds; stopped early → PRUNED, valued by its last intermediate value where it has one
///   (as optuna values a pruned trial of a single objective); failed → FAIL; still to finish →
///   RUNNING once a fold was dispatched, else WAITING.
/// - params: each active parameter with its distribution from the spec's space (uniform and
///   log-uniform → FloatDistribution with its `step`, int → IntDistribution with its `step` and
///   `log`, values → CategoricalDistribution, a constant → a one-choice CategoricalDistribution),
///   valued in optuna's internal representation (a float; a categorical's index into its choices).
/// - intermediate values: the objective reported at each step by fold 0 (the fold that early
///   stopping judges), from the attempt that was counted.
/// - constraints (`constraints:`): optuna's system attribute `constraints` of a COMPLETE trial,
///   one value per constraint, ≤ 0 when met (as optuna's `constraints_func`), so optuna's plots
///   and samplers tell feasible trials from the others.
/// - user attributes: `sweep_trial`, `folds_<metric>` (per-fold scores, null where a fold has
///   none), `workers` and `hosts` per fold, and `error` or `stopped` with the reason.
public struct OptunaStudy: Sendable {
    public struct Param: Sendable, Equatable {
        public var name: String
        public var internalValue: Double
        public var distributionJSON: String
    }

    public enum State: String, Sendable {
        case running = "RUNNING"
        case complete = "COMPLETE"
        case pruned = "PRUNED"
        case fail = "FAIL"
        case waiting = "WAITING"
    }

    public struct Trial: Sendable {
        public var number: Int
        public var state: State
        /// Seconds since 1970 (UTC).
        public var start: Double?
        public var complete: Double?
        public var params: [Param]
        public var values: [Double]
        public var intermediate: [(step: Int, value: Double)]
        /// Keys and their values as JSON text.
        public var userAttributes: [(key: String, json: String)]
        /// optuna's own attributes: `constraints` (one value per constraint, ≤ 0 when met).
        public var systemAttributes: [(key: String, json: String)] = []
    }

    /// When a trial's folds were first dispatched and last counted, from the run database.
    public struct Times: Sendable {
        public var firstDispatch: Double?
        public var lastCounted: Double?

        public init(firstDispatch: Double?, lastCounted: Double?) {
            self.firstDispatch = firstDispatch
            self.lastCounted = lastCounted
        }
    }

    public var directions: [Goal]
    public var metricNames: [String]
    public var userAttributes: [(key: String, json: String)]
    public var trials: [Trial]

    /// The study of `run`, whose spec is `spec`. `reports` are fold 0's intermediate values per
    /// trial in step order. Throws when a trial's value lies outside the spec's space.
    public init(
        run: RunSummary, spec: Spec, times: [Int: Times], reports: [Int: [(step: Int, value: Double)]]
    ) throws {
        directions = spec.objectives.map(\.goal)
        metricNames = spec.objectives.map(\.metric)
        userAttributes = [
            ("sweep_name", jsonQuoted(run.name)), ("sweep_algorithm", jsonQuoted(run.algorithm)),
            ("sweep_folds", String(run.folds)),
        ]
        let distributions = Dictionary(
            spec.space.map { ($0.name, OptunaDistribution($0)) }, uniquingKeysWith: { first, _ in first })
        trials = try run.summaries.map { summary in
            try Self.trial(
                summary, run: run, objectives: spec.objectives, distributions: distributions,
                times: times[summary.trial.number] ?? Times(firstDispatch: nil, lastCounted: nil),
                reports: reports[summary.trial.number] ?? [])
        }
        if !spec.constraints.isEmpty {
            for index in trials.indices where trials[index].state == .complete {
                let records = (0..<run.folds).map { run.records[TaskID(trial: trials[index].number, fold: $0)] }
                let values = spec.constraints.map { Self.constraintValue($0, records: records) }
                trials[index].systemAttributes.append(("constraints", JSONList.numbers(values, infinity: "Infinity")))
            }
        }
    }

    static func trial(
        _ summary: TrialSummary, run: RunSummary, objectives: [Objective],
        distributions: [String: OptunaDistribution], times: Times, reports: [(step: Int, value: Double)]
    ) throws -> Trial {
        let number = summary.trial.number
        let params = try summary.trial.params.entries.map { entry in
            guard let distribution = distributions[entry.name] else {
                throw ExportError(
                    description: "trial \(number) has a parameter '\(entry.name)' that the spec's space does not have")
            }
            return Param(
                name: entry.name, internalValue: try distribution.internalValue(entry.value, trial: number),
                distributionJSON: distribution.json)
        }
        let records = (0..<run.folds).map { run.records[TaskID(trial: number, fold: $0)] }
        var state: State
        var values: [Double] = []
        var attributes = [("sweep_trial", String(number))]
        switch summary.status {
        case .ok:
            values = objectives.map { objective in
                MeanStd(records.map { $0?.metrics[objective.metric] ?? .nan }).mean
            }
            state = values.contains(where: \.isNaN) ? .fail : .complete
            if state == .fail {
                values = []
                attributes.append(("error", jsonQuoted("an objective's mean over the folds is not a number")))
            }
        case .stopped:
            state = .pruned
            // optuna values a pruned trial of a single objective only (it prunes no other).
            if objectives.count == 1, let last = reports.last, !last.value.isNaN { values = [last.value] }
            attributes.append(("stopped", jsonQuoted(summary.error ?? "stopped early")))
        case .failed:
            state = .fail
            attributes.append(("error", jsonQuoted(summary.error ?? "failed")))
        case .incomplete:
            state = times.firstDispatch == nil ? .waiting : .running
        }
        for metric in run.metricNames {
            let scores = records.map { $0?.status == .ok ? $0?.metrics[metric] : nil }
            attributes.append(("folds_\(metric)", JSONList.numbers(scores)))
        }
        attributes.append(("workers", JSONList.strings(records.map { $0.flatMap(Self.ran)?.worker })))
        attributes.append(("hosts", JSONList.strings(records.map { $0.flatMap(Self.ran)?.host })))
        let finished = state != .running && state != .waiting
        let complete = finished ? (times.lastCounted ?? times.firstDispatch) : nil
        return Trial(
            number: number, state: state, start: times.firstDispatch ?? complete, complete: complete,
            params: params, values: values, intermediate: reports, userAttributes: attributes)
    }

    /// A constraint as optuna's `constraints_func` returns it: ≤ 0 when the metric's mean over the
    /// folds lies within the bounds, else how far outside; +∞ when a fold lacks the metric.
    static func constraintValue(_ constraint: Constraint, records: [TaskRecord?]) -> Double {
        let mean = MeanStd(records.map { $0?.metrics[constraint.metric] ?? .nan }).mean
        guard !mean.isNaN else { return .infinity }
        return max(constraint.min.map { $0 - mean } ?? -.infinity, constraint.max.map { mean - $0 } ?? -.infinity)
    }

    /// A record of a task that ran on a worker (a fold dropped before it ran has none).
    private static func ran(_ record: TaskRecord) -> TaskRecord? { record.worker.isEmpty ? nil : record }
}
