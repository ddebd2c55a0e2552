/// The search as one pure value: which trial comes next, when the budget is spent, and which
/// running trials an early-stopping rule stops. The coordinator's state machine owns it and
/// feeds it fold results and intermediate reports as they are counted; it never reads a clock
/// (time comes in as `now`) and draws randomness only from generators seeded by the spec.
///
/// Values arrive as the objective metrics (then the constrained metrics) and are turned into
/// losses (lower is better) here, so samplers and stopping rules need not know the goals. A
/// trial's outcome is the mean of each value over its folds: the first objective's loss (what
/// single-objective code ranks by), every objective's loss, and its constraint violation.
/// "Best" means feasible: an infeasible trial never improves the best, never becomes racing's
/// incumbent and never joins median stopping's medians. With several objectives, a trial
/// "improves" when it changes the Pareto front of the feasible trials.
public struct SearchDriver: Sendable {
    public struct Configuration: Sendable {
        public var space: [Dimension]
        public var algorithm: SearchAlgorithm
        public var seed: UInt64
        public var tpe: TPEOptions
        public var nsga2 = NSGA2Options()
        public var trials: Int?
        public var timeLimit: Double?
        /// End after this many trials in a row finish every fold without improving the best.
        public var stopAfterNoImprovement: Int?
        public var goal: Goal
        /// The objectives after the first (whose goal is `goal`): a multi-objective search.
        public var moreObjectives: [Objective] = []
        /// Bounds on the values that follow the objectives in `foldFinished`.
        public var constraints: [Constraint] = []
        /// Tasks per trial: a trial is finished when this many fold results are in.
        public var folds: Int
        public var earlyStopping: EarlyStopping?
        /// A fixed list of trials to run in order, instead of a sampler (tests, benchmarks).
        public var fixed: [Trial]?
        /// Trials of earlier sweeps the sampler learns from (`search.warm_start`), in order.
        public var prior: [SearchHistory.Entry] = []
        /// Configurations to evaluate first (`search.enqueue`); missing parameters are drawn.
        public var enqueue: [Params] = []
        /// `objective.target`: no trial starts once a complete trial's mean reaches this value.
        public var target: Double?

        public init(
            space: [Dimension], algorithm: SearchAlgorithm, seed: UInt64 = 0, tpe: TPEOptions = TPEOptions(),
            trials: Int? = nil, timeLimit: Double? = nil, stopAfterNoImprovement: Int? = nil,
            goal: Goal = .maximize, folds: Int = 1, earlyStopping: EarlyStopping? = nil
        ) {
            self.space = space
            self.algorithm = algorithm
            self.seed = seed
            self.tpe = tpe
            self.trials = trials
            self.timeLimit = timeLimit
            self.stopAfterNoImprovement = stopAfterNoImprovement
            self.goal = goal
            self.folds = folds
            self.earlyStopping = earlyStopping
        }

        /// Every objective's goal, the first being `goal`.
        public var goals: [Goal] { [goal] + moreObjectives.map(\.goal) }
        /// How many values `foldFinished` takes: one per objective, then one per constraint.
        public var valueCount: Int { 1 + moreObjectives.count + constraints.count }

        /// A search over exactly these trials.
        public static func fixed(_ trials: [Trial], folds: Int, goal: Goal = .maximize) -> Configuration {
            var configuration = Configuration(space: [], algorithm: .grid, goal: goal, folds: folds)
            configuration.fixed = trials
            return configuration
        }
    }

    public let configuration: Configuration
    var sampler: any Sampler
    public internal(set) var history = SearchHistory()
    var seen = Set<Params>()
    /// Values of the finished folds of running trials: trial → fold → values.
    var foldValues: [Int: [Int: [Double]]] = [:]
    /// Losses of the feasible complete trials no other dominates (multi-objective).
    var front: [[Double]] = []
    var startedAt: Double?
    /// Seconds the search ran in earlier runs of a resumed sweep (counted by `time_limit`).
    public var elapsedBefore = 0.0
    public private(set) var bestLoss = Double.infinity
    var finishedSinceImprovement = 0
    /// Why no further trial will start (nil while the search goes on).
    public private(set) var exhausted: String?
    var asha: SuccessiveHalving?
    var median: MedianStopping?
    var racing: Racing?
    /// The enqueued configurations, complete and without duplicates: trials 0..<queue.count.
    var queue: [Params] = []

