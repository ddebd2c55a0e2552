import Foundation

/// One plot area in an SVG of fixed size: its two axes placed on the area, the frame, ticks,
/// grid lines, axis names, an optional legend row and colour bar. Figures add their marks to
/// `body` and call `svg()`.
struct Chart {
    static let width = 720.0
    var height = 360.0
    var left = 72.0
    var right = 24.0
    var top = 30.0
    var bottom = 44.0
    var x: Axis
    var y: Axis
    var body = ""

    /// Places the axes on the plot area; `colorBar` keeps room on the right for one.
    init(x: Axis, y: Axis, height: Double = 360, left: Double = 72, colorBar: Bool = false) {
        (self.height, self.left) = (height, left)
        if colorBar { right = 96 }
        self.x = x.placed(left, Self.width - right)
        self.y = y.placed(height - bottom, top)
    }

    var plotRight: Double { Self.width - right }
    var baseline: Double { height - bottom }

    /// Frame, grid, ticks with their labels, and the axes' names.
    mutating func drawAxes(xLabel: String, yLabel: String, xGrid: Bool = false, yGrid: Bool = true) {
        for tick in x.ticks {
            let px = x.pixel(tick)
            if xGrid { body += SVG.line(px, top, px, baseline, stroke: Palette.grid) }
            body += SVG.line(px, baseline, px, baseline + 4, stroke: Palette.ink)
            body += SVG.text(x.label(tick), x: px, y: baseline + 16, anchor: "middle")
        }
        for tick in y.ticks {
            let py = y.pixel(tick)
            if yGrid { body += SVG.line(left, py, plotRight, py, stroke: Palette.grid) }
            body += SVG.line(left - 4, py, left, py, stroke: Palette.ink)
            body += SVG.text(Self.clip(y.label(tick), 14), x: left - 7, y: py + 4, anchor: "end")
        }
        body += SVG.element(
            "rect",
            [
                "x": SVG.n(left), "y": SVG.n(top), "width": SVG.n(plotRight - left), "height": SVG.n(baseline - top),
                "fill": "none", "stroke": Palette.ink,
            ])
        body += SVG.text(xLabel, x: (left + plotRight) / 2, y: height - 8, anchor: "middle")
        body += SVG.text(yLabel, x: 14, y: (top + baseline) / 2, anchor: "middle", rotate: true)
    }

    /// A row of legend entries above the plot: each a small symbol (SVG drawn around 0,0) and text.
    mutating func legend(_ entries: [(symbol: String, text: String)]) {
        var cursor = left
        for entry in entries {
            body += "<g transform=\"translate(\(SVG.n(cursor + 6)) \(SVG.n(top - 12)))\">\(entry.symbol)</g>\n"
            body += SVG.text(entry.text, x: cursor + 16, y: top - 8)
            cursor += 26 + Double(entry.text.count) * 6
        }
    }

    /// A vertical colour bar right of the plot: `low` at the bottom (light), `high` at the top
    /// (dark), or the other way round when `darkIsLow` (so the dark end is always the better one).
    mutating func colorBar(title: String, low: Double, high: Double, darkIsLow: Bool = false, id: String) {
        let x = plotRight + 18
        let gradient = "g-" + id.filter { $0.isLetter || $0.isNumber || $0 == "-" }
        body += "<defs><linearGradient id=\"\(gradient)\" x1=\"0\" y1=\"1\" x2=\"0\" y2=\"0\">"
        for stop in 0...8 {
            let t = Double(stop) / 8
            body += "<stop offset=\"\(SVG.n(t * 100))%\" stop-color=\"\(Palette.sequential(darkIsLow ? 1 - t : t))\"/>"
        }
        body += "</linearGradient></defs>\n"
        body += SVG.element(
            "rect",
            [
                "x": SVG.n(x), "y": SVG.n(top), "width": "12", "height": SVG.n(baseline - top),
                "fill": "url(#\(gradient))",
            ])
        body += SVG.text(SVG.number(high), x: x + 16, y: top + 8)
        body += SVG.text(SVG.number(low), x: x + 16, y: baseline)
        body += SVG.text(title, x: x + 34, y: (top + baseline) / 2, anchor: "middle", rotate: true)
    }

    func svg(id: String, label: String) -> String {
        SVG.document(id: id, label: label, width: Self.width, height: height, body: body)
    }

    /// Text cut to `limit` characters with an ellipsis, for tick labels that must fit.
    static func clip(_ text: String, _ limit: Int) -> String {
        text.count <= limit ? text : String(text.prefix(limit - 1)) + "…"
    }
}
