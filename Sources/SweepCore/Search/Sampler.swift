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
public struct SearchHistory: Sendable {
    public enum State: Sendable, Equatable {
        case running
        /// Every fold finished: the mean objective, as a loss.
        case complete(Double)
        /// Stopped early; the last intermediate loss, if any, ranks it among the stopped.
        case pruned(Double?)
        case failed
    }

    public struct Entry: Sendable {
        public let number: Int
        public let params: Params
        public var state: State
    }

    public private(set) var entries: [Entry] = []

    public init() {}

    public mutating func add(_ trial: Trial) {
        precondition(trial.number == entries.count, "trials are added in number order")
        entries.append(Entry(number: trial.number, params: trial.params, state: .running))
    }

    public mutating func set(_ number: Int, _ state: State) {
        entries[number].state = state
    }

    public var count: Int { entries.count }
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