    public init(_ configuration: Configuration) {
        self.configuration = configuration
        let space = SearchSpace(configuration.space)
        if let fixed = configuration.fixed {
            sampler = FixedSampler(trials: fixed.map(\.params))
        } else {
            switch configuration.algorithm {
            case .grid: sampler = GridSampler(space)
            case .random: sampler = RandomSampler(space, seed: configuration.seed)
            case .sobol: sampler = SobolSampler(space, seed: configuration.seed)
            case .tpe: sampler = TPESampler(space, seed: configuration.seed, options: configuration.tpe)
            case .nsga2: sampler = NSGA2Sampler(space, seed: configuration.seed, options: configuration.nsga2)
            }
        }
        switch configuration.earlyStopping {
        case .asha(let options): asha = SuccessiveHalving(options)
        case .median(let options): median = MedianStopping(options)
        case .racing(let options): racing = Racing(options, folds: configuration.folds)
        case nil: break
        }
        startQueue()
    }

    /// The next trial to start, or nil once a budget is spent or the sampler has nothing new.
    public mutating func nextTrial(now: Double) -> Trial? {
        startClock(now: now)
        checkBudgets(now: now)
        guard exhausted == nil else { return nil }
        let number = history.count
        if let queued = nextQueued() { return queued }
        for attempt in 0..<100 {
            guard let params = sampler.suggest(number: samplerNumber(number), attempt: attempt, history: history)
            else {
                exhausted = number == 0 ? "the space is empty" : "every configuration of the space was tried"
                return nil
            }
            if seen.insert(params).inserted {
                let trial = Trial(number: number, params: params)
                history.add(trial)
                return trial
            }
        }
        exhausted = "100 suggestions in a row were configurations already tried: the space looks exhausted"
        return nil
    }

    /// Brings a resumed search to where it was: a trial the run database recorded, in order.
    public mutating func replay(_ trial: Trial) {
        precondition(trial.number == history.count, "recorded trials are replayed in number order")
        // An enqueued trial never asked the sampler, so its replay must not advance it either.
        if !sampler.readsHistory && trial.number >= queue.count {
            // Advance the sampler's own state exactly as the first run did.
            for attempt in 0..<100 {
                guard
                    let params = sampler.suggest(
                        number: samplerNumber(trial.number), attempt: attempt, history: history)
                else {
                    break
                }
                if !seen.contains(params) { break }
            }
        }
        seen.insert(trial.params)
        history.add(trial)
    }

    mutating func checkBudgets(now: Double) {
        guard exhausted == nil else { return }
        if let limit = configuration.trials, history.count >= limit {
            exhausted = "the trials budget (\(limit)) is spent"
        } else if let limit = configuration.timeLimit, let startedAt, now - startedAt >= limit {
            exhausted = "the time limit (\(formatNumber(limit)) s) is reached"
        } else if let patience = configuration.stopAfterNoImprovement, finishedSinceImprovement >= patience {
            let change = configuration.moreObjectives.isEmpty ? "improving the best" : "changing the Pareto front"
            exhausted = "\(patience) trials in a row finished without \(change)"
        }
    }

    /// Starts counting the search's time (`time_limit`), from where earlier runs left it.
    public mutating func startClock(now: Double) {
        if startedAt == nil { startedAt = now - elapsedBefore }
    }

    /// Seconds the search has run, earlier runs included (nil: no trial suggested yet).
    public func elapsed(now: Double) -> Double? { startedAt.map { now - $0 } }

    /// When `time_limit` ends the search (nil: no limit, or no trial suggested yet).
    public var timeLimitDeadline: Double? {
        guard exhausted == nil, let limit = configuration.timeLimit, let startedAt else { return nil }
        return startedAt + limit
    }

    /// Whether a budget or the sampler has ended the search (time included).
    public mutating func isExhausted(now: Double) -> Bool {
        checkBudgets(now: now)
        return exhausted != nil
    }

    func loss(_ value: Double) -> Double { configuration.goal == .maximize ? -value : value }

    /// The objectives' values as losses (the constrained metrics after them are left out).
    func losses(_ values: [Double]) -> [Double] { zip(configuration.goals, values).map { $0 == .maximize ? -$1 : $1 } }

    /// A fold of a trial finished with its objective value (nil: it failed); for a search with
    /// one objective and no constraints.
    public mutating func foldFinished(trial: Int, fold: Int, value: Double?) -> [StopDecision] {
        foldFinished(trial: trial, fold: fold, values: value.map { [$0] })
    }

    /// A fold of a trial finished with these values: every objective's, then every constrained
    /// metric's (nil: the fold failed, and with it the trial).
    public mutating func foldFinished(trial: Int, fold: Int, values: [Double]?) -> [StopDecision] {
        guard trial < history.count, history.entry(trial).state == .running else { return [] }
        guard let values else {
            foldValues.removeValue(forKey: trial)
            history.set(trial, .failed)
            racing?.trialDropped(trial)
            median?.trialDropped(trial)
            return []
        }
        precondition(values.count == configuration.valueCount, "one value per objective and constraint")
        foldValues[trial, default: [:]][fold] = values
        let folds = foldValues[trial]!
        let firstLoss = losses(values)[0]
        var decisions: [StopDecision] = []
        if folds.count >= configuration.folds {
            foldValues.removeValue(forKey: trial)
            decisions = complete(trial, folds)
        } else if let decision = racing?.foldFinished(trial: trial, fold: fold, loss: firstLoss) {
            decisions = [decision]
        }
        for decision in decisions { stop(decision) }
        return decisions
    }

