import SweepCore

extension SelectionStatistics {
    /// The best trial against the next `runnersUp` feasible trials in rank order: a paired
    /// Student's t-test over the folds both scored (fold by fold, a NaN on either side drops the
    /// fold; see `PairedComparison` on why its p-values are optimistic for CV), the
    /// one-standard-error rule (Hastie, Tibshirani & Friedman §7.10: the trials whose mean lies
    /// within one standard error of the best's, the SE being the best's sample std (ddof 1) over
    /// √folds), and the simplest of those where dimensions say which end is simpler
    /// (`simpler: low | high`, or a built-in model's default).
    ///
    /// Nil with no best, a best without a finite mean, or several objectives: a Pareto front has
    /// no single winner whose runners-up could be compared on one objective.
    public static func compute(_ summary: RunSummary, space: [Dimension], runnersUp: Int = 5) -> SelectionStatistics? {
        guard !summary.isMultiObjective, let best = summary.best, let bestMean = best.objective?.mean,
            bestMean.isFinite
        else { return nil }
        let goal = summary.objective.goal
        let standardError = Self.standardError(best.foldScores)
        let others = summary.feasibleRanked.filter { $0.trial.number != best.trial.number }
        let within: (TrialSummary) -> Bool = { other in
            guard let mean = other.objective?.mean, mean.isFinite else { return false }
            let shortfall = goal == .maximize ? bestMean - mean : mean - bestMean
            return shortfall <= (standardError ?? 0) + 1e-12 * max(1, abs(bestMean))
        }
        let comparisons = others.prefix(max(0, runnersUp)).map { other in
            compare(best, other, goal: goal, withinOneStandardError: within(other))
        }
        let close = [best] + others.filter(within)
        let simplest = Self.simplest(close, space: space)
        return SelectionStatistics(
            best: best.trial.number, standardError: standardError, comparisons: comparisons,
            withinOneStandardError: close.map(\.trial.number), simplest: simplest?.trial,
            simplestReason: simplest?.reason)
    }

    /// The standard error of a mean over folds: sample std (ddof 1) / √n of the finite scores;
    /// nil below two.
    static func standardError(_ scores: [Double]) -> Double? {
        let finite = scores.filter(\.isFinite)
        guard finite.count >= 2 else { return nil }
        let n = Double(finite.count)
        let mean = finite.reduce(0, +) / n
        let variance = finite.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / (n - 1)
        return (variance / n).squareRoot()
    }

    /// Paired over the folds both trials scored; differences signed so positive favours the best.
    static func compare(_ best: TrialSummary, _ other: TrialSummary, goal: Goal, withinOneStandardError: Bool)
        -> Comparison
    {
        let differences = zip(best.foldScores, other.foldScores).compactMap { a, b -> Double? in
            guard a.isFinite, b.isFinite else { return nil }
            return goal == .maximize ? a - b : b - a
        }
        let test = PairedComparison.studentT(differences)
        let advantage = differences.isEmpty ? Double.nan : differences.reduce(0, +) / Double(differences.count)
        return Comparison(
            trial: other.trial.number, sharedFolds: differences.count, meanAdvantage: advantage, t: test?.t,
            pValue: test?.pValue, withinOneStandardError: withinOneStandardError)
    }
}
