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
    /// Multi-objective sweeps: trials on the Pareto front (`best` is its best on the first objective).
    public var front: Int?
    /// Why there is no best trial, when there is none.
    public var noBest = "no trial succeeded"
    /// Nested CV's estimate (cv.outer), when the sweep finished with one.
    public var nested: NestedOutcome?

    /// The sweep finished with a best trial (exit status 0).
    public var succeeded: Bool { complete && best != nil }
}

extension SweepLifecycle {
    /// Marks the sweep finished or stopped, refits the best trial, and writes the run directory
    /// from run.db (as `sweep report` does).
    func finish(complete: Bool, wallSeconds: Double) throws -> SweepEnd {
        let database = record.database
        database.finished(complete: complete, wallSeconds: wallSeconds)
        try database.commit()
        database.checkpoint()
        // Read back once, unchecked (this process wrote it): trials and results no longer change.
        let reading = try RunDatabase.openForReading(directory: directory, checked: false)
        let restored = try reading.restore(attempts: false)
        // Built once: the report only reads again what the refit and the nested estimate add.
        let built = try reading.storedRun(restored: restored).summary
        if complete, let best = built.best {
            try ArtifactFinish.keep(
                bestTrial: best.trial.number, spec: sweep.spec, directory: directory, database: database)
            let refit =
                sweep.spec.trainer.isCommand
                ? CommandRefit.run(
                    best, sweep: sweep, directory: directory,
                    launcher: options.localWorkers?.executable ?? LocalWorkers.currentExecutable,
                    stopOnSignals: options.stopOnSignals, logger: logger)
                : BestModelRefit.run(best, sweep: sweep, directory: directory, logger: logger)
            ModelCardFiles.recordFacts(sweep, in: database)
            try record.recordRefit(
                RefitOutcome(
                    modelFile: refit.file, note: refit.note, holdout: refit.holdout,
                    holdoutRows: sweep.plan.holdout.count))
        }
        if complete {
            defer { database.checkpoint() }  // the refit and the estimate into run.db itself, once for both
            try NestedEstimate.record(
                sweep: sweep, database: database, directory: directory, logger: logger, summary: built)
        }
        let summary = try RunReport.write(directory: directory, database: reading, restored: restored, summary: built)
        var end = SweepEnd(
            directory: directory, complete: complete, best: summary.best, modelFile: summary.modelFile,
            wallSeconds: wallSeconds)
        if summary.isMultiObjective { end.front = summary.front.count }
        end.nested = summary.nested
        if !summary.ranked.isEmpty { end.noBest = "no trial met the constraints" }
        return end
    }
}
