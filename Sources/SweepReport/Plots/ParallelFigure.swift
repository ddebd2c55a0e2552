import SweepCore

/// `parallel`: parallel coordinates. One vertical axis per parameter (linear or log for numbers
/// as their values span, the levels for strings and bools) and a last one for the objective;
/// one polyline per finished trial, coloured by its objective (dark is better), the best in red
/// on top.
///
/// Marks: one polyline per finished trial, at most `Thinning.lines` (the 100 best always among them).
enum ParallelFigure {
    /// One vertical axis: its name, its scale, and where each trial lands on it.
    struct Column {
        var name: String
        var axis: Axis
        var value: (TrialSummary) -> Double?
        /// Whether some trials lack this parameter (drawn at a "none" slot at the bottom).
        var hasMissing = false
    }

    static func make(_ data: PlotData) -> Figure? {
        let names = data.run.paramNames
        let finished = data.finished
        guard !names.isEmpty, !finished.isEmpty else { return nil }
        let top = data.topTrials(100)
        let kept = Thinning.indices(
            count: finished.count, limit: Thinning.lines,
            keep: Set(finished.indices.filter { top.contains(finished[$0].trial.number) })
        ).map { finished[$0] }
        var chart = Chart(x: .linear([0, 1]), y: .linear([0, 1]), height: 340, left: 72, colorBar: true)
        (chart.top, chart.bottom) = (40, 22)
        let columns = names.map { column($0, kept) } + [objectiveColumn(data, kept)]
        let spacing = (chart.plotRight - chart.left) / Double(max(columns.count - 1, 1))
        let xs = columns.indices.map { chart.left + Double($0) * spacing }
        let placed = columns.map { placedAxis($0, chart) }
        // Worst first, so the better lines lie on top; the best last of all.
        let order = kept.sorted { data.goodness($0.objective!.mean) < data.goodness($1.objective!.mean) }
        let best = data.best
        for summary in order {
            let points = zip(xs, zip(columns, placed)).map { x, pair in
                (x, pair.0.value(summary).map(pair.1.pixel) ?? chart.baseline)
            }
            let isBest = summary.trial.number == best
            chart.body += SVG.element(
                "polyline",
                [
                    "points": SVG.points(points), "fill": "none",
                    "stroke": isBest ? Palette.best : Palette.sequential(data.goodness(summary.objective!.mean)),
                    "stroke-width": isBest ? "3" : "1.2", "stroke-opacity": isBest ? "1" : "0.75",
                ], mark: true, title: data.tooltip(summary))
        }
        for (index, column) in columns.enumerated() {
            chart.body += drawAxis(column, placed[index], x: xs[index], chart: chart, width: spacing)
        }
        let (low, high) = data.objectiveRange
        chart.colorBar(
            title: data.run.objective.metric, low: low, high: high, darkIsLow: data.goal == .minimize, id: "parallel")
        let thinned = kept.count < finished.count ? " (\(kept.count) of \(finished.count) trials shown)" : ""
        return Figure(
            id: "parallel", title: "Parallel coordinates",
            caption: "Each line is one finished trial crossing every parameter's axis and, last, its "
                + "\(data.run.objective.metric); darker lines did better and the red line is the best\(thinned).",
            svg: chart.svg(id: "parallel", label: "Parallel coordinates"))
    }

    static func column(_ name: String, _ trials: [TrialSummary]) -> Column {
        let values = trials.compactMap { $0.trial.params[name] }
        let missing = values.count < trials.count
        switch PlotData.values(of: name, in: trials.map(\.trial)) {
        case .numeric:
            return Column(
                name: name, axis: .fitting(values.compactMap(\.number)),
                value: { $0.trial.params[name]?.number }, hasMissing: missing)
        case .categorical(let levels):
            let axis = Axis.categorical(levels)
            return Column(
                name: name, axis: axis,
                value: { summary in
                    summary.trial.params[name].flatMap { levels.firstIndex(of: $0.description) }.map(Double.init)
                }, hasMissing: missing)
        }
    }

    static func objectiveColumn(_ data: PlotData, _ trials: [TrialSummary]) -> Column {
        Column(
            name: data.run.objective.metric, axis: .linear(trials.compactMap { $0.objective?.mean }),
            value: { $0.objective?.mean })
    }

    /// The column's axis on the chart's height, leaving a "none" slot at the bottom when needed.
    static func placedAxis(_ column: Column, _ chart: Chart) -> Axis {
        column.axis.placed(chart.baseline - (column.hasMissing ? 18 : 0), chart.top)
    }

    /// The axis line, its ticks with labels, and its name above it.
    static func drawAxis(_ column: Column, _ axis: Axis, x: Double, chart: Chart, width: Double) -> String {
        var out = SVG.line(x, chart.top, x, chart.baseline, stroke: Palette.ink)
        let chars = max(4, Int(width / 6.5))
        for tick in axis.ticks {
            let y = axis.pixel(tick)
            out += SVG.line(x - 3, y, x, y, stroke: Palette.ink)
            out += tickText(Chart.clip(axis.label(tick), chars), x: x, y: y + 3.5)
        }
        if column.hasMissing { out += tickText("none", x: x, y: chart.baseline + 3.5) }
        out += SVG.text(Chart.clip(column.name, chars), x: x, y: chart.top - 10, anchor: "middle", size: 12)
        return out
    }

    /// A tick label beside its axis, on a white halo so lines behind it do not hide it.
    static func tickText(_ text: String, x: Double, y: Double) -> String {
        "<text x=\"\(SVG.n(x - 5))\" y=\"\(SVG.n(y))\" text-anchor=\"end\" stroke=\"white\" stroke-width=\"3\" "
            + "paint-order=\"stroke\">\(SVG.escape(text))</text>\n"
    }
}
