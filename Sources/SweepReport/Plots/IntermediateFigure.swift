import SweepCore

/// `intermediate`: the intermediate values trials reported, one line per trial over its steps
/// (at each step, the mean over the folds that reported it), finished trials coloured by their
/// objective (darker is better), the best in red, trials stopped early dashed grey with a cross
/// where the rule stopped them (at the decision's step, or the trial's last one when the rule
/// decided on a fold's final result).
///
/// Marks: one line per trial, at most `Thinning.lines` (the 100 best and the stopped ones kept
/// first), each of at most `Thinning.vertices` vertices; plus one cross per stopped trial drawn.
enum IntermediateFigure {
    struct Line {
        var trial: Int
        /// Step, mean over folds, and how many folds reported it.
        var points: [(step: Int, value: Double, folds: Int)]
    }

    static func make(_ data: PlotData, _ details: ReportDetails) -> Figure? {
        let all = lines(details.intermediate)
        guard !all.isEmpty else { return nil }
        let stops = Dictionary(data.run.stops.map { ($0.decision.trial, $0.decision) }, uniquingKeysWith: { a, _ in a })
        let keep = data.topTrials(100).union(stops.keys)
        let kept = Thinning.indices(
            count: all.count, limit: Thinning.lines, keep: Set(all.indices.filter { keep.contains(all[$0].trial) })
        ).map { all[$0] }
        let summaries = Dictionary(data.run.summaries.map { ($0.trial.number, $0) }, uniquingKeysWith: { a, _ in a })
        var chart = Chart(
            x: .linear(kept.flatMap { $0.points.map { Double($0.step) } }),
            y: .linear(kept.flatMap { $0.points.map(\.value) }))
        chart.drawAxes(xLabel: "step", yLabel: "intermediate \(data.run.objective.metric)")
        let rank = { (line: Line) -> Double in
            if line.trial == data.best { return 3 }
            guard let mean = summaries[line.trial]?.objective?.mean, summaries[line.trial]?.status == .ok else {
                return -1
            }
            return data.goodness(mean)
        }
        for line in kept.sorted(by: { rank($0) < rank($1) }) {
            chart.body += draw(
                line, summary: summaries[line.trial], data: data, chart: chart, stopped: stops[line.trial] != nil)
        }
        for line in kept { if let stop = stops[line.trial] { chart.body += stopMark(line, stop, chart) } }
        chart.legend([
            (Symbol.segment(Palette.sequential(0.8)), "finished (darker is better)"),
            (Symbol.segment(Palette.best), "best"), (Symbol.segment(Palette.neutral, dashed: true), "stopped early"),
            (Symbol.cross(Palette.pruned), "where it was stopped"),
        ])
        let thinned = kept.count < all.count ? " (\(kept.count) of \(all.count) trials shown)" : ""
        return Figure(
            id: "intermediate", title: "Intermediate values",
            caption: "Each line is one trial's reported \(data.run.objective.metric) per step (mean over its folds); "
                + "dashed lines were stopped early at the orange cross, the red line is the best\(thinned).",
            svg: chart.svg(id: "intermediate", label: "Intermediate values"))
    }

    /// Per trial, per step, the mean of the finite values reported.
    static func lines(_ values: [ReportDetails.Intermediate]) -> [Line] {
        var sums: [Int: [Int: (sum: Double, count: Int)]] = [:]
        for value in values where value.value.isFinite {
            let entry = sums[value.task.trial, default: [:]][value.step] ?? (0, 0)
            sums[value.task.trial, default: [:]][value.step] = (entry.sum + value.value, entry.count + 1)
        }
        return sums.keys.sorted().map { trial in
            let steps = sums[trial]!.sorted { $0.key < $1.key }
            let points = steps.map {
                (step: $0.key, value: $0.value.sum / Double($0.value.count), folds: $0.value.count)
            }
            return Line(trial: trial, points: Thinning.evenly(points, limit: Thinning.vertices))
        }
    }

    static func draw(_ line: Line, summary: TrialSummary?, data: PlotData, chart: Chart, stopped: Bool) -> String {
        let xy = line.points.map { (chart.x.pixel(Double($0.step)), chart.y.pixel($0.value)) }
        var stroke = Palette.neutral, width = "1.2", extra = ""
        if line.trial == data.best {
            (stroke, width) = (Palette.best, "2.5")
        } else if let mean = summary?.objective?.mean, summary?.status == .ok {
            stroke = Palette.sequential(data.goodness(mean))
        }
        if stopped { extra = " stroke-dasharray=\"4 3\"" }
        let last = line.points.last!
        let title =
            "trial \(line.trial): \(SVG.number(last.value)) at step \(last.step)"
            + (stopped ? " (stopped early)" : "")
        let points = xy.count == 1 ? [xy[0], (xy[0].0 + 0.1, xy[0].1)] : xy
        return "<polyline class=\"mark\" points=\"\(SVG.points(points))\" fill=\"none\" stroke=\"\(stroke)\" "
            + "stroke-width=\"\(width)\" stroke-linecap=\"round\"\(extra)><title>\(SVG.escape(title))</title></polyline>\n"
    }

    /// A cross at the step the rule stopped the trial, on its line.
    static func stopMark(_ line: Line, _ stop: StopDecision, _ chart: Chart) -> String {
        let step = stop.step ?? line.points.last!.step
        let point = line.points.last { $0.step <= step } ?? line.points[0]
        let title =
            "trial \(stop.trial) stopped by \(stop.rule.rawValue)"
            + (stop.step.map { " at step \($0)" } ?? " after a fold's result") + ": \(stop.reason)"
        return Symbol.cross(
            Palette.pruned, at: (chart.x.pixel(Double(step)), chart.y.pixel(point.value)), size: 4.5, mark: true,
            title: title)
    }
}
