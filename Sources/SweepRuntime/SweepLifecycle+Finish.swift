import Foundation
import SweepCore
import SweepReport

/// How a sweep ended, for the command that ran it to tell the user.
public struct SweepEnd: Sendable {
    public let directory: String
    /// Every task ended (false: stopped first).
    public let complete: Bool
    public let best: TrialSummary?
    /// The refitted model's file in the run directory, if one was written.
    public let modelFile: String?
    /// From serving to the last task's end (or to the stop).
    public let wallSeconds: Double

    /// The sweep finished with a best trial (exit status 0).
    public var succeeded: Bool { complete && best != nil }
}

extension SweepLifecycle {
    /// Marks the sweep finished or stopped, refits the best trial, and writes the run directory.
    func finish(complete: Bool, wallSeconds: Double) throws -> SweepEnd {
        let database = record.database
        database.finished(complete: complete)
        try database.commit()
        database.checkpoint()
        var summary = try RunSummary.load(database, sweep: sweep, wallSeconds: wallSeconds, complete: complete)
        if let best = summary.best, complete {
            let refit = BestModelRefit.run(best.trial, sweep: sweep, directory: directory, logger: logger)
            (summary.modelFile, summary.modelNote, summary.holdout) = (refit.file, refit.note, refit.holdout)
            summary.holdoutRows = sweep.plan.holdout.count
        }
        try RunDirectory.write(summary, specText: record.specText, specPath: record.specPath, to: directory)
        return SweepEnd(directory: directory, complete: complete, best: summary.best, modelFile: summary.modelFile,
                        wallSeconds: wallSeconds)
    }
}

extension RunSummary {
    /// The summary of what `run.db` holds: its trials, counted tasks, decisions and search end.
    static func load(_ database: RunDatabase, sweep: LoadedSweep, wallSeconds: Double, complete: Bool) throws -> RunSummary {
        let restored = try database.restore()
        let spec = sweep.spec
        let records = Dictionary(restored.counted.map { ($0.task, $0) }, uniquingKeysWith: { first, _ in first })
        // Command trainers may report more metrics than the objective: report every one seen.
        let seen = Set(records.values.flatMap(\.metrics.keys)).subtracting(spec.metricNames).sorted()
        var summary = RunSummary(name: spec.name, objective: spec.objective, metricNames: spec.metricNames + seen,
                                 folds: spec.taskFolds, trials: restored.trials, records: records,
                                 wallSeconds: wallSeconds, complete: complete)
        summary.algorithm = spec.search.algorithm.rawValue + (spec.earlyStopping.map { " with \($0.name) early stopping" } ?? "")
        summary.searchEnded = try database.lastEvent("search-ended")
        summary.stops = restored.decisions
        return summary
    }
}
