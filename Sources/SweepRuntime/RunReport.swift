import Foundation
import SweepCore
import SweepReport

/// The run directory's report files — `report.md`, `report.html`, `trials.csv`, `results.csv`,
/// `best.json`, the spec as it ran and the model card — made from `run.db` alone (and, for
/// report.html, the failed tasks' logs beside it; for the card, the model beside it). The end of
/// a sweep writes them with `write`, after `RunRecord.recordRefit`; `sweep report` rewrites them
/// the same way, for a finished sweep, a running one (read-only: the coordinator is never made
/// to wait) or a crashed one.
public enum RunReport {
    /// What the files are made of, read from the run database in `directory`.
    public static func load(directory: String) throws -> RunSummary {
        try RunDatabase.openForReading(directory: directory).storedRun().summary
    }

    /// Rewrites the report files in `directory` from its run database; returns what they show.
    @discardableResult
    public static func write(directory: String) throws -> RunSummary {
        try write(directory: directory, database: RunDatabase.openForReading(directory: directory))
    }

    /// The same from a database already open; `restored`: its rows read since the sweep ended
    /// (the end of a sweep reads them once for the refit and once more here otherwise).
    /// `summary`: built from `restored` before the refit was recorded (see `storedReport`).
    static func write(
        directory: String, database: RunDatabase, restored: RunDatabase.Restored? = nil, summary: RunSummary? = nil
    ) throws -> RunSummary {
        let loaded = try loadForHTML(directory: directory, database: database, restored: restored, summary: summary)
        try RunDirectory.write(
            loaded.stored.summary, specText: loaded.stored.specText, specFileName: loaded.stored.specFileName,
            html: render(loaded, live: false), to: directory)
        try RetrainReport.addSection(directory: directory)
        try ModelCardFiles.write(directory: directory, summary: loaded.stored.summary, database: database)
        return loaded.stored.summary
    }

    /// `report.html` of the sweep in `directory`, as it stands now, without writing anything;
    /// `live` makes the page reload itself (the dashboard serves it so while the sweep runs).
    public static func html(directory: String, live: Bool = false) throws -> String {
        render(try loadForHTML(directory: directory), live: live)
    }

    typealias Loaded = (stored: StoredRun, details: ReportDetails, space: [SweepCore.Dimension])

    /// The summary and details from one read transaction, then the logs beside run.db.
    static func loadForHTML(
        directory: String, database: RunDatabase? = nil, restored: RunDatabase.Restored? = nil,
        summary: RunSummary? = nil
    ) throws -> Loaded {
        var loaded = try (database ?? RunDatabase.openForReading(directory: directory)).storedReport(
            restored: restored, summary: summary)
        let summary = loaded.stored.summary
        loaded.details.addFiles(directory: directory, failures: summary.failures, objective: summary.objective.metric)
        return loaded
    }

    static func render(_ loaded: Loaded, live: Bool) -> String {
        let summary = loaded.stored.summary
        let analysis = analyze(summary, details: loaded.details, space: loaded.space)
        return HTMLReport.render(
            summary: summary, details: loaded.details, statistics: analysis.statistics,
            importance: analysis.importance, figures: analysis.figures, live: live)
    }

    /// The statistics, importance and plots of the page: the one place they are computed.
    static func analyze(_ summary: RunSummary, details: ReportDetails, space: [SweepCore.Dimension]) -> (
        statistics: SelectionStatistics?, importance: ParameterImportance?, figures: [Figure]
    ) {
        let statistics = SelectionStatistics.compute(summary, space: space)
        let importance = ParameterImportance.fanova(summary, space: space)
        let figures = ReportFigures.make(summary: summary, details: details, importance: importance)
        return (statistics, importance, figures)
    }
}
