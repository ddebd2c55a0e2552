/// One plot of `report.html`: a self-contained SVG with its title and a sentence on how to read
/// it. Every mark a reader counts (a point, a line, a box, a bar) carries `class="mark"`, so a
/// browser test can count them per figure (`data-figure` on the SVG names the figure).
public struct Figure: Sendable, Equatable {
    /// A stable name (`history`, `parallel`, `slice-C`, `importance`, `folds`, `intermediate`,
    /// `timeline`), used as the HTML anchor and `data-figure`.
    public var id: String
    public var title: String
    public var caption: String
    public var svg: String

    public init(id: String, title: String, caption: String, svg: String) {
        (self.id, self.title, self.caption, self.svg) = (id, title, caption, svg)
    }
}
