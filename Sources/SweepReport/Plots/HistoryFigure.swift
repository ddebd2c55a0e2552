import SweepCore

/// `history`: each trial's objective in suggestion order, the best so far as a step line,
/// trials stopped early hollow and failed ones as crosses along the bottom.
///
/// Marks: one per trial that finished, stopped early or failed (incomplete trials have nothing
/// to show), plus one for the best-so-far line; at most `Thinning.points` trials (the 100 best
/// always among them).
enum HistoryFigure {
    static func make(_ data: PlotData) -> Figure? {
        let run = data.run
        let shown = run.summaries.filter { $0.status != .incomplete }
        guard !shown.isEmpty else { return nil }
        let top = data.topTrials(100)
        let kept = Thinning.indices(
            count: shown.count, limit: Thinning.points,
            keep: Set(shown.indices.filter { top.contains(shown[$0].trial.number) })
        ).map { shown[$0] }
        let values = kept.compactMap(Self.value)
        let numbers = run.summaries.map { Double($0.trial.number) }
        var chart = Chart(x: .linear(numbers), y: .linear(values))
        chart.drawAxes(xLabel: "trial (suggestion order)", yLabel: data.objectiveLabel)
        chart.body += bestSoFar(data, chart)
        for summary in kept { chart.body += mark(summary, data, chart) }
        chart.legend([
            (Symbol.dot(Palette.ok), "trial"), (Symbol.segment(Palette.best), "best so far"),
            (Symbol.ring(Palette.pruned), "stopped early (finished folds)"), (Symbol.cross(Palette.failed), "failed"),
        ])
        let thinned = kept.count < shown.count ? " (\(kept.count) of \(shown.count) trials shown)" : ""
        return Figure(
            id: "history", title: "Optimization history",
            caption: "Each point is one trial's \(run.objective.metric) in the order the search suggested it; "
                + "the red step line is the best so far, hollow points were stopped early (along the bottom: before any fold "
                + "finished) and crosses along the bottom failed\(thinned).",
            svg: chart.svg(id: "history", label: "Optimization history"))
    }

    /// The objective a trial is drawn at: its mean (finished folds only when stopped early).
    static func value(_ summary: TrialSummary) -> Double? {
        guard summary.status == .ok || summary.status == .stopped, let mean = summary.objective?.mean,
            mean.isFinite
        else { return nil }
        return mean
    }

    static func mark(_ summary: TrialSummary, _ data: PlotData, _ chart: Chart) -> String {
        let x = chart.x.pixel(Double(summary.trial.number))
        let title = data.tooltip(summary)
        guard let value = value(summary) else {
            // Stopped before any fold finished (asha stops on intermediate values): not a failure.
            if summary.status == .stopped {
                return Symbol.ring(Palette.pruned, at: (x, chart.baseline - 6), mark: true, title: title)
            }
            return Symbol.cross(Palette.failed, at: (x, chart.baseline - 6), mark: true, title: title)
        }
        let y = chart.y.pixel(value)
        if summary.status == .stopped { return Symbol.ring(Palette.pruned, at: (x, y), mark: true, title: title) }
        return Symbol.dot(Palette.ok, at: (x, y), mark: true, title: title)
    }

    /// The best-so-far step line from the first improvement to the last trial.
    static func bestSoFar(_ data: PlotData, _ chart: Chart) -> String {
        let steps = data.run.improvements.compactMap { summary in
            summary.objective.map { (Double(summary.trial.number), $0.mean) }
        }
        guard let first = steps.first, let last = data.run.summaries.last else { return "" }
        var points = [(chart.x.pixel(first.0), chart.y.pixel(first.1))]
        var level = first.1
        for step in steps.dropFirst() {
            let x = chart.x.pixel(step.0)
            points.append((x, chart.y.pixel(level)))
            points.append((x, chart.y.pixel(step.1)))
            level = step.1
        }
        points.append((chart.x.pixel(Double(last.trial.number)), chart.y.pixel(level)))
        return SVG.element(
            "polyline",
            [
                "points": SVG.points(perPixelColumn(points)), "fill": "none", "stroke": Palette.best,
                "stroke-width": "1.5",
            ],
            mark: true, title: "best so far: \(SVG.number(level))")
    }

    /// The first and last vertex of each run in one pixel column: what can be seen of a line
    /// whose y only ever moves one way (the best so far), with at most two vertices per column
    /// however many trials improved (a grid over the objective improves at every one).
    static func perPixelColumn(_ points: [(Double, Double)]) -> [(Double, Double)] {
        var kept: [(Double, Double)] = []
        var runStart = 0
        for i in points.indices where i == points.count - 1 || column(points[i + 1]) != column(points[runStart]) {
            kept.append(points[runStart])
            if i != runStart { kept.append(points[i]) }
            runStart = i + 1
        }
        return kept
    }

    private static func column(_ point: (Double, Double)) -> Double { point.0.rounded(.down) }
}
