import Foundation

/// Tree-structured Parzen Estimator (Bergstra, Bardenet, Bengio & Kégl 2011, "Algorithms for
/// Hyper-Parameter Optimization"), with optuna's refinements (Watanabe 2023, "Tree-structured
/// Parzen estimator: understanding its algorithm components").
///
/// Terms: finished trials are split into a *below* group (the best γ(n) = min(⌈0.1·n⌉, 25) by
/// loss) and an *above* group (the rest). A Parzen estimator l(x) is fitted to below and g(x) to
/// above; `candidates` points are drawn from l and the one maximising log l(x) − log g(x) (the
/// expected-improvement ratio) is suggested. The first `startupTrials` suggestions are random.
///
/// As optuna: observation weights ramp down for all but the newest 25 in each group; a prior
/// kernel with weight 1 is in every mixture; numeric bandwidths follow the neighbour rule
/// (univariate) or Scott's rule scaled by 0.2 (multivariate), clipped ("magic clip"); stopped
/// trials rank after finished ones; with the constant liar, running trials join *above*, so
/// parallel workers are steered away from points already being evaluated.
///
/// Departures: the constant liar is on by default (parallel slots are the normal case here);
/// `multivariate` models the unconditional parameters jointly and each conditional parameter on
/// its own (optuna's `group=True` decomposes further); the generator for trial n is seeded from
/// (seed, n, attempt), so a suggestion is reproducible from the recorded history alone.
public struct TPESampler: Sampler {
    let space: SearchSpace
    let seed: UInt64
    let options: TPEOptions
    let axes: [Axis]

    public init(_ space: SearchSpace, seed: UInt64, options: TPEOptions = TPEOptions()) {
        self.space = space
        self.seed = seed
        self.options = options
        axes = space.dimensions.map(Axis.init)
    }

    public var readsHistory: Bool { true }

    public func suggest(number: Int, attempt: Int, history: SearchHistory) -> Params? {
        var generator = SeededGenerator(seed: seed ^ (UInt64(number) &* 0x9e37_79b9_7f4a_7c15) ^ (UInt64(attempt) &* 0xc2b2_ae3d_27d4_eb4f))
        let finished = history.entries.filter { $0.state != .running && $0.state != .failed }
        // Repeated attempts at one trial mean TPE keeps landing on evaluated points: explore.
        if finished.count < options.startupTrials || attempt >= 3 {
            return space.configuration { _, dimension in dimension.value(atUnit: generator.unit()) }
        }
        let (below, above) = split(history, finished: finished.count)
        var values: [String: ParamValue] = [:]
        var jointIndices: [Int] = []
        if options.multivariate {
            jointIndices = space.dimensions.indices.filter { space.dimensions[$0].condition == nil }
            let chosen = suggestJointly(jointIndices, below: below, above: above, using: &generator)
            for (index, value) in zip(jointIndices, chosen) { values[space.dimensions[index].name] = value }
        }
        for (index, dimension) in space.dimensions.enumerated() where !jointIndices.contains(index) {
            guard SearchSpace.isActive(dimension, in: values) else { continue }
            values[dimension.name] = suggestJointly([index], below: below, above: above, using: &generator)[0]
        }
        return Params(values)
    }

    /// The below and above groups, each in trial order.
    func split(_ history: SearchHistory, finished: Int) -> (below: [Params], above: [Params]) {
        let wanted = min(Int((0.1 * Double(finished)).rounded(.up)), 25)
        var complete: [(loss: Double, number: Int)] = []
        var pruned: [(loss: Double, number: Int)] = []
        for entry in history.entries {
            switch entry.state {
            case .complete(let loss): complete.append((loss.isNaN ? .infinity : loss, entry.number))
            case .pruned(let loss): pruned.append(((loss?.isNaN ?? true) ? .infinity : loss!, entry.number))
            case .running, .failed: break
            }
        }
        complete.sort { ($0.loss, $0.number) < ($1.loss, $1.number) }
        pruned.sort { ($0.loss, $0.number) < ($1.loss, $1.number) }
        let ranked = complete + pruned
        var isBelow = Set(ranked.prefix(wanted).map(\.number))
        if ranked.count > 0 && isBelow.isEmpty { isBelow.insert(ranked[0].number) }
        var below: [Params] = [], above: [Params] = []
        for entry in history.entries {
            if isBelow.contains(entry.number) { below.append(entry.params); continue }
            switch entry.state {
            case .complete, .pruned: above.append(entry.params)
            case .running where options.constantLiar: above.append(entry.params)
            case .running, .failed: break
            }
        }
        return (below, above)
    }

    /// The best of `candidates` draws from l over these dimensions, by log l − log g.
    func suggestJointly(_ indices: [Int], below: [Params], above: [Params], using generator: inout SeededGenerator) -> [ParamValue] {
        let dimensions = indices.map { space.dimensions[$0] }
        let axes = indices.map { self.axes[$0] }
        let multivariate = indices.count > 1
        let l = estimator(dimensions, axes, below, multivariate: multivariate)
        let g = estimator(dimensions, axes, above, multivariate: multivariate)
        var best: [Double] = []
        var bestScore = -Double.infinity
        var scratch: [Double] = []
        for _ in 0..<max(1, options.candidates) {
            let point = l.sample(using: &generator)
            let score = l.logDensity(point, scratch: &scratch) - g.logDensity(point, scratch: &scratch)
            if best.isEmpty || score > bestScore {
                best = point
                bestScore = score
            }
        }
        return zip(dimensions, best).map { Axis.value(at: $1, of: $0) }
    }

    func estimator(_ dimensions: [Dimension], _ axes: [Axis], _ group: [Params], multivariate: Bool) -> ParzenEstimator {
        var observations: [[Double]] = []
        observations.reserveCapacity(group.count)
        for params in group {
            var point: [Double] = []
            for dimension in dimensions {
                guard let value = params[dimension.name], let x = Axis.coordinate(value, of: dimension) else { break }
                point.append(x)
            }
            if point.count == dimensions.count { observations.append(point) }
        }
        return ParzenEstimator(axes: axes, observations: observations, weights: Self.weights(observations.count), multivariate: multivariate)
    }

    /// optuna's default weights: flat for the newest 25 observations, a linear ramp before them.
    static func weights(_ n: Int) -> [Double] {
        guard n >= 25 else { return Array(repeating: 1, count: n) }
        let ramp = n - 25
        let rising = (0..<ramp).map { i in ramp == 1 ? 1.0 / Double(n) : 1.0 / Double(n) + (1 - 1.0 / Double(n)) * Double(i) / Double(ramp - 1) }
        return rising + Array(repeating: 1, count: 25)
    }
}
