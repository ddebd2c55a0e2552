import Foundation

/// A validated sweep specification: the user contract (see README, "The spec").
public struct Spec: Sendable {
    public var name: String
    public var data: DataSpec?
    public var cv: CVSpec
    public var trainer: TrainerSpec
    public var search: SearchSpec
    public var space: [Dimension]
    /// The objective, or the first of several (`objectives:`): what single-objective code optimizes.
    public var objective: Objective
    /// `objectives:` — every objective beyond the first, for a multi-objective sweep (2–3 in all).
    public var moreObjectives: [Objective] = []
    /// `constraints:` — bounds on reported metrics; a trial that misses one is infeasible.
    public var constraints: [Constraint] = []
    public var limits: Limits
    /// Refit the best configuration on all the data after the search (built-in models).
    public var refit: Bool = true
    /// A command trainer's program runs once more only when the spec says `refit: true` (it must
    /// know SWEEP_REFIT; programs written before it would fail without a validation file).
    public var refitsCommand: Bool { refit && lines["refit"] != nil }
    /// `early_stopping:` — stop unpromising trials before all their folds or steps are done.
    public var earlyStopping: EarlyStopping?
    /// Line of each field in the spec file ("data.target" → 2), for later error messages.
    public var lines: [String: Int]

    /// The task type: from `data`, else classification (only a model that needs no data, or a
    /// command, runs without it).
    public var task: TaskType { data?.task ?? .classification }

    /// Every metric a task of this sweep reports: the objectives first, then the constrained metrics.
    public var metricNames: [String] {
        let all =
            switch trainer {
            case .builtin(let builtin): builtin.model.ownMetrics ?? MetricInfo.standardNames(for: task)
            case .command: [objective.metric]
            }
        var names: [String] = []
        for name in objectives.map(\.metric) + constraints.map(\.metric) + all where !names.contains(name) {
            names.append(name)
        }
        return names
    }

    /// The metrics the search learns from, in the order of `SearchDriver.foldFinished`'s values:
    /// every objective, then every constraint's metric. A task must report each of them.
    public var searchedMetrics: [String] { objectives.map(\.metric) + constraints.map(\.metric) }

    /// Tasks per trial (with nested CV: the scored folds and every outer fold's inner folds).
    public var taskFolds: Int { cv.taskFolds }
    /// The task folds a trial's score, ranking and early stopping come from (the first
    /// `scoredFolds`; the rest are nested CV's, used only for the nested estimate).
    public var scoredFolds: Int { cv.scoredFolds }

    /// Every objective, the first being `objective`.
    public var objectives: [Objective] { [objective] + moreObjectives }
    /// Whether the sweep trades several objectives off (it then has a Pareto front, not one best).
    public var isMultiObjective: Bool { !moreObjectives.isEmpty }
}

public struct DataSpec: Sendable {
    /// As written in the spec: relative paths are relative to the spec file.
    public var path: String
    public var target: String
    public var task: TaskType
    /// Columns never used as features (identifiers, sensitive columns).
    public var drop: [String] = []
    /// How missing numbers are filled: mean, median or most_frequent (fitted per training fold).
    public var impute: String = "mean"
}

public struct CVSpec: Sendable {
    public var folds: Int
    public var stratified: Bool
    public var shuffle: Bool
    public var seed: UInt64
    /// Repeated k-fold: this many differently shuffled k-fold splits (tasks per trial = folds × repeats).
    public var repeats: Int = 1
    /// Group k-fold: rows with the same value of this column stay in one fold.
    public var group: String?
    /// Time-series split: train on the past, validate on the next block (file order).
    public var timeSeries: Bool = false
    /// A share of rows kept out of the search and scored once, at the end, by the refitted model.
    public var testSize: Double?
    /// Nested CV (`cv.outer`): this many outer folds, each searched again by the inner CV
    /// (`folds`) on its other rows, for an unbiased estimate of the whole procedure.
    public var outer: Int?

