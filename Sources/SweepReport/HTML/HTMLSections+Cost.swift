import SweepCore

/// What models cost in `report.html`: the best trial's fit and predict time and model size in
/// human units, and a cost column for the Pareto front.
extension HTMLSections {
    /// "Resource cost (mean over 5 folds): fit 12.3 ms, …" for the best trial, or nothing.
    func costWords(_ best: TrialSummary) -> String {
        guard let cost = ResourceCost(best) else { return "" }
        let folds = best.metrics[ResourceCost.fitMetric]?.count ?? best.foldScores.count
        return "<p>Resource cost (mean over \(HTMLText.count(folds, "fold"))): "
            + "\(HTMLText.escape(cost.words)).</p>\n"
    }

    /// Whether the front's table gets a cost column: some trial on it reported a cost.
    var frontHasCost: Bool { run.front.contains { ResourceCost($0) != nil } }

    /// A trial's cost in one cell ("—" when it reported none).
    func costCell(_ summary: TrialSummary) -> String { ResourceCost(summary).map { HTMLText.escape($0.words) } ?? "—" }
}
