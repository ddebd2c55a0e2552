/// The figures of `report.html`, from the run's summary and details: those that have data, in
/// the report's order (history, parallel coordinates, one slice per parameter, importance,
/// per-fold spread, intermediate values, worker timeline), each with a sentence on how to
/// read it.
public enum ReportFigures {
    public static func make(summary: RunSummary, details: ReportDetails, importance: ParameterImportance?) -> [Figure] {
        let data = PlotData(summary)
        var figures: [Figure?] = [pareto(summary), HistoryFigure.make(data), ParallelFigure.make(data)]
        figures += summary.paramNames.map { SliceFigure.make(data, parameter: $0) }
        figures += [
            importance.flatMap(ImportanceFigure.make), FoldsFigure.make(data), IntermediateFigure.make(data, details),
            TimelineFigure.make(details),
        ]
        return figures.compactMap { $0 }
    }

    /// A multi-objective sweep's front, as `pareto.svg` draws it, first: it is what won.
    static func pareto(_ summary: RunSummary) -> Figure? {
        guard let svg = ParetoPlot.svg(summary), let root = svg.range(of: "<svg ") else { return nil }
        return Figure(
            id: "pareto", title: "Pareto front",
            caption: "Each point is a complete trial on the first two objectives' means; the large outlined ones are "
                + "on the Pareto front (no other trial is at least as good on every objective and better on one)"
                + (summary.constraints.isEmpty ? "." : "; a cross misses a constraint."),
            svg: svg.replacingCharacters(in: root, with: "<svg data-figure=\"pareto\" "))
    }
}