    /// Every fold of a trial is in: its outcome goes to the history, the best or the front, and
    /// the stopping rules.
    mutating func complete(_ trial: Int, _ folds: [Int: [Double]]) -> [StopDecision] {
        // In fold order, so the means are the same bits however results arrived (and on resume).
        let rows = folds.sorted { $0.key < $1.key }.map(\.value)
        let means = (0..<configuration.valueCount).map { index in
            rows.reduce(0) { $0 + $1[index] } / Double(rows.count)
        }
        let goals = configuration.goals
        let losses = self.losses(means)
        let violation: Double? =
            configuration.constraints.isEmpty
            ? nil : zip(configuration.constraints, means[goals.count...]).reduce(0) { $0 + $1.0.violation($1.1) }
        let feasible = (violation ?? 0) == 0
        history.set(trial, .complete(losses[0]))
        history.setOutcome(trial, losses: goals.count > 1 ? losses : nil, violation: violation)
        if feasible { median?.trialFinished(trial) } else { median?.trialDropped(trial) }
        let improved = feasible && (goals.count > 1 ? joinFront(losses) : losses[0] < bestLoss)
        if improved && goals.count == 1 { bestLoss = losses[0] }
        // `objective.target` (one objective): the best feasible trial reached it; no trial starts.
        if improved, goals.count == 1, exhausted == nil, let target = configuration.target,
            losses[0] <= loss(target)
        {
            exhausted = "the target (\(formatNumber(target))) was reached by trial \(trial)"
        }
        trialEnded(improved: improved)
        guard racing != nil else { return [] }
        guard feasible else {
            racing!.trialDropped(trial)
            return []
        }
        let foldLosses = folds.mapValues { self.losses($0)[0] }
        return racing!.trialFinished(trial, losses: foldLosses)
    }

    /// Adds a feasible trial's losses to the front, if no point of it is as good everywhere;
    /// returns whether the front changed.
    mutating func joinFront(_ losses: [Double]) -> Bool {
        guard losses.allSatisfy({ !$0.isNaN }),
            !front.contains(where: { point in zip(point, losses).allSatisfy { $0 <= $1 } })
        else { return false }
        front.removeAll { Pareto.dominates(losses, $0) }
        front.append(losses)
        return true
    }

    /// Points on the Pareto front of the feasible trials so far (multi-objective; equal points once).
    public var frontSize: Int { front.count }

    /// The fold whose intermediate reports asha and median stopping judge a trial by.
    public static let judgedFold = 0

    /// An intermediate report of a running trial's fold. Only the judged fold's reports count:
    /// every trial then faces each rung (or median) once, on the same rows as the others —
    /// judging every fold would give a mediocre trial k chances to be stopped.
    public mutating func intermediate(trial: Int, fold: Int, step: Int, value: Double) -> StopDecision? {
        guard fold == Self.judgedFold, trial < history.count, history.entry(trial).state == .running else {
            return nil
        }
        let loss = loss(value)
        var decision: StopDecision?
        if asha != nil { decision = asha!.report(trial: trial, fold: fold, step: step, loss: loss) }
        if median != nil { decision = median!.report(trial: trial, fold: fold, step: step, loss: loss) }
        if let decision { stop(decision, lastLoss: loss) }
        return decision
    }

    /// Applies a stop (decided here, or recorded by an earlier run of the sweep).
    public mutating func stop(_ decision: StopDecision, lastLoss: Double? = nil) {
        guard decision.trial < history.count, history.entry(decision.trial).state == .running else { return }
        let known = foldValues.removeValue(forKey: decision.trial).map { folds in
            folds.sorted { $0.key < $1.key }.reduce(0) { $0 + loss($1.value[0]) } / Double(folds.count)
        }
        history.set(decision.trial, .pruned(lastLoss ?? known))
        racing?.trialDropped(decision.trial)
        median?.trialDropped(decision.trial)
    }

    /// Only trials with every fold in count for `stop_after_no_improvement`: a stopped or
    /// failed trial has no mean to compare.
    mutating func trialEnded(improved: Bool) {
        finishedSinceImprovement = improved ? 0 : finishedSinceImprovement + 1
    }
}

/// Runs a given list of configurations in order.
struct FixedSampler: Sampler {
    let trials: [Params]

    func suggest(number: Int, attempt: Int, history: SearchHistory) -> Params? {
        let index = number + attempt
        return index < trials.count ? trials[index] : nil
    }
}
