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
/// As optuna 5: multivariate by default for one objective (one mixture over all parameters, kernels multiplying
/// across axes); observation weights ramp down for all but the newest 25 in each group; a prior
/// kernel with weight 1 is in every mixture; numeric bandwidths follow the neighbour rule per
/// axis, clipped ("magic clip"); stopped trials rank after finished ones; with the constant liar
/// (on by default, as in optuna 5), running trials join *above*, so parallel workers are steered
/// away from points already being evaluated.
///
/// Departures: the startup trials come from a shifted Sobol' sequence rather than uniform
/// random draws (better coverage for the same budget; as optuna's QMCSampler would give);
/// `multivariate` models the unconditional parameters jointly and each conditional
/// parameter on its own (optuna falls back to independent sampling for parameters outside the
/// intersection space); integers are modelled as continuous on [lo − ½, hi + ½] and rounded
/// (optuna 5 integrates each kernel over the integer's bin); the generator for trial n is seeded
/// from (seed, n, attempt), so a suggestion is reproducible from the recorded history alone.
public struct TPESampler: Sampler {
    let space: SearchSpace
    let seed: UInt64
    let options: TPEOptions
    let axes: [Axis]
    /// Each trial's coordinate on every axis (NaN where the parameter is absent), computed once
    /// per trial: parameters never change, and reading them by name at every suggestion would
    /// cost more than the density estimates themselves.
    var rows: [[Double]] = []
    /// Per dimension, the trials where it is present, sorted by their coordinate (kept sorted as
    /// trials arrive), so that the univariate estimators are built without sorting.
    var orders: [[Int32]] = []

    public init(_ space: SearchSpace, seed: UInt64, options: TPEOptions = TPEOptions()) {
        self.space = space
        self.seed = seed
        self.options = options
        axes = space.dimensions.map(Axis.init)
    }

    public var readsHistory: Bool { true }

    public mutating func suggest(number: Int, attempt: Int, history: SearchHistory) -> Params? {
        var generator = SeededGenerator(
            seed: seed ^ (UInt64(number) &* 0x9e37_79b9_7f4a_7c15) ^ (UInt64(attempt) &* 0xc2b2_ae3d_27d4_eb4f))
        var finished = 0
        for entry in history.entries where entry.state != .running && entry.state != .failed { finished += 1 }
        // Repeated attempts at one trial mean TPE keeps landing on evaluated points: explore.
        if finished < options.startupTrials && attempt == 0 && space.dimensions.count <= SobolSampler.maxDimensions {
            // Startup points from a shifted Sobol' sequence cover the space more evenly than
            // random ones, so the first model has better data at the same cost.
            var sobol = SobolSampler(space, seed: seed)
            for _ in 0..<number { _ = sobol.nextPoint() }
            let unit = sobol.nextPoint()
            return space.configuration { index, dimension in dimension.value(atUnit: unit[index]) }
        }
        if finished < options.startupTrials || attempt >= 3 {
            return space.configuration { _, dimension in dimension.value(atUnit: generator.unit()) }
        }
        updateCoordinates(history)
        let (below, above) = split(history, finished: finished)
        // Several objectives (optuna 5's MOTPE): the below group's kernels weigh alike, and each
        // parameter has its own estimators unless `multivariate` says otherwise.
        let multiObjective = Self.isMultiObjective(history)
        var values: [String: ParamValue] = [:]
        var jointIndices: [Int] = []
        if options.multivariate ?? !multiObjective {
            jointIndices = space.dimensions.indices.filter { space.dimensions[$0].condition == nil }
            let chosen = suggestJointly(
                jointIndices, below: below, above: above, multiObjective: multiObjective, rows: rows, using: &generator)
            for (index, value) in zip(jointIndices, chosen) { values[space.dimensions[index].name] = value }
        }
        for (index, dimension) in space.dimensions.enumerated() where !jointIndices.contains(index) {
            guard SearchSpace.isActive(dimension, in: values) else { continue }
            values[dimension.name] =
                suggestJointly(
                    [index], below: below, above: above, multiObjective: multiObjective, rows: rows, using: &generator)[
                    0]
        }
        return Params(values)
    }

