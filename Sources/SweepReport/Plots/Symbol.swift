/// Small marks drawn at a point: dots, rings, crosses, and a short line segment for legends.
enum Symbol {
    static func dot(
        _ fill: String, at point: (Double, Double) = (0, 0), radius: Double = 3.5, mark: Bool = false,
        title: String? = nil, opacity: String? = nil
    ) -> String {
        var attributes = "cx=\"\(SVG.n(point.0))\" cy=\"\(SVG.n(point.1))\" r=\"\(SVG.n(radius))\" fill=\"\(fill)\""
        if let opacity { attributes += " fill-opacity=\"\(opacity)\"" }
        return shape("circle", attributes, mark: mark, title: title)
    }

    static func ring(
        _ stroke: String, at point: (Double, Double) = (0, 0), radius: Double = 3.5, fill: String = "white",
        mark: Bool = false, title: String? = nil
    ) -> String {
        shape(
            "circle",
            "cx=\"\(SVG.n(point.0))\" cy=\"\(SVG.n(point.1))\" r=\"\(SVG.n(radius))\" fill=\"\(fill)\" "
                + "stroke=\"\(stroke)\" stroke-width=\"1.5\"",
            mark: mark, title: title)
    }

    static func cross(
        _ stroke: String, at point: (Double, Double) = (0, 0), size: Double = 3.5, mark: Bool = false,
        title: String? = nil
    ) -> String {
        let (a, b) = (SVG.n(point.0 - size), SVG.n(point.0 + size))
        let (c, d) = (SVG.n(point.1 - size), SVG.n(point.1 + size))
        return shape(
            "path", "d=\"M\(a) \(c)L\(b) \(d)M\(a) \(d)L\(b) \(c)\" stroke=\"\(stroke)\" stroke-width=\"2\"",
            mark: mark, title: title)
    }

    /// A legend's line sample.
    static func segment(_ stroke: String, dashed: Bool = false) -> String {
        "<path d=\"M-6 0H6\" stroke=\"\(stroke)\" stroke-width=\"2\"\(dashed ? " stroke-dasharray=\"3 2\"" : "")/>"
    }

    /// A legend's filled square.
    static func square(_ fill: String, extra: String = "") -> String {
        "<rect x=\"-5\" y=\"-5\" width=\"10\" height=\"10\" fill=\"\(fill)\"\(extra)/>"
    }

    static func shape(_ name: String, _ attributes: String, mark: Bool, title: String?) -> String {
        let open = "<\(name)\(mark ? " class=\"mark\"" : "") \(attributes)"
        guard let title else { return open + "/>\n" }
        return open + "><title>\(SVG.escape(title))</title></\(name)>\n"
    }
}
