/// Racing across cross-validation folds (Maron & Moore 1994, "Hoeffding Races"; Birattari,
/// Stützle, Paquete & Varrentrapp 2002, "A Racing Algorithm for Configuring Metaheuristics"
/// — F-Race), reduced to a duel with the incumbent.
///
/// Terms: the *incumbent* is the finished trial with the best mean loss. Once a trial has
/// `min_folds` fold results, a one-sided paired test (t-test or Wilcoxon signed-rank) over the
/// folds both have asks whether it is worse than the incumbent; p < alpha eliminates it, and its
/// remaining folds are dropped. A new incumbent re-opens the duel for every running trial.
///
/// Departures: F-Race tests all candidates together (Friedman) in synchronous steps; here trials
/// arrive asynchronously, so each is tested pairwise against the incumbent only, and the
/// incumbent itself is never eliminated.
public struct Racing: Sendable {
    public let options: RacingOptions
    let folds: Int
    /// Fold losses of trials still in the race and of the incumbent.
    var losses: [Int: [Int: Double]] = [:]
    public private(set) var incumbent: (trial: Int, mean: Double)?

    public init(_ options: RacingOptions, folds: Int) {
        self.options = options
        self.folds = folds
    }

    /// A fold of a running trial finished with this loss: eliminate it or not.
    public mutating func foldFinished(trial: Int, fold: Int, loss: Double) -> StopDecision? {
        losses[trial, default: [:]][fold] = loss.isNaN ? .infinity : loss
        return duel(trial, fold: fold)
    }

    /// A trial finished every fold: it may become the incumbent, and then the running trials
    /// duel it again (returned: those it eliminates).
    public mutating func trialFinished(_ trial: Int, losses folds: [Int: Double]) -> [StopDecision] {
        let mean = folds.values.reduce(0, +) / Double(max(1, folds.count))
        guard !mean.isNaN, incumbent.map({ mean < $0.mean }) ?? true else {
            losses.removeValue(forKey: trial)
            return []
        }
        if let old = incumbent?.trial { losses.removeValue(forKey: old) }
        incumbent = (trial, mean)
        losses[trial] = folds.mapValues { $0.isNaN ? .infinity : $0 }
        return losses.keys.sorted().compactMap { other in
            other == trial ? nil : duel(other, fold: losses[other]!.keys.max() ?? 0)
        }
    }

    /// A trial left the race (stopped or failed).
    public mutating func trialDropped(_ trial: Int) {
        if incumbent?.trial != trial { losses.removeValue(forKey: trial) }
    }

    mutating func duel(_ trial: Int, fold: Int) -> StopDecision? {
        guard let incumbent, incumbent.trial != trial, let mine = losses[trial], mine.count >= options.minFolds,
            let theirs = losses[incumbent.trial]
        else { return nil }
        let shared = mine.keys.sorted().filter { theirs[$0] != nil }
        guard shared.count >= options.minFolds else { return nil }
        let differences = shared.map { mine[$0]! - theirs[$0]! }
        let p = options.test == .ttest ? PairedTest.tTest(differences) : PairedTest.wilcoxon(differences)
        guard p < options.alpha else { return nil }
        losses.removeValue(forKey: trial)
        let name = options.test == .ttest ? "paired t-test" : "Wilcoxon signed-rank test"
        return StopDecision(
            trial: trial, rule: .racing, fold: fold, step: nil,
            reason:
                "worse than trial \(incumbent.trial) over the \(shared.count) folds both have (of \(folds); \(name), p = \(formatNumber((p * 10000).rounded() / 10000)) < \(formatNumber(options.alpha)))"
        )
    }
}