    public init(folds: Int, stratified: Bool, shuffle: Bool, seed: UInt64) {
        self.folds = folds
        self.stratified = stratified
        self.shuffle = shuffle
        self.seed = seed
    }

    /// Task folds whose scores rank the trial (the plain CV of all search rows).
    public var scoredFolds: Int { folds * repeats }
    /// Tasks per trial: the scored folds, then each outer fold's inner folds (nested CV).
    public var taskFolds: Int {
        // Saturating: an absurd cv.outer is refused by the wire limits, not by an overflow trap.
        let (product, overflow) = scoredFolds.multipliedReportingOverflow(by: 1 &+ min(outer ?? 0, Int.max - 1))
        return overflow ? Int.max : product
    }
}

public enum SearchAlgorithm: String, Sendable, CaseIterable {
    case grid, random, sobol, tpe, nsga2
}

public struct SearchSpec: Sendable {
    public var algorithm: SearchAlgorithm
    /// Budget: at most this many trials (required for random, sobol and tpe unless another budget is set).
    public var trials: Int?
    public var seed: UInt64
    /// Budget: no new trial starts after this many seconds of the sweep (running ones finish).
    public var timeLimit: Double?
    /// Budget: stop starting trials after this many trials in a row finished (every fold) without improving the best.
    public var stopAfterNoImprovement: Int?
    public var tpe = TPEOptions()
    /// `search.nsga2:` — NSGA-II's settings (algorithm: nsga2).
    public var nsga2 = NSGA2Options()
    /// `search.warm_start:` — run directories whose trials the sampler learns from (never re-run).
    public var warmStart: [String] = []
    /// `search.enqueue:` — configurations evaluated first, in order, before the sampler's.
    public var enqueue: [Params] = []

    public init(algorithm: SearchAlgorithm, trials: Int? = nil, seed: UInt64 = 0) {
        self.algorithm = algorithm
        self.trials = trials
        self.seed = seed
    }
}

/// `search.tpe:` — the Tree-structured Parzen Estimator's settings (defaults as optuna 5's:
/// multivariate for one objective, independent for several, constant liar on).
public struct TPEOptions: Sendable, Equatable {
    public var startupTrials = 10
    /// Draws from l per suggestion; nil: 64 for one objective, 24 (optuna's default) for several,
    /// where fewer draws keep the search spread along the front.
    public var candidates: Int?
    /// One mixture over all parameters (true) or one per parameter (false); nil: as optuna 5,
    /// joint for one objective and per parameter for several.
    public var multivariate: Bool?
    public var constantLiar = true

    public init() {}
}

public struct Objective: Sendable, Equatable {
    public var metric: String
    public var goal: Goal
    /// `objective.target`: the search stops once the best trial reaches this value.
    public var target: Double?

    public init(metric: String, goal: Goal, target: Double? = nil) {
        self.metric = metric
        self.goal = goal
        self.target = target
    }
}

/// `constraints: [{metric: latency_ms, max: 10}]` — a trial is feasible when its mean of `metric`
/// lies within the bounds given.
public struct Constraint: Sendable, Equatable {
    public var metric: String
    public var min: Double?
    public var max: Double?

    public init(metric: String, min: Double? = nil, max: Double? = nil) {
        self.metric = metric
        self.min = min
        self.max = max
    }

    /// How far `value` misses the bounds (0 when within them).
    public func violation(_ value: Double) -> Double {
        if value.isNaN { return .infinity }
        if let min, value < min { return min - value }
        if let max, value > max { return value - max }
        return 0
    }
}

