import SweepCore

/// The report's parts for several objectives and constraints: the objectives and constraints in
/// the header, and the Pareto front.
extension MarkdownReport {
    /// "- Objective: …" (or "- Objectives: …"), then "- Constraints: …" with how many trials met them.
    static func objectivesLines(_ run: RunSummary) -> String {
        let folds = run.folds == 1 ? "one task per trial" : "mean over \(run.folds) folds"
        var out =
            run.isMultiObjective
            ? "- Objectives: \(run.objectives.map { "\($0.goal.rawValue) `\($0.metric)`" }.joined(separator: ", ")) (\(run.folds == 1 ? folds : "each a \(folds)"))\n"
            : "- Objective: \(run.objective.goal.rawValue) `\(run.objective.metric)` (\(folds))\n"
        if !run.constraints.isEmpty {
            out += "- Constraints: \(run.constraints.map(RunSummary.describe).joined(separator: ", ")) "
            out += "(\(run.feasibleRanked.count) of \(run.ranked.count) succeeded trials meet them)\n"
        }
        return out
    }

    /// Why there is no best trial.
    static func noBest(_ run: RunSummary) -> String {
        if run.ranked.isEmpty { return "No trial succeeded." }
        return "No trial met the constraints (\(run.ranked.count) succeeded; see the constraints column of Top trials)."
    }

    /// The Pareto front of a multi-objective sweep: each trial on it with its objective means, and the plot.
    static func frontSection(_ run: RunSummary) -> String {
        guard run.isMultiObjective else { return "" }
        var out = "## Pareto front\n\n"
        guard !run.front.isEmpty else { return out + noBest(run) + "\n\n" }
        out +=
            "\(run.front.count == 1 ? "1 trial is" : "\(run.front.count) trials are") not beaten on every objective by another feasible trial"
            + " (best on `\(run.objective.metric)` first); `pareto.svg` plots them among all complete trials.\n\n"
        let cost = run.front.contains { ResourceCost($0) != nil }
        out += "| trial | params | " + run.objectives.map { "\($0.metric) mean" }.joined(separator: " | ") + " |"
        out += (cost ? " cost |" : "") + "\n|---:|---|" + String(repeating: "---:|", count: run.objectives.count)
        out += (cost ? "---|" : "") + "\n"
        for summary in run.front {
            let means = run.objectiveMeans(summary) ?? []
            out +=
                "| \(summary.trial.number) | `\(summary.trial.params.description)` | "
                + means.map(format).joined(separator: " | ") + " |" + (cost ? " \(costCell(summary)) |" : "") + "\n"
        }
        return out + "\n"
    }
}
