import Foundation

/// A self-contained SVG scatter plot (no scripts, fonts or files from elsewhere): points with
/// hover labels, some emphasized and joined by a line, some crossed out, an optional colour
/// scale for a third value, and axes with round-numbered ticks.
public struct ScatterPlot: Sendable {
    public struct Point: Sendable {
        public var x: Double
        public var y: Double
        /// A third value, shown as colour on the plot's scale (nil: grey).
        public var color: Double?
        /// Drawn larger with an outline (e.g. on the Pareto front).
        public var emphasized = false
        /// Drawn as a cross (e.g. infeasible).
        public var crossed = false
        /// Shown on hover.
        public var label: String

        public init(
            x: Double, y: Double, color: Double? = nil, emphasized: Bool = false, crossed: Bool = false,
            label: String
        ) {
            (self.x, self.y, self.color, self.emphasized, self.crossed, self.label) = (
                x, y, color, emphasized, crossed, label
            )
        }
    }

    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var colorLabel: String?
    public var points: [Point]
    /// Indices of points joined by a line, in this order.
    public var line: [Int] = []
    /// The legend's lines, after the title.
    public var legend: [String] = []

    static let (width, height) = (720.0, 480.0)
    static let (left, right, top, bottom) = (80.0, 30.0, 56.0, 56.0)

    public init(title: String, xLabel: String, yLabel: String, colorLabel: String? = nil, points: [Point]) {
        (self.title, self.xLabel, self.yLabel, self.colorLabel, self.points) = (
            title, xLabel, yLabel, colorLabel, points
        )
    }

    public func svg() -> String {
        let finite = points.filter { $0.x.isFinite && $0.y.isFinite }
        let xs = Self.ticks(finite.map(\.x)), ys = Self.ticks(finite.map(\.y))
        let colorBar = colorLabel == nil ? 0.0 : 70.0
        let plotRight = Self.width - Self.right - colorBar
        let sx = { (x: Double) in Self.left + (x - xs.first!) / (xs.last! - xs.first!) * (plotRight - Self.left) }
        let sy = { (y: Double) in
            Self.height - Self.bottom - (y - ys.first!) / (ys.last! - ys.first!)
                * (Self.height - Self.top - Self.bottom)
        }
        let colors = finite.compactMap(\.color).filter(\.isFinite)
        let range = (colors.min() ?? 0, colors.max() ?? 1)
        var out = """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(Self.width))" height="\(Int(Self.height))" \
            viewBox="0 0 \(Int(Self.width)) \(Int(Self.height))" font-family="sans-serif" font-size="12">
            <rect width="100%" height="100%" fill="white"/>
            <text x="\(Int(Self.left))" y="20" font-size="15">\(Self.escape(title))</text>\n
            """
        for (index, line) in legend.enumerated() {
            out += "<text x=\"\(Int(Self.left))\" y=\"\(38 + 14 * index)\" fill=\"#555\">\(Self.escape(line))</text>\n"
        }
        out += axes(xs, ys, sx, sy, plotRight: plotRight)
        if line.count > 1 {
            let path = line.map { "\(Self.n(sx(points[$0].x))),\(Self.n(sy(points[$0].y)))" }.joined(separator: " ")
            out += "<polyline points=\"\(path)\" fill=\"none\" stroke=\"#1f4e9c\" stroke-width=\"1.5\"/>\n"
        }
        // Plain points first, so emphasized ones stay on top.
        for point in finite.sorted(by: { !$0.emphasized && $1.emphasized }) {
            out += mark(
                point, sx(point.x), sy(point.y),
                fill: point.color.map { Self.color(($0 - range.0) / max(range.1 - range.0, 1e-300)) })
        }
        if let colorLabel { out += scale(colorLabel, range, x: plotRight + 20) }
        return out + "</svg>\n"
    }

    /// Both axes: frame, ticks with their values, and the axis names.
    func axes(
        _ xs: [Double], _ ys: [Double], _ sx: (Double) -> Double, _ sy: (Double) -> Double, plotRight: Double
    ) -> String {
        let baseline = Self.height - Self.bottom
        var out = "<rect x=\"\(Int(Self.left))\" y=\"\(Int(Self.top))\" width=\"\(Self.n(plotRight - Self.left))\" "
        out += "height=\"\(Self.n(baseline - Self.top))\" fill=\"none\" stroke=\"#333\"/>\n"
        for x in xs {
            let px = Self.n(sx(x))
            out +=
                "<line x1=\"\(px)\" y1=\"\(Self.n(baseline))\" x2=\"\(px)\" y2=\"\(Self.n(baseline + 5))\" stroke=\"#333\"/>"
            out += "<text x=\"\(px)\" y=\"\(Self.n(baseline + 18))\" text-anchor=\"middle\">\(Self.label(x))</text>\n"
        }
        for y in ys {
            let py = Self.n(sy(y))
            out +=
                "<line x1=\"\(Self.n(Self.left - 5))\" y1=\"\(py)\" x2=\"\(Self.n(Self.left))\" y2=\"\(py)\" stroke=\"#333\"/>"
            out +=
                "<text x=\"\(Self.n(Self.left - 8))\" y=\"\(py)\" dy=\"4\" text-anchor=\"end\">\(Self.label(y))</text>\n"
        }
        out +=
            "<text x=\"\(Self.n((Self.left + plotRight) / 2))\" y=\"\(Self.n(Self.height - 12))\" text-anchor=\"middle\">"
        out += "\(Self.escape(xLabel))</text>\n"
        let middle = Self.n((Self.top + baseline) / 2)
        out += "<text x=\"18\" y=\"\(middle)\" text-anchor=\"middle\" transform=\"rotate(-90 18 \(middle))\">"
        return out + "\(Self.escape(yLabel))</text>\n"
    }

