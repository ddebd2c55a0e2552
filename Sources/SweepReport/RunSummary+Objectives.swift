import SweepCore

/// Several objectives and constraints in a run's summary: each trial's objective means, its
/// feasibility, and the Pareto front the report, best.json, pareto.svg and `sweep status` share.
extension RunSummary {
    /// Every objective, the first being `objective`.
    public var objectives: [Objective] { [objective] + moreObjectives }
    public var isMultiObjective: Bool { !moreObjectives.isEmpty }

    /// The mean of every objective over the trial's folds (nil: one is missing).
    public func objectiveMeans(_ summary: TrialSummary) -> [Double]? {
        var means: [Double] = []
        for objective in objectives {
            guard let stats = summary.metrics[objective.metric] else { return nil }
            means.append(stats.mean)
        }
        return means
    }

    /// How far the trial's means miss the constraints (0: feasible); a missing metric misses by infinity.
    public func violation(_ summary: TrialSummary) -> Double {
        constraints.reduce(0) { $0 + $1.violation(summary.metrics[$1.metric]?.mean ?? .nan) }
    }

    public func isFeasible(_ summary: TrialSummary) -> Bool { violation(summary) == 0 }

    /// The constraints a trial misses, as "latency_ms 12 > 10" (empty: feasible).
    public func missedConstraints(_ summary: TrialSummary) -> [String] {
        constraints.compactMap { constraint in
            let mean = summary.metrics[constraint.metric]?.mean ?? .nan
            guard constraint.violation(mean) > 0 else { return nil }
            if mean.isNaN { return "\(constraint.metric) missing" }
            if let min = constraint.min, mean < min { return "\(constraint.metric) \(format(mean)) < \(format(min))" }
            return "\(constraint.metric) \(format(mean)) > \(format(constraint.max ?? mean))"
        }
    }

    /// Succeeded trials that meet every constraint, best first.
    public var feasibleRanked: [TrialSummary] { ranked.filter { isFeasible($0) } }

    /// The succeeded, feasible trials with finite objective means that no other dominates, in
    /// `ranked` order (best on the first objective first).
    func paretoFront() -> [TrialSummary] {
        let candidates = feasibleRanked.compactMap { summary -> (TrialSummary, [Double])? in
            guard let means = objectiveMeans(summary), means.allSatisfy(\.isFinite) else { return nil }
            return (summary, zip(objectives, means).map { $0.goal == .maximize ? -$1 : $1 })
        }
        return Pareto.front(candidates.map(\.1)).map { candidates[$0].0 }
    }

    /// "`latency_ms` ≤ 10", "0.9 ≤ `accuracy` ≤ 1": a constraint as the report shows it.
    static func describe(_ constraint: Constraint) -> String {
        switch (constraint.min, constraint.max) {
        case (let min?, let max?): "\(format(min)) ≤ `\(constraint.metric)` ≤ \(format(max))"
        case (let min?, nil): "`\(constraint.metric)` ≥ \(format(min))"
        case (nil, let max?): "`\(constraint.metric)` ≤ \(format(max))"
        case (nil, nil): "`\(constraint.metric)`"
        }
    }

    /// Why best.json names the trial it does, for a multi-objective sweep.
    public var refitChoice: String {
        "the Pareto front's best trial on the first objective (\(objective.goal.rawValue) \(objective.metric)); every front trial is in \"pareto\""
    }
}
