import SweepCore

/// `timeline`: a Gantt chart of the workers. One row per worker (its host in the label), a bar
/// per attempt from when it started running to when its result arrived, coloured by status;
/// attempts without a result hatched red up to when their worker was lost or the task was
/// dispatched again (grey up to the end when nothing says so: still running). Seconds since
/// the sweep started on x; empty space is idle time.
///
/// Marks: one bar per attempt; a row with more than `Thinning.bars` attempts has neighbours
/// merged (same status and nearly touching first, then in even groups), one mark per merged bar.
enum TimelineFigure {
    static func make(_ details: ReportDetails) -> Figure? {
        guard !details.attempts.isEmpty else { return nil }
        let rows = TimelineRows.build(details)
        let end = rows.flatMap(\.bars).map(\.end).max() ?? 1
        let labels = rows.map { Chart.clip("\($0.worker) @ \($0.host)", 24) }
        let longest = Double(labels.map(\.count).max() ?? 4)
        var chart = Chart(
            x: .linear([0, end], zero: true, padding: 0.01), y: .categorical(labels),
            height: 88 + 24 * Double(rows.count), left: 20 + 6.5 * longest)
        chart.y = Axis.categorical(labels).placed(chart.top, chart.baseline)
        chart.body += patterns
        chart.drawAxes(xLabel: "seconds since the sweep started", yLabel: "", xGrid: true, yGrid: false)
        let height = min(16, chart.y.bandwidth * 0.7)
        for (index, row) in rows.enumerated() {
            let y = chart.y.pixel(Double(index)) - height / 2
            for bar in TimelineRows.bounded(row.bars, span: end) {
                let (x0, x1) = (chart.x.pixel(bar.start), chart.x.pixel(bar.end))
                chart.body += SVG.element(
                    "rect",
                    [
                        "x": SVG.n(x0), "y": SVG.n(y), "width": SVG.n(max(x1 - x0, 1)), "height": SVG.n(height),
                        "fill": fill(bar.kind), "fill-opacity": bar.counted ? "1" : "0.45",
                    ], mark: true, title: bar.title)
            }
            for lost in row.losses {
                let x = chart.x.pixel(lost.at)
                chart.body += SVG.element(
                    "path",
                    [
                        "d": "M\(SVG.n(x)) \(SVG.n(y - 3))V\(SVG.n(y + height + 3))", "stroke": Palette.lost,
                        "stroke-width": "2",
                    ], title: lost.detail)
            }
        }
        chart.legend([
            (Symbol.square(Palette.ok), "ok"), (Symbol.square(Palette.failed), "failed"),
            (Symbol.square(Palette.pruned), "stopped early"), (Symbol.square("url(#timeline-lost)"), "lost, re-queued"),
            (Symbol.square("url(#timeline-running)"), "no result yet"),
        ])
        let (busy, span) = rows.reduce((0.0, 0.0)) { ($0.0 + $1.busy, $0.1 + $1.span) }
        let share = span > 0 ? busy / span : 1
        return Figure(
            id: "timeline", title: "Worker timeline",
            caption: "Each row is a worker and each bar one attempt of a task on it (pale: a result not counted); "
                + "empty space is idle time: between their first and last task the workers were busy "
                + "\(SVG.number((share * 1000).rounded() / 10))% and idle \(SVG.number(((1 - share) * 1000).rounded() / 10))% of the time.",
            svg: chart.svg(id: "timeline", label: "Worker timeline"))
    }

    static func fill(_ kind: TimelineRows.Kind) -> String {
        switch kind {
        case .ok: Palette.ok
        case .failed: Palette.failed
        case .pruned: Palette.pruned
        case .lost: "url(#timeline-lost)"
        case .running: "url(#timeline-running)"
        }
    }

    static let patterns = """
        <defs><pattern id="timeline-lost" patternUnits="userSpaceOnUse" width="6" height="6" \
        patternTransform="rotate(45)"><rect width="6" height="6" fill="#f6d5d1"/>\
        <path d="M0 0V6" stroke="#c0392b" stroke-width="2.5"/></pattern>\
        <pattern id="timeline-running" patternUnits="userSpaceOnUse" width="6" height="6" \
        patternTransform="rotate(45)"><rect width="6" height="6" fill="#eceff1"/>\
        <path d="M0 0V6" stroke="#9aa5b1" stroke-width="2.5"/></pattern></defs>

        """
}
