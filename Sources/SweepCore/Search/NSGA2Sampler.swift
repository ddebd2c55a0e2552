/// `search.nsga2:` — NSGA-II's settings (defaults as optuna 5's NSGAIISampler).
public struct NSGA2Options: Sendable, Equatable {
    /// Trials per generation.
    public var populationSize = 50
    /// The chance that a child's parameter is redrawn from its prior (nil: 1 / parameters).
    public var mutationProb: Double?
    /// The chance that a child mixes two parents (else it copies one).
    public var crossoverProb = 0.9
    /// In a crossover, the chance that a parameter comes from the second parent.
    public var swappingProb = 0.5

    public init() {}
}

/// NSGA-II (Deb, Pratap, Agarwal & Meyarivan 2002, "A fast and elitist multiobjective genetic
/// algorithm"), following optuna 5's NSGAIISampler.
///
/// Trial n belongs to generation n / population size. Generation 0 is drawn uniformly from the
/// space (bred from the prior trials instead, when a warm start gave some). The parents of
/// generation g are the elite of the completed trials of generation g − 1 together with the
/// parents of g − 1: whole non-domination fronts (Deb's constrained domination, so feasible
/// trials come first and infeasible ones by violation) while they fit, the last one cut by
/// crowding distance. A child takes two parents by binary tournament, mixes them by uniform
/// crossover (with probability `crossoverProb`, else copies one parent), then redraws each
/// parameter from its prior with probability `mutationProb`.
///
/// With one objective the fronts are the loss order, so it also works as a plain genetic
/// algorithm. Departures: a conditional parameter is inherited like any other where a parent has
/// it, and drawn from its prior where neither has; generations follow trial numbers rather than
/// completion order (optuna's), so the generation of a trial never depends on timing; the
/// generator for trial n is seeded from (seed, n, attempt), so a suggestion is reproducible from
/// the recorded history.
public struct NSGA2Sampler: Sampler {
    let space: SearchSpace
    let seed: UInt64
    let options: NSGA2Options
    /// Parents of each generation already settled (every trial they come from has ended, so they
    /// can no longer change), as positions in the history's entries.
    var settled: [Int: [Int]] = [:]
    var settledFor = 0

    public init(_ space: SearchSpace, seed: UInt64, options: NSGA2Options = NSGA2Options()) {
        self.space = space
        self.seed = seed
        self.options = options
    }

    public var readsHistory: Bool { true }

    public mutating func suggest(number: Int, attempt: Int, history: SearchHistory) -> Params? {
        var generator = SeededGenerator(
            seed: seed ^ (UInt64(number) &* 0x9e37_79b9_7f4a_7c15) ^ (UInt64(attempt) &* 0xc2b2_ae3d_27d4_eb4f))
        let generation = number / max(1, options.populationSize)
        let parents = parents(of: generation, history)
        // Repeated attempts mean children keep landing on evaluated points: explore instead.
        guard !parents.isEmpty, attempt < 10 else {
            return space.configuration { _, dimension in dimension.value(atUnit: generator.unit()) }
        }
        return child(of: parents, history, using: &generator)
    }

    /// The parents of a generation (positions in `history.entries`), settled ones from memory.
    mutating func parents(of generation: Int, _ history: SearchHistory) -> [Int] {
        if history.entries.count < settledFor { settled.removeAll() }  // another history: start again
        settledFor = history.entries.count
        let outcomes = Outcomes(history)
        var start = generation
        while start > 0 && settled[start] == nil { start -= 1 }
        var parents = settled[start] ?? elite(Array(0..<history.priorCount), outcomes)
        // Prior trials never change, so the parents bred from them are settled from the start.
        var isSettled = true
        if start == 0 { settled[0] = parents }
        guard generation > start else { return parents }
        let size = max(1, options.populationSize)
        for g in (start + 1)...generation {
            let range = ((g - 1) * size)..<max((g - 1) * size, min(g * size, history.count))
            let members = range.map { history.priorCount + $0 }
            isSettled = isSettled && range.count == size && members.allSatisfy { history.entries[$0].state != .running }
            parents = elite(members.filter { outcomes.points[$0] != nil } + parents, outcomes)
            if isSettled { settled[g] = parents }
        }
        return parents
    }

