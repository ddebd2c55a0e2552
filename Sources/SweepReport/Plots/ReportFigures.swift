/// The figures of `report.html`, from the run's summary and details: those that have data, in
/// the report's order (history, parallel coordinates, one slice per parameter, importance,
/// per-fold spread, intermediate values, worker timeline), each with a sentence on how to
/// read it.
public enum ReportFigures {
    public static func make(summary: RunSummary, details: ReportDetails, importance: ParameterImportance?) -> [Figure] {
        let data = PlotData(summary)
        var figures: [Figure?] = [HistoryFigure.make(data), ParallelFigure.make(data)]
        figures += summary.paramNames.map { SliceFigure.make(data, parameter: $0) }
        figures += [
            importance.flatMap(ImportanceFigure.make), FoldsFigure.make(data), IntermediateFigure.make(data, details),
            TimelineFigure.make(details),
        ]
        return figures.compactMap { $0 }
    }
}
