/// `importance`: one horizontal bar per parameter, its share of the objective's variance, most
/// important at the top, the method in the caption.
///
/// Marks: one bar per parameter.
enum ImportanceFigure {
    static func make(_ importance: ParameterImportance) -> Figure? {
        guard !importance.values.isEmpty else { return nil }
        let names = importance.values.map(\.name)
        let shares = importance.values.map { $0.importance.isFinite ? $0.importance : 0 }
        let longest = min(24, names.map(\.count).max() ?? 4)
        var chart = Chart(
            x: .linear(shares, zero: true, padding: 0.1), y: .categorical(names.reversed()),
            height: 74 + 24 * Double(names.count), left: 24 + 6.5 * Double(longest))
        chart.top = 14
        chart.y = Axis.categorical(names.reversed()).placed(chart.baseline, chart.top)
        chart.drawAxes(xLabel: "share of the objective's variance", yLabel: "", xGrid: true, yGrid: false)
        let band = chart.y.bandwidth * 0.7
        for (index, share) in shares.enumerated() {
            let y = chart.y.pixel(Double(names.count - 1 - index))
            let (x0, x1) = (chart.x.pixel(0), chart.x.pixel(share))
            chart.body += SVG.element(
                "rect",
                [
                    "x": SVG.n(min(x0, x1)), "y": SVG.n(y - band / 2), "width": SVG.n(abs(x1 - x0)),
                    "height": SVG.n(band), "fill": Palette.ok,
                ], mark: true, title: "\(names[index]): \(SVG.number(share))")
            chart.body += SVG.text(SVG.number(share), x: max(x0, x1) + 4, y: y + 4, fill: "#555")
        }
        return Figure(
            id: "importance", title: "Parameter importance",
            caption:
                "Each bar is a parameter's share of the variance of the \(importance.method.isEmpty ? "objective" : "objective, by \(importance.method)"); "
                + "longer bars mattered more to the result.",
            svg: chart.svg(id: "importance", label: "Parameter importance"))
    }
}