    /// The best `populationSize` of these trials: whole fronts, then the last by crowding distance.
    func elite(_ candidates: [Int], _ outcomes: Outcomes) -> [Int] {
        let candidates = candidates.filter { outcomes.points[$0] != nil }
        let size = max(1, options.populationSize)
        guard candidates.count > size else { return candidates.sorted() }
        let points = candidates.map { outcomes.points[$0]! }
        let ranks = Pareto.ranks(points, violations: outcomes.violations(candidates))
        var chosen: [Int] = []
        for rank in 0...(ranks.max() ?? 0) {
            let front = candidates.indices.filter { ranks[$0] == rank }
            if chosen.count + front.count <= size {
                chosen += front.map { candidates[$0] }
                continue
            }
            let crowding = Pareto.crowding(front.map { points[$0] })
            let order = front.indices.sorted { (-crowding[$0], front[$0]) < (-crowding[$1], front[$1]) }
            chosen += order.prefix(size - chosen.count).map { candidates[front[$0]] }
            break
        }
        return chosen.sorted()
    }

    /// One child: crossover of two tournament winners (or a copy of one parent), then mutation.
    func child(of parents: [Int], _ history: SearchHistory, using generator: inout SeededGenerator) -> Params {
        let outcomes = Outcomes(history, only: parents)
        var sources: [Params]
        if generator.unit() < options.crossoverProb {
            let first = tournament(parents, outcomes, using: &generator)
            let rest = parents.count > 1 ? parents.filter { $0 != first } : parents
            let second = tournament(rest, outcomes, using: &generator)
            sources = [history.entries[first].params, history.entries[second].params]
        } else {
            sources = [history.entries[parents[Int(generator.unit() * Double(parents.count))]].params]
        }
        let varying = space.dimensions.filter { $0.discreteCount != 1 }.count
        let mutation = options.mutationProb ?? 1 / Double(max(1, varying))
        return space.configuration { _, dimension in
            var inherited: ParamValue?
            if sources.count == 2 {
                // Uniform crossover: each parameter from either parent; from the other where one lacks it.
                let pick = generator.unit() < options.swappingProb ? 1 : 0
                inherited = sources[pick][dimension.name] ?? sources[1 - pick][dimension.name]
            } else {
                inherited = sources[0][dimension.name]
            }
            if let value = inherited, generator.unit() >= mutation, dimension.admits(value) { return value }
            return dimension.value(atUnit: generator.unit())
        }
    }

    /// Binary tournament: of two trials drawn at random, the first if it dominates the second.
    func tournament(_ pool: [Int], _ outcomes: Outcomes, using generator: inout SeededGenerator) -> Int {
        let a = pool[Int(generator.unit() * Double(pool.count))]
        let b = pool[Int(generator.unit() * Double(pool.count))]
        return outcomes.dominates(a, b) ? a : b
    }

    /// The losses and violations of the completed trials, by position in the history.
    struct Outcomes {
        var points: [[Double]?]
        var violationOf: [Double?]
        let constrained: Bool

        init(_ history: SearchHistory, only: [Int]? = nil) {
            points = Array(repeating: nil, count: history.entries.count)
            violationOf = Array(repeating: nil, count: history.entries.count)
            for position in only ?? Array(history.entries.indices) {
                let entry = history.entries[position]
                guard case .complete(let loss) = entry.state else { continue }
                points[position] = (entry.losses ?? [loss]).map { $0.isNaN ? .infinity : $0 }
                violationOf[position] = entry.violation
            }
            constrained = violationOf.contains { $0 != nil }
        }

        func violations(_ positions: [Int]) -> [Double]? {
            constrained ? positions.map { violationOf[$0] ?? 0 } : nil
        }

        /// Deb's constrained domination between two completed trials.
        func dominates(_ a: Int, _ b: Int) -> Bool {
            Pareto.dominates(0, 1, [points[a]!, points[b]!], violations([a, b]))
        }
    }
}

extension Dimension {
    /// Whether a value lies in the dimension (an inherited value may not, after a warm start).
    fileprivate func admits(_ value: ParamValue) -> Bool {
        if step != nil { return member(value) == value }  // on the step, written as the sampler writes it
        switch kind {
        case .constant(let constant): return value == constant
        case .values(let values): return values.contains(value)
        case .int(let lo, let hi):
            guard case .int(let n) = value else { return false }
            return lo <= n && n <= hi
        case .uniform(let lo, let hi), .logUniform(let lo, let hi):
            guard let x = value.number else { return false }
            return lo <= x && x <= hi
        }
    }
}
