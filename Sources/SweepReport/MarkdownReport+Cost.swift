import SweepCore

/// What models cost in `report.md`: the best trial's fit and predict time and model size in
/// human units, beside the raw metric means of its table.
extension MarkdownReport {
    /// "Resource cost (mean over 5 folds): fit 12.3 ms, …" for the best trial, or nothing.
    static func costLine(_ best: TrialSummary) -> String {
        guard let cost = ResourceCost(best) else { return "" }
        let folds = best.metrics[ResourceCost.fitMetric]?.count ?? best.foldScores.count
        return "\nResource cost (mean over \(folds == 1 ? "1 fold" : "\(folds) folds")): \(cost.words).\n"
    }

    /// A trial's cost in one cell ("—" when it reported none).
    static func costCell(_ summary: TrialSummary) -> String { ResourceCost(summary)?.words ?? "—" }
}