    mutating func updateCoordinates(_ history: SearchHistory) {
        if rows.count > history.entries.count { rows.removeAll() }  // another history: start again
        if orders.count != space.dimensions.count || rows.isEmpty {
            orders = Array(repeating: [], count: space.dimensions.count)
        }
        for position in rows.count..<history.entries.count {
            let entry = history.entries[position]
            let row = space.dimensions.map { dimension in
                entry.params[dimension.name].flatMap { Axis.coordinate($0, of: dimension) } ?? .nan
            }
            rows.append(row)
            for (d, x) in row.enumerated() where !x.isNaN {
                // Binary search for the first position whose coordinate exceeds x.
                var low = 0, high = orders[d].count
                while low < high {
                    let middle = (low + high) / 2
                    if rows[Int(orders[d][middle])][d] <= x { low = middle + 1 } else { high = middle }
                }
                orders[d].insert(Int32(position), at: low)
            }
        }
    }

    /// The below and above groups (positions in `history.entries`), each in history order.
    /// Complete feasible trials rank first (by loss, or by Pareto front and hypervolume
    /// contribution with several objectives), then stopped ones, then infeasible ones by
    /// violation, as optuna's `_split_trials`; the best γ(n) are below.
    func split(_ history: SearchHistory, finished: Int) -> (below: [Int], above: [Int]) {
        let multiObjective = Self.isMultiObjective(history)
        let share = Int((0.1 * Double(finished)).rounded(.up))
        // optuna's γ: capped at 25 for one objective, uncapped for several.
        let wanted = multiObjective ? share : min(share, 25)
        var complete: [(loss: Double, number: Int)] = []
        var pruned: [(loss: Double, number: Int)] = []
        var infeasible: [(loss: Double, number: Int)] = []
        for (position, entry) in history.entries.enumerated() {
            switch entry.state {
            case .complete(let loss):
                if let violation = entry.violation, !(violation <= 0) {
                    infeasible.append((violation.isNaN ? .infinity : violation, position))
                } else {
                    complete.append((loss.isNaN ? .infinity : loss, position))
                }
            case .pruned(let loss): pruned.append(((loss?.isNaN ?? true) ? .infinity : loss!, position))
            case .running, .failed: break
            }
        }
        if multiObjective {
            complete = Self.rankMultiObjective(complete.map(\.number), history, wanted: wanted).map { (0, $0) }
        } else {
            complete = Self.smallest(complete, wanted)
        }
        let ranked = complete + Self.smallest(pruned, wanted) + Self.smallest(infeasible, wanted)
        var isBelow = Set(ranked.prefix(wanted).map(\.number))
        if ranked.count > 0 && isBelow.isEmpty { isBelow.insert(ranked[0].number) }
        var below: [Int] = [], above: [Int] = []
        for (position, entry) in history.entries.enumerated() {
            if isBelow.contains(position) { below.append(position); continue }
            switch entry.state {
            case .complete, .pruned: above.append(position)
            case .running where options.constantLiar: above.append(position)
            case .running, .failed: break
            }
        }
        return (below, above)
    }

    /// The `count` smallest by (loss, number), in order: the prefix a full sort would give (only
    /// the best γ ≤ 25 of thousands of trials are wanted, on every suggestion).
    static func smallest(_ items: [(loss: Double, number: Int)], _ count: Int) -> [(loss: Double, number: Int)] {
        let before = { (a: (loss: Double, number: Int), b: (loss: Double, number: Int)) in
            (a.loss, a.number) < (b.loss, b.number)
        }
        guard count > 0 else { return [] }
        guard items.count > count else { return items.sorted(by: before) }
        var kept: [(loss: Double, number: Int)] = []
        kept.reserveCapacity(count + 1)
        for item in items where kept.count < count || before(item, kept[kept.count - 1]) {
            var low = 0, high = kept.count
            while low < high {
                let middle = (low + high) / 2
                if before(kept[middle], item) { low = middle + 1 } else { high = middle }
            }
            kept.insert(item, at: low)
            if kept.count > count { kept.removeLast() }
        }
        return kept
    }