    /// One point: a circle (larger and outlined when emphasized) or a cross, with its hover label.
    func mark(_ point: Point, _ x: Double, _ y: Double, fill: String?) -> String {
        let title = "<title>\(Self.escape(point.label))</title>"
        let (px, py) = (Self.n(x), Self.n(y))
        if point.crossed {
            let (a, b, c, d) = (Self.n(x - 4), Self.n(x + 4), Self.n(y - 4), Self.n(y + 4))
            return
                "<path d=\"M\(a) \(c)L\(b) \(d)M\(a) \(d)L\(b) \(c)\" stroke=\"\(fill ?? "#c0392b")\" stroke-width=\"2\">\(title)</path>\n"
        }
        if point.emphasized {
            return
                "<circle cx=\"\(px)\" cy=\"\(py)\" r=\"6\" fill=\"\(fill ?? "#1f4e9c")\" stroke=\"black\" stroke-width=\"1.5\">\(title)</circle>\n"
        }
        return
            "<circle cx=\"\(px)\" cy=\"\(py)\" r=\"4\" fill=\"\(fill ?? "#9aa5b1")\" fill-opacity=\"0.8\">\(title)</circle>\n"
    }

    /// The colour scale: a vertical gradient from the lowest value (bottom) to the highest.
    func scale(_ name: String, _ range: (Double, Double), x: Double) -> String {
        let (top, bottom) = (Self.top, Self.height - Self.bottom)
        var out = "<defs><linearGradient id=\"scale\" x1=\"0\" y1=\"1\" x2=\"0\" y2=\"0\">"
        for stop in 0...4 {
            out += "<stop offset=\"\(stop * 25)%\" stop-color=\"\(Self.color(Double(stop) / 4))\"/>"
        }
        out += "</linearGradient></defs>\n"
        out +=
            "<rect x=\"\(Self.n(x))\" y=\"\(Self.n(top))\" width=\"14\" height=\"\(Self.n(bottom - top))\" fill=\"url(#scale)\"/>\n"
        out += "<text x=\"\(Self.n(x + 18))\" y=\"\(Self.n(top + 4))\">\(Self.label(range.1))</text>"
        out += "<text x=\"\(Self.n(x + 18))\" y=\"\(Self.n(bottom))\">\(Self.label(range.0))</text>\n"
        let middle = Self.n((top + bottom) / 2)
        out += "<text x=\"\(Self.n(x + 7))\" y=\"\(middle)\" text-anchor=\"middle\" "
        return out + "transform=\"rotate(-90 \(Self.n(x - 6)) \(middle))\">\(Self.escape(name))</text>\n"
    }

    /// Round-numbered ticks (steps of 1, 2 or 5 × 10ᵏ) covering the values, about five of them.
    static func ticks(_ values: [Double]) -> [Double] {
        var (low, high) = (values.min() ?? 0, values.max() ?? 1)
        if high - low < 1e-12 * max(1, abs(high)) {
            (low, high) = (low - max(0.5, abs(low) * 0.1), high + max(0.5, abs(high) * 0.1))
        }
        // A little room, so no point sits on the frame.
        (low, high) = (low - 0.04 * (high - low), high + 0.04 * (high - low))
        let raw = (high - low) / 5
        let exponent = log10(raw).rounded(.down)
        let multiple = [1.0, 2, 5, 10].first { $0 * pow(10, exponent) >= raw } ?? 10
        // k × multiple × 10^exponent, divided rather than multiplied by a negative power of ten,
        // so 0.7 is 0.7 and not 0.7000000000000001.
        let value = { (k: Double) in
            exponent < 0 ? k * multiple / pow(10, -exponent) : k * multiple * pow(10, exponent)
        }
        let step = value(1)
        let (first, last) = ((low / step).rounded(.down), (high / step).rounded(.up))
        return (0...max(1, Int(last - first))).map { value(first + Double($0)) }
    }

    /// A colour on a dark-blue → teal → yellow scale, for t in [0, 1].
    static func color(_ t: Double) -> String {
        let stops: [(Double, Double, Double)] = [(68, 1, 84), (33, 145, 140), (253, 231, 37)]
        let clamped = min(1, max(0, t.isFinite ? t : 0)) * 2
        let index = min(1, Int(clamped))
        let f = clamped - Double(index)
        let (a, b) = (stops[index], stops[index + 1])
        let channel = { (x: Double, y: Double) -> String in
            let value = String(min(255, max(0, Int((x + (y - x) * f).rounded()))), radix: 16)
            return value.count == 1 ? "0" + value : value
        }
        return "#" + channel(a.0, b.0) + channel(a.1, b.1) + channel(a.2, b.2)
    }

    /// A tick value: up to 4 significant digits, without trailing zeros.
    static func label(_ value: Double) -> String {
        let rounded = abs(value) < 1e-12 ? 0 : value
        var text = CFormat.g(rounded, digits: 4)
        if text.contains("."), !text.contains("e") { while text.hasSuffix("0") { text.removeLast() } }
        if text.hasSuffix(".") { text.removeLast() }
        return text
    }

    /// A coordinate with one decimal.
    static func n(_ value: Double) -> String { CFormat.f(value, decimals: 1) }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
