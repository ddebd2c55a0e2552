import SweepCore

/// `pareto.svg`: every complete trial of a multi-objective sweep on its first two objectives'
/// means (the third, if any, as colour), the front emphasized and joined, infeasible trials
/// crossed out.
public enum ParetoPlot {
    /// The plot, or nil for a single-objective sweep.
    public static func svg(_ run: RunSummary) -> String? {
        guard run.isMultiObjective else { return nil }
        let front = Set(run.front.map(\.trial.number))
        var points: [ScatterPlot.Point] = []
        var onFront: [(index: Int, x: Double)] = []
        for summary in run.ranked {
            guard let means = run.objectiveMeans(summary), means[0].isFinite, means[1].isFinite else { continue }
            let feasible = run.isFeasible(summary)
            let shown = zip(run.objectives, means).map { "\($0.metric) \(format($1))" }.joined(separator: ", ")
            let missed = run.missedConstraints(summary)
            points.append(
                ScatterPlot.Point(
                    x: means[0], y: means[1], color: means.count > 2 ? means[2] : nil,
                    emphasized: front.contains(summary.trial.number), crossed: !feasible,
                    label: "trial \(summary.trial.number): \(shown) — \(summary.trial.params.description)"
                        + (missed.isEmpty ? "" : " (infeasible: \(missed.joined(separator: ", ")))")))
            if front.contains(summary.trial.number) { onFront.append((points.count - 1, means[0])) }
        }
        let axis = { (objective: Objective) in
            "\(objective.metric) (mean; \(objective.goal == .maximize ? "higher" : "lower") is better)"
        }
        var plot = ScatterPlot(
            title: "Pareto front of '\(run.name)'", xLabel: axis(run.objectives[0]), yLabel: axis(run.objectives[1]),
            colorLabel: run.objectives.count > 2 ? axis(run.objectives[2]) : nil, points: points)
        // With a third objective, the front is not a curve in these two: it is marked, not joined.
        plot.line = run.objectives.count == 2 ? onFront.sorted { ($0.x, $0.index) < ($1.x, $1.index) }.map(\.index) : []
        plot.legend = [
            "\(points.count) complete trials; \(run.front.count) on the front (large, outlined)"
                + (run.constraints.isEmpty ? "" : "; × misses a constraint")
        ]
        return plot.svg()
    }
}
