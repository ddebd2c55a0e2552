import Foundation

/// Pieces of a self-contained SVG document: elements with escaped text, coordinates at one
/// decimal (never NaN or infinite), and `class="mark"` on every mark a reader counts.
enum SVG {
    /// The document: a white background, one font stack the viewer already has, and
    /// `data-figure` naming the figure for the report's browser test.
    static func document(id: String, label: String, width: Double, height: Double, body: String) -> String {
        let (w, h) = (n(width), n(height))
        return """
            <svg xmlns="http://www.w3.org/2000/svg" data-figure="\(escape(id))" role="img" \
            aria-label="\(escape(label))" width="\(w)" height="\(h)" viewBox="0 0 \(w) \(h)" \
            font-family="sans-serif" font-size="11">
            <rect width="100%" height="100%" fill="white"/>

            """ + body + "</svg>\n"
    }

    /// One element: attributes in the given order, `class="mark"` first when it is a mark, and
    /// a `<title>` child as its tooltip.
    static func element(
        _ name: String, _ attributes: KeyValuePairs<String, String>, mark: Bool = false, title: String? = nil,
        text: String? = nil
    ) -> String {
        var out = "<" + name
        if mark { out += " class=\"mark\"" }
        for (key, value) in attributes { out += " \(key)=\"\(value)\"" }
        let inner = (title.map { "<title>\(escape($0))</title>" } ?? "") + (text.map(escape) ?? "")
        return out + (inner.isEmpty ? "/>\n" : ">\(inner)</\(name)>\n")
    }

    /// Text at a point; `anchor` is start, middle or end.
    static func text(
        _ content: String, x: Double, y: Double, anchor: String = "start", size: Int? = nil, fill: String? = nil,
        rotate: Bool = false
    ) -> String {
        var out = "<text x=\"\(n(x))\" y=\"\(n(y))\""
        if anchor != "start" { out += " text-anchor=\"\(anchor)\"" }
        if let size { out += " font-size=\"\(size)\"" }
        if let fill { out += " fill=\"\(fill)\"" }
        if rotate { out += " transform=\"rotate(-90 \(n(x)) \(n(y)))\"" }
        return out + ">\(escape(content))</text>\n"
    }

    static func line(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, stroke: String, extra: String = "")
        -> String
    {
        "<line x1=\"\(n(x1))\" y1=\"\(n(y1))\" x2=\"\(n(x2))\" y2=\"\(n(y2))\" stroke=\"\(stroke)\"\(extra)/>\n"
    }

    /// A polyline's `points` attribute.
    static func points(_ xy: [(Double, Double)]) -> String {
        xy.map { n($0.0) + "," + n($0.1) }.joined(separator: " ")
    }

    /// A coordinate with at most one decimal; NaN and infinities become 0 so no coordinate is
    /// ever invalid (the axes clamp values before they get here).
    static func n(_ value: Double) -> String {
        guard value.isFinite else { return "0" }
        let tenths = (min(max(value, -1e6), 1e6) * 10).rounded()
        if tenths == 0 { return "0" }
        let whole = Int(tenths) / 10, fraction = abs(Int(tenths) % 10)
        let sign = tenths < 0 && whole == 0 ? "-" : ""
        return fraction == 0 ? "\(sign)\(whole)" : "\(sign)\(whole).\(fraction)"
    }

    /// Text safe in element content and attribute values (control characters, which XML does
    /// not allow, become spaces).
    static func escape(_ text: String) -> String { HTMLText.escape(text, controlsAsSpaces: true) }

    /// A number as plots show it: 4 significant digits.
    static func number(_ value: Double) -> String { Significant.format(value) }
}
