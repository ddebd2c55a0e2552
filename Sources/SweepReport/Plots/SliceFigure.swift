import SweepCore

/// `slice-<param>`: one parameter's value (x; log when positive values span more than two
/// decades, the levels for strings and bools) against the objective (y), for every finished
/// trial, coloured by trial number (darker is later), the best ringed in red.
///
/// Marks: one point per finished trial that has the parameter, at most `Thinning.points` (the
/// 100 best always among them).
enum SliceFigure {
    static func make(_ data: PlotData, parameter name: String) -> Figure? {
        let finished = data.finished.filter { $0.trial.params[name] != nil }
        guard !finished.isEmpty else { return nil }
        let top = data.topTrials(100)
        let kept = Thinning.indices(
            count: finished.count, limit: Thinning.points,
            keep: Set(finished.indices.filter { top.contains(finished[$0].trial.number) })
        ).map { finished[$0] }
        let kind = PlotData.values(of: name, in: data.run.trials)
        let position: (TrialSummary) -> Double
        let x: Axis
        switch kind {
        case .numeric:
            x = .fitting(kept.compactMap { $0.trial.params[name]?.number })
            position = { $0.trial.params[name]?.number ?? .nan }
        case .categorical(let levels):
            x = .categorical(levels)
            // Points of one level spread a little sideways (the same way every time), so they do not hide each other.
            position = { summary in
                let index = levels.firstIndex(of: summary.trial.params[name]?.description ?? "") ?? 0
                return Double(index) + jitter(summary.trial.number)
            }
        }
        var chart = Chart(x: x, y: .linear(kept.compactMap { $0.objective?.mean }), colorBar: true)
        chart.drawAxes(xLabel: name + (x.kind == .log ? " (log scale)" : ""), yLabel: data.objectiveLabel)
        let numbers = data.run.summaries.map(\.trial.number)
        let (first, last) = (Double(numbers.min() ?? 0), Double(numbers.max() ?? 1))
        for summary in kept.sorted(by: {
            ($0.trial.number == data.best ? 1 : 0) < ($1.trial.number == data.best ? 1 : 0)
        }) {
            let point = (chart.x.pixel(position(summary)), chart.y.pixel(summary.objective!.mean))
            let t = last > first ? (Double(summary.trial.number) - first) / (last - first) : 1
            var mark = Symbol.dot(
                Palette.sequential(t), at: point, mark: true, title: data.tooltip(summary), opacity: "0.85")
            if summary.trial.number == data.best {
                mark = Symbol.dot(
                    Palette.sequential(t), at: point, radius: 5, mark: true, title: "best: " + data.tooltip(summary))
                mark += Symbol.ring(Palette.best, at: point, radius: 7.5, fill: "none")
            }
            chart.body += mark
        }
        chart.colorBar(title: "trial", low: first, high: last, id: "slice-" + name)
        let thinned = kept.count < finished.count ? " (\(kept.count) of \(finished.count) trials shown)" : ""
        return Figure(
            id: "slice-" + name, title: "Slice: \(name)",
            caption: "Each point is one finished trial's \(name) against its \(data.run.objective.metric); "
                + "darker points came later in the search and the red ring marks the best\(thinned).",
            svg: chart.svg(id: "slice-" + name, label: "Slice: \(name)"))
    }

    /// A fixed sideways offset in −0.3…0.3 of a category's width, from the trial number.
    static func jitter(_ number: Int) -> Double {
        let hash = fnv1a64(String(number).utf8)
        return (Double(hash % 1000) / 999 - 0.5) * 0.6
    }
}