public struct Limits: Sendable {
    public var taskTimeout: Double  // seconds
    /// Failed attempts per task before its trial is failed.
    public var maxAttempts: Int
    /// Leases a task may lose with their worker (worker dropped or restarted) before it is failed.
    public var maxLost: Int = 10
    /// `limits.max_parallel_trials`: at most this many trials have tasks running at once (nil: no cap).
    public var maxParallelTrials: Int?
    /// `limits.max_artifact_size`: bytes of `$SWEEP_ARTIFACTS` one task may send back.
    public var maxArtifactBytes: Int = 256 << 20
    /// `limits.prefetch`: tasks a worker is sent beyond its free slots, queued there so the next
    /// starts as one ends (short tasks no longer wait a round trip). One-cpu tasks without GPUs.
    public var prefetch: Prefetch = .auto
}

/// `limits.prefetch`: how many tasks a worker holds queued beyond its free slots.
public enum Prefetch: Sendable, Equatable {
    /// Enough to cover a round trip while tasks are short, none while they are not
    /// (`CoordinatorMachine.prefetchDepth`).
    case auto
    /// This many, whatever the tasks' length (0: none).
    case tasks(Int)
}

/// One search dimension.
///
/// `step` and `log` refine a numeric kind without new cases (as optuna's Float/IntDistribution):
/// a `step` makes `.uniform` or `.int` discrete (lo, lo + step, …, hi); `log` on `.int` draws
/// integers uniformly in log space. The parser keeps them exclusive and only on those kinds.
public struct Dimension: Sendable {
    public enum Kind: Sendable, Equatable {
        case constant(ParamValue)
        case values([ParamValue])
        case uniform(Double, Double)
        case logUniform(Double, Double)
        case int(Int, Int)
    }

    public var name: String
    public var kind: Kind
    /// `when: {parent: value}` — the dimension exists only where its parent takes one of these values.
    public var condition: Condition?
    /// `step:` of a `.uniform` or `.int` (an integer for `.int`; nil: none, or 1 for an int).
    public var step: Double?
    /// `log: true` of an `.int`: sampled uniformly in log space, then rounded.
    public var log: Bool
    /// `simpler: low | high` of a numeric dimension: which end gives the simpler model (a
    /// built-in model's default where the direction is textbook), for the one-standard-error rule.
    public var simpler: Simpler?

    /// Which end of a numeric range gives the simpler (more regularised, smaller) model.
    public enum Simpler: String, Sendable, CaseIterable { case low, high }

    public init(
        name: String, kind: Kind, condition: Condition? = nil, step: Double? = nil, log: Bool = false,
        simpler: Simpler? = nil
    ) {
        self.name = name
        self.kind = kind
        self.condition = condition
        self.step = step
        self.log = log
        self.simpler = simpler
    }

    /// Whether its values are numbers with an order (a range, or a list of numbers): the
    /// dimensions `simpler:` may be given on.
    public var isOrdered: Bool {
        switch kind {
        case .uniform, .logUniform, .int: true
        case .values(let values): values.allSatisfy { $0.number != nil }
        case .constant: false
        }
    }

    /// The finite list of values, when the dimension has one.
    public var discreteValues: [ParamValue]? {
        switch kind {
        case .constant(let value): [value]
        case .values(let values): values
        case .int(let lo, let hi):
            if let step {
                stride(from: lo, through: hi, by: Int(step)).map { .int($0) }
            } else {
                (lo...hi).map { .int($0) }
            }
        case .uniform where step != nil: (0..<discreteCount!).map { steppedValue($0) }
        case .uniform, .logUniform: nil
        }
    }

    /// How many values a discrete dimension has, without building them.
    public var discreteCount: Int? {
        switch kind {
        case .constant: 1
        case .values(let values): values.count
        case .int(let lo, let hi): step.map { (hi - lo) / Int($0) + 1 } ?? hi - lo + 1
        case .uniform(let lo, let hi): step.map { Int(((hi - lo) / $0).rounded()) + 1 }
        case .logUniform: nil
        }
    }