    /// The best of `candidates` draws from l over these dimensions, by log l − log g (several
    /// objectives: flat weights below, and optuna's 24 draws unless set).
    func suggestJointly(
        _ indices: [Int], below: [Int], above: [Int], multiObjective: Bool = false, rows: [[Double]],
        using generator: inout SeededGenerator
    ) -> [ParamValue] {
        let dimensions = indices.map { space.dimensions[$0] }
        let axes = indices.map { self.axes[$0] }
        let l = estimator(indices, axes, below, flat: multiObjective)
        let g = estimator(indices, axes, above)
        var best: [Double] = []
        var bestScore = -Double.infinity
        var scratch: [Double] = []
        for _ in 0..<max(1, options.candidates ?? (multiObjective ? 24 : 64)) {
            let point = l.sample(using: &generator)
            let score = l.logDensity(point, scratch: &scratch) - g.logDensity(point, scratch: &scratch)
            if best.isEmpty || score > bestScore {
                best = point
                bestScore = score
            }
        }
        return zip(dimensions, best).map { Axis.value(at: $1, of: $0) }
    }

    /// The estimator of one group over some dimensions; trials where one of them is absent
    /// (turned off by a condition) are left out. Kernels keep trial order (for the weights);
    /// each numeric axis's ascending order comes from the kept-sorted `orders`, not a sort.
    func estimator(_ indices: [Int], _ axes: [Axis], _ group: [Int], flat: Bool = false) -> ParzenEstimator {
        if indices.count == 1, case .numeric = axes[0] {
            return sortedEstimator(indices[0], axes[0], group, flat: flat)
        }
        var rank = [Int32](repeating: -1, count: rows.count)
        var columns = Array(repeating: [Double](), count: indices.count)
        var present: Int32 = 0
        for trial in group {
            let row = rows[trial]
            guard !indices.contains(where: { row[$0].isNaN }) else { continue }
            for (k, d) in indices.enumerated() { columns[k].append(row[d]) }
            rank[trial] = present
            present += 1
        }
        let sortedOrders = indices.map { d in orders[d].compactMap { rank[Int($0)] >= 0 ? Int(rank[Int($0)]) : nil } }
        let weights = flat ? Array(repeating: 1, count: Int(present)) : Self.weights(Int(present))
        return ParzenEstimator(axes: axes, columns: columns, weights: weights, orders: sortedOrders)
    }

    /// A numeric axis's estimator with its kernels in coordinate order: weights follow trial
    /// order within the group, as optuna's, but the kernels come from the kept-sorted order.
    func sortedEstimator(_ d: Int, _ axis: Axis, _ group: [Int], flat: Bool = false) -> ParzenEstimator {
        var rank = [Int32](repeating: -1, count: rows.count)
        var present: Int32 = 0
        for trial in group where !rows[trial][d].isNaN {
            rank[trial] = present
            present += 1
        }
        let weights = flat ? Array(repeating: 1, count: Int(present)) : Self.weights(Int(present))
        var centres: [Double] = []
        var ordered: [Double] = []
        centres.reserveCapacity(Int(present))
        ordered.reserveCapacity(Int(present))
        for trial in orders[d] where rank[Int(trial)] >= 0 {
            centres.append(rows[Int(trial)][d])
            ordered.append(weights[Int(rank[Int(trial)])])
        }
        return ParzenEstimator(axes: [axis], columns: [centres], weights: ordered, sorted: true)
    }

    /// optuna's default weights: flat for the newest 25 observations, a linear ramp before them.
    static func weights(_ n: Int) -> [Double] {
        guard n >= 25 else { return Array(repeating: 1, count: n) }
        let ramp = n - 25
        let rising = (0..<ramp).map { i in
            ramp == 1 ? 1.0 / Double(n) : 1.0 / Double(n) + (1 - 1.0 / Double(n)) * Double(i) / Double(ramp - 1)
        }
        return rising + Array(repeating: 1, count: 25)
    }
}
