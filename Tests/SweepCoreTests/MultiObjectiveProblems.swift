@testable import SweepCore

/// Small two-objective problems and a sequential search loop, as the multi-objective plumbing
/// fills the history: every objective's mean loss, the first also as the state's loss.
enum MultiObjectiveProblems {
    /// ZDT1 (Zitzler, Deb & Thiele 2000) on `n` variables in [0, 1]; front f2 = 1 − √f1.
    static func zdt1Space(_ n: Int) -> [Dimension] {
        (0..<n).map { Dimension(name: "x\($0)", kind: .uniform(0, 1)) }
    }

    static func zdt1(_ params: Params, _ n: Int) -> [Double] {
        let x = (0..<n).map { params["x\($0)"]!.number! }
        let g = 1 + 9 * x.dropFirst().reduce(0, +) / Double(n - 1)
        return [x[0], g * (1 - (x[0] / g).squareRoot())]
    }

    /// Runs a sampler for `trials` trials, one at a time, redrawing a repeated configuration as
    /// the search driver does. `evaluate` gives the losses and the constraint violation.
    static func run(
        _ sampler: inout some Sampler, trials: Int,
        evaluate: (Params) -> (losses: [Double], violation: Double?)
    ) -> SearchHistory {
        var history = SearchHistory()
        var seen = Set<Params>()
        for number in 0..<trials {
            var attempt = 0
            var params = sampler.suggest(number: number, attempt: attempt, history: history)!
            while !seen.insert(params).inserted {
                attempt += 1
                params = sampler.suggest(number: number, attempt: attempt, history: history)!
            }
            history.add(Trial(number: number, params: params))
            let outcome = evaluate(params)
            history.set(number, .complete(outcome.losses[0]))
            history.setOutcome(
                number, losses: outcome.losses.count > 1 ? outcome.losses : nil, violation: outcome.violation)
        }
        return history
    }

    /// The hypervolume of the feasible trials' front.
    static func hypervolume(_ history: SearchHistory, reference: [Double]) -> Double {
        let feasible = history.entries.filter { ($0.violation ?? 0) == 0 }
        return Pareto.hypervolume(feasible.compactMap(\.losses), reference: reference)
    }
}