    /// The `index`-th value of a stepped dimension (lo + index × step), a float rounded to the
    /// decimals of lo and step so that 0.1 × 3 reads 0.3, as the user wrote the grid.
    public func steppedValue(_ index: Int) -> ParamValue {
        switch kind {
        case .int(let lo, let hi): return .int(min(hi, lo + index * Int(step ?? 1)))
        case .uniform(let lo, let hi):
            let step = step ?? (hi - lo)
            let raw = min(hi, lo + Double(index) * step)
            let digits = max(Self.decimals(lo), Self.decimals(step))
            guard digits <= 12 else { return .double(raw) }
            let scale = pow(10, Double(digits))
            return .double(min(hi, max(lo, (raw * scale).rounded() / scale)))
        default: return discreteValues?[index] ?? .int(0)
        }
    }

    /// Decimal places of a number's shortest text ("0.25" → 2, "1e-05" → 5, "3" → 0).
    static func decimals(_ value: Double) -> Int {
        let text = formatNumber(value)
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            let exponent = Int(text[text.index(after: e)...]) ?? 0
            let mantissa = text[..<e]
            let fraction =
                mantissa.firstIndex(of: ".").map { mantissa.distance(from: $0, to: mantissa.endIndex) - 1 } ?? 0
            return max(0, fraction - exponent)
        }
        return text.firstIndex(of: ".").map { text.distance(from: $0, to: text.endIndex) - 1 } ?? 0
    }
}

/// A dimension's condition: it is active only where `parent` takes one of `values`.
public struct Condition: Sendable, Equatable {
    public var parent: String
    public var values: [ParamValue]

    public init(parent: String, values: [ParamValue]) {
        self.parent = parent
        self.values = values
    }
}

/// `early_stopping:` — which rule stops unpromising trials, with its settings.
public enum EarlyStopping: Sendable, Equatable {
    /// Asynchronous successive halving over intermediate reports.
    case asha(ASHAOptions)
    /// Stop a trial whose intermediate value is worse than the median of the others at that step.
    case median(MedianOptions)
    /// Eliminate a trial once a paired test over its finished folds says it loses to the incumbent.
    case racing(RacingOptions)
}

extension EarlyStopping {
    public var name: String {
        switch self {
        case .asha: "asha"
        case .median: "median"
        case .racing: "racing"
        }
    }
}

public struct ASHAOptions: Sendable, Equatable {
    /// The unit of the `step` in intermediate reports (epochs, iterations or step): for the report.
    public var resource = "step"
    public var minResource = 1
    public var maxResource: Int
    public var reductionFactor = 3

    public init(maxResource: Int) { self.maxResource = maxResource }
}

public struct MedianOptions: Sendable, Equatable {
    /// Trials finished before any is stopped.
    public var startupTrials = 5
    /// Steps reported before a trial may be stopped.
    public var warmupSteps = 0

    public init() {}
}

public struct RacingOptions: Sendable, Equatable {
    public enum Test: String, Sendable, CaseIterable { case ttest, wilcoxon }
    public var minFolds = 3
    public var alpha = 0.05
    public var test = Test.ttest

    public init() {}
}

extension Spec {
    /// How a trial is validated, in words, when it is not plain k-fold CV of the data (for
    /// `sweep validate` and the coordinator's log): what a fold is without data, or holdout.
    public var validationNote: String? {
        if let note = nestedNote { return note }
        if data == nil, trainer.isCommand {
            let folds = taskFolds
            return folds == 1
                ? "no data: one run of your program per trial (SWEEP_FOLD=0, SWEEP_FOLDS=1)"
                : "no data: each fold is one run of your program (SWEEP_FOLD=0…\(folds - 1), SWEEP_FOLDS=\(folds); use it as a seed or for your own split)"
        }
        if data != nil, cv.folds == 1, let share = cv.testSize {
            let runs = cv.repeats == 1 ? "" : " (\(cv.repeats) differently drawn shares)"
            return
                "holdout validation: each trial trains on the other rows and is validated on \(formatNumber(share * 100)) % of them\(runs)"
        }
        return nil
    }
}
