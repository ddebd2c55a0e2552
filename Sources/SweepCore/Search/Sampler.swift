/// Proposes configurations: one plug-in per `search.algorithm` (after optuna's sampler interface).
///
/// Call order: the search driver asks `suggest` when a worker slot is free and no task is queued,
/// numbering trials from 0. A suggestion the sweep already holds is discarded and `suggest` is
/// asked again with the next `attempt`, so no configuration is evaluated twice. Samplers that do
/// not read `history` (grid, random, sobol) give the same sequence for the same seed however
/// workers and timing go; a resumed sweep replays them to their position.
public protocol Sampler: Sendable {
    /// The configuration for trial `number` (nil: the sampler has nothing more to offer).
    mutating func suggest(number: Int, attempt: Int, history: SearchHistory) -> Params?
    /// Whether suggestions depend on results (then a resume takes the recorded ones as they are).
    var readsHistory: Bool { get }
}

extension Sampler {
    public var readsHistory: Bool { false }
}

/// What the sampler knows of every trial so far. Values are losses: lower is better whatever
/// the goal, so samplers need not know it.
///
/// `entries` holds the trials a sampler learns from: first the *prior* trials (warm start: trials
/// of earlier sweeps, never run here, `number` −1), then this sweep's trials in number order.
/// Samplers index `entries` by position; `entry(n)`, `set(n, _)` and `count` speak of this
/// sweep's trial numbers only.
public struct SearchHistory: Sendable {
    public enum State: Sendable, Equatable {
        case running
        /// Every fold finished: the mean objective, as a loss (the first objective's, when there
        /// are several).
        case complete(Double)
        /// Stopped early; the last intermediate loss, if any, ranks it among the stopped.
        case pruned(Double?)
        case failed
    }

    public struct Entry: Sendable {
        /// This sweep's trial number; −1 for a prior trial.
        public let number: Int
        public let params: Params
        public var state: State
        /// Multi-objective sweeps: the mean loss of every objective, in `objectives` order, once
        /// the trial is complete (nil otherwise, and for single-objective sweeps).
        public var losses: [Double]?
        /// Constraints: how far the trial is from feasible (the sum of the amounts by which its
        /// constrained metrics miss their bounds; 0 when feasible). nil: no constraints, or not
        /// complete.
        public var violation: Double?

        public init(number: Int, params: Params, state: State, losses: [Double]? = nil, violation: Double? = nil) {
            self.number = number
            self.params = params
            self.state = state
            self.losses = losses
            self.violation = violation
        }
    }

    public private(set) var entries: [Entry] = []
    /// How many of `entries` are prior trials (they come first).
    public private(set) var priorCount = 0

    public init() {}

    /// A trial of an earlier sweep to learn from (warm start): only before this sweep's first trial.
    public mutating func addPrior(_ entry: Entry) {
        precondition(count == 0, "prior trials come before this sweep's trials")
        entries.append(
            Entry(
                number: -1, params: entry.params, state: entry.state, losses: entry.losses, violation: entry.violation))
        priorCount += 1
    }

    public mutating func add(_ trial: Trial) {
        precondition(trial.number == count, "trials are added in number order")
        entries.append(Entry(number: trial.number, params: trial.params, state: .running))
    }

    /// This sweep's trial `number`.
    public func entry(_ number: Int) -> Entry { entries[priorCount + number] }

    public mutating func set(_ number: Int, _ state: State) {
        entries[priorCount + number].state = state
    }

    /// Records a complete trial's losses of every objective and its constraint violation.
    public mutating func setOutcome(_ number: Int, losses: [Double]?, violation: Double?) {
        entries[priorCount + number].losses = losses
        entries[priorCount + number].violation = violation
    }

    /// This sweep's trials (prior ones not counted).
    public var count: Int { entries.count - priorCount }
}

/// Every combination, in scikit-learn's ParameterGrid order (see `GridSampler.trials`).
public struct GridSampler: Sampler {
    let configurations: [Params]

    public init(_ space: SearchSpace) {
        configurations = Self.trials(space.dimensions).map(\.params)
    }

    public func suggest(number: Int, attempt: Int, history: SearchHistory) -> Params? {
        // The list is already free of duplicates, so trial n is the n-th combination.
        let index = number + attempt
        return index < configurations.count ? configurations[index] : nil
    }

    /// Every combination of the space's discrete values, in a fixed order: the first dimension
    /// (by name) varies slowest, as in scikit-learn's ParameterGrid. Dimensions a condition turns
    /// off are left out, and the duplicates that leaves are dropped.
    public static func trials(_ space: [Dimension]) -> [Trial] {
        let dimensions = space.sorted { $0.name < $1.name }
        let lists = dimensions.map { $0.discreteValues ?? [] }
        precondition(lists.allSatisfy { !$0.isEmpty }, "grid dimensions are validated to be finite and non-empty")
        var combinations: [[String: ParamValue]] = [[:]]
        for (dimension, values) in zip(dimensions, lists) {
            combinations = combinations.flatMap { partial in
                values.map { value in
                    var next = partial
                    next[dimension.name] = value
                    return next
                }
            }
        }
        var seen = Set<Params>()
        var trials: [Trial] = []
        let ordered = SearchSpace(space).dimensions
        for combination in combinations {
            var active: [String: ParamValue] = [:]
            for dimension in ordered where SearchSpace.isActive(dimension, in: active) {
                active[dimension.name] = combination[dimension.name]
            }
            let params = Params(active)
            if seen.insert(params).inserted { trials.append(Trial(number: trials.count, params: params)) }
        }
        return trials
    }
}
