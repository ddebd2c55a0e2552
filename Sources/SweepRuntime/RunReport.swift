import Foundation
import SweepReport

/// The run directory's report files — `report.md`, `trials.csv`, `results.csv`, `best.json` and
/// the spec as it ran — made from `run.db` alone. The end of a sweep writes them with `write`,
/// after `RunRecord.recordRefit`; `sweep report` rewrites them the same way, for a finished
/// sweep, a running one (read-only: the coordinator is never made to wait) or a crashed one.
public enum RunReport {
    /// What the files are made of, read from the run database in `directory`.
    public static func load(directory: String) throws -> RunSummary {
        try RunDatabase.openForReading(directory: directory).storedRun().summary
    }

    /// Rewrites the report files in `directory` from its run database; returns what they show.
    @discardableResult
    public static func write(directory: String) throws -> RunSummary {
        let stored = try RunDatabase.openForReading(directory: directory).storedRun()
        try RunDirectory.write(
            stored.summary, specText: stored.specText, specFileName: stored.specFileName, to: directory)
        return stored.summary
    }
}
