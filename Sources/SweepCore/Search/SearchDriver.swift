/// The search as one pure value: which trial comes next, when the budget is spent, and which
/// running trials an early-stopping rule stops. The coordinator's state machine owns it and
/// feeds it fold results and intermediate reports as they are counted; it never reads a clock
/// (time comes in as `now`) and draws randomness only from generators seeded by the spec.
///
/// Values arrive as the objective metric and are turned into losses (lower is better) here, so
/// samplers and stopping rules need not know the goal.
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
        /// Tasks per trial: a trial is finished when this many fold results are in.
        public var folds: Int
        public var earlyStopping: EarlyStopping?
        /// A fixed list of trials to run in order, instead of a sampler (tests, benchmarks).
        public var fixed: [Trial]?
        /// Trials of earlier sweeps the sampler learns from (`search.warm_start`), in order.
        public var prior: [SearchHistory.Entry] = []
        /// Configurations to evaluate first (`search.enqueue`); missing parameters are drawn.
        public var enqueue: [Params] = []

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
    var foldLosses: [Int: [Int: Double]] = [:]
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
            exhausted = "\(patience) trials in a row finished without improving the best"
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

    /// A fold of a trial finished with this objective value (nil: it failed).
    public mutating func foldFinished(trial: Int, fold: Int, value: Double?) -> [StopDecision] {
        guard trial < history.count, history.entry(trial).state == .running else { return [] }
        guard let value else {
            history.set(trial, .failed)
            racing?.trialDropped(trial)
            median?.trialDropped(trial)
            return []
        }
        let loss = loss(value)
        foldLosses[trial, default: [:]][fold] = loss
        var decisions: [StopDecision] = []
        let losses = foldLosses[trial]!
        if losses.count >= configuration.folds {
            let mean = losses.values.reduce(0, +) / Double(losses.count)
            history.set(trial, .complete(mean))
            foldLosses.removeValue(forKey: trial)
            median?.trialFinished(trial)
            let improved = mean < bestLoss
            if improved { bestLoss = mean }
            trialEnded(improved: improved)
            if let found = racing?.trialFinished(trial, losses: losses) { decisions = found }
        } else if let decision = racing?.foldFinished(trial: trial, fold: fold, loss: loss) {
            decisions = [decision]
        }
        for decision in decisions { stop(decision) }
        return decisions
    }

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
        let known = foldLosses.removeValue(forKey: decision.trial).map { $0.values.reduce(0, +) / Double($0.count) }
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
