import Foundation
import SweepCore

/// `folds`: the spread over folds of the top trials (up to ten, best first): a box from the
/// first to the third quartile with the median, whiskers to the farthest folds within 1.5
/// interquartile ranges, and every fold's score as a point.
///
/// Marks: one box per trial and one point per fold score.
enum FoldsFigure {
    static let trials = 10

    static func make(_ data: PlotData) -> Figure? {
        let top = Array(data.run.ranked.filter { $0.foldScores.contains(where: \.isFinite) }.prefix(trials))
        guard !top.isEmpty, data.run.folds > 1 else { return nil }
        let labels = top.map { "#\($0.trial.number)" }
        var chart = Chart(
            x: .categorical(labels), y: .linear(top.flatMap { $0.foldScores.filter(\.isFinite) }))
        chart.drawAxes(xLabel: "trial (best first)", yLabel: data.run.objective.metric + " per fold")
        let width = min(36, chart.x.bandwidth * 0.5)
        for (index, summary) in top.enumerated() {
            let scores = summary.foldScores.filter(\.isFinite).sorted()
            let x = chart.x.pixel(Double(index))
            chart.body += box(scores, x: x, width: width, chart: chart, title: boxTitle(summary, scores))
            for (fold, score) in summary.foldScores.enumerated() where score.isFinite {
                let dx = (Double(fold) / Double(max(summary.foldScores.count - 1, 1)) - 0.5) * width * 0.6
                chart.body += Symbol.dot(
                    "#222", at: (x + dx, chart.y.pixel(score)), radius: 2.5, mark: true,
                    title: "trial \(summary.trial.number) fold \(fold): \(SVG.number(score))", opacity: "0.7")
            }
        }
        return Figure(
            id: "folds", title: "Per-fold spread of the top trials",
            caption: "Each column is one of the best trials (best on the left): the box spans the middle half "
                + "of its fold scores with the median inside, and each dot is one fold.",
            svg: chart.svg(id: "folds", label: "Per-fold spread of the top trials"))
    }

    /// The box, median and whiskers as one mark.
    static func box(_ sorted: [Double], x: Double, width: Double, chart: Chart, title: String) -> String {
        let (q1, median, q3) = (quantile(sorted, 0.25), quantile(sorted, 0.5), quantile(sorted, 0.75))
        let reach = 1.5 * (q3 - q1)
        let low = sorted.first { $0 >= q1 - reach } ?? q1, high = sorted.last { $0 <= q3 + reach } ?? q3
        let (y1, y3) = (chart.y.pixel(q3), chart.y.pixel(q1))
        var out = "<g class=\"mark\"><title>\(SVG.escape(title))</title>"
        out += "<rect x=\"\(SVG.n(x - width / 2))\" y=\"\(SVG.n(y1))\" width=\"\(SVG.n(width))\" "
        out += "height=\"\(SVG.n(max(y3 - y1, 1)))\" fill=\"#d7e6ee\" stroke=\"\(Palette.ok)\"/>"
        let ym = SVG.n(chart.y.pixel(median))
        out += "<path d=\"M\(SVG.n(x - width / 2)) \(ym)H\(SVG.n(x + width / 2))"
        out +=
            "M\(SVG.n(x)) \(SVG.n(y1))V\(SVG.n(chart.y.pixel(high)))M\(SVG.n(x)) \(SVG.n(y3))V\(SVG.n(chart.y.pixel(low)))\""
        return out + " stroke=\"\(Palette.ok)\" stroke-width=\"1.5\"/></g>\n"
    }

    static func boxTitle(_ summary: TrialSummary, _ sorted: [Double]) -> String {
        let numbers = [0.25, 0.5, 0.75].map { SVG.number(quantile(sorted, $0)) }
        return "trial \(summary.trial.number): median \(numbers[1]), quartiles \(numbers[0])–\(numbers[2]), "
            + "\(sorted.count) folds"
    }

    /// The q-quantile by linear interpolation between order statistics (numpy's default).
    static func quantile(_ sorted: [Double], _ q: Double) -> Double {
        guard !sorted.isEmpty else { return .nan }
        let position = q * Double(sorted.count - 1)
        let (index, f) = (Int(position), position - position.rounded(.down))
        return index + 1 < sorted.count ? sorted[index] + (sorted[index + 1] - sorted[index]) * f : sorted[index]
    }
}
