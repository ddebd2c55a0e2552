import ArgumentParser
import Foundation
import SweepCore
import SweepReport
import SweepRuntime

struct Retrain: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retrain",
        abstract: "Retrain a finished sweep on new data; promote the result only if it beats the previous model.",
        discussion: """
            Makes a new run directory with the previous run's spec on the new data: the same CV settings, \
            the previous top configurations evaluated first (--top), then --trials more warm-started from the \
            previous run's history. It runs as `sweep run` does. The candidate (the new run's best, with its CV \
            estimate on the new data) is promoted when it beats the previous model — model.json, not refitted, \
            scored on the same validation folds of the new data — by more than --min-improvement; with no \
            model file (a command trainer, or refit: false) the previous best configuration's CV on the new data \
            is the baseline. Rows of the new data found in the previous run's data file (still the one it \
            recorded) are left out of the previous model's score, and rows of a class it never saw count as wrong. New data that is the very file the previous run used (same sha256) never promotes: \
            nothing changed. The new directory holds retrain.json and a "Retraining" section in report.md; the \
            previous run is never changed. Exit status 0 whether or not the candidate was promoted (read \
            retrain.json's "promoted"), 2 for bad input, 64 for a bad option value, 1 when the new sweep fails \
            or the promoted model could not be copied to --promote-to (retrain.json's "promotion_failed").
            """)

    @Argument(help: "The previous run directory (a finished sweep).")
    var directory: String

    @Option(help: "The new data: a CSV with the columns the previous run used.")
    var data: String

    @Option(help: "How many of the previous run's best configurations to evaluate on the new data first.")
    var top = 5

    @Option(help: "Further trials after them, warm-started from the previous run's history.")
    var trials = 0

    @Option(help: "Run directory to write (default: DIR-retrain-1, -2, … beside DIR).")
    var out: String?

    @Option(help: "Worker processes to start (default: one per core).")
    var workers: Int = ProcessInfo.processInfo.activeProcessorCount

    @Option(help: "Task slots per worker process.")
    var slots: Int = 1

    @Option(
        name: .customLong("promote-to"),
        help: "When promoted, copy the new model.json here (atomically: what `sweep serve` reads).")
    var promoteTo: String?

    @Option(
        name: .customLong("min-improvement"),
        help: "Promote only when the candidate beats the baseline by more than this (in the objective's units).")
    var minImprovement = 0.0

    @OptionGroup var common: CommonOptions
    @OptionGroup var notify: NotifyOptions
    @OptionGroup var dashboard: DashboardOptions

    func validate() throws {
        // Checked here, before any arithmetic on them: a sweep runs at most SpecParser.maxTrials.
        let most = SpecParser.maxTrials
        guard top >= 1 && top <= most else { throw ValidationError("--top must be between 1 and \(most), got \(top)") }
        guard trials >= 0 && trials <= most - top else {
            throw ValidationError(
                "--trials must be between 0 and \(most - top) (a sweep runs at most \(most) trials, --top \(top) of them), got \(trials)"
            )
        }
        guard minImprovement >= 0 && minImprovement.isFinite else {
            throw ValidationError("--min-improvement must be a number ≥ 0, got \(minImprovement)")
        }
        try checkLocalWorkers(workers: workers, slots: slots)
        try dashboard.check(keyed: false)
    }

    func run() throws {
        var options = RetrainPlan.Options()
        options.top = top
        options.further = trials
        options.minImprovement = minImprovement
        options.promoteTo = promoteTo
        let plan = try RetrainPlan.make(previous: directory, data: data, options: options)
        let target = try RetrainPlan.outputDirectory(previous: plan.previous, out: out)
        let logger = common.logger("sweep")
        logger.info(
            "retraining \(plan.previous) on \(plan.dataPath): its top \(plan.enqueued.count) configurations first\(trials > 0 ? ", then \(trials) more" : "")"
        )
        for note in plan.notes { logger.notice("\(note)") }
        var started: RunRecord?
        do {
            try Run.serve(
                plan.sweep, directory: target, workers: workers, slots: slots, keepTaskDirs: false, common: common,
                notify: notify, dashboard: dashboard
            ) { record in
                try plan.recordStart(record)
                started = record
            }
        } catch {
            if started != nil {
                let stopped = (try? RunReport.load(directory: target).state) == .stopped
                logger.error(
                    "the retraining run in \(target) \(stopped ? "was stopped before it finished" : "did not end with a best trial"): no decision was made and nothing was promoted\(stopped ? "; to retrain, run the same `sweep retrain` again with another --out (or remove \(target) first)" : "")"
                )
            }
            throw error
        }
        guard let record = started else { return }
        let result = try plan.conclude(record)
        print("retrain: \(result.verdictLine)")
        print("retrain record: \((target as NSString).appendingPathComponent(RetrainRecord.fileName))")
        if result.promotionFailed != nil { throw SweepError(.incomplete, "") }
    }
}
