import Foundation
import SweepCore

/// `report.md`: what won and by how much, the leaderboard, where tasks ran, what failed.
public enum MarkdownReport {
    public static func render(_ run: RunSummary) -> String {
        header(run) + frontSection(run) + bestSection(run) + nestedSection(run) + searchSections(run)
            + priorTrialsSection(run)
            + workersAndFailures(run) + retriedSection(run) + artifactsSection(run)
    }

    /// The title and the sweep in five lines: objective, trials, search, tasks, wall time.
    static func header(_ run: RunSummary) -> String {
        var out = "# Sweep report: \(run.name)\n\n"
        let tasksDone = run.records.count, total = run.trials.count * run.taskFolds
        out += objectivesLines(run)
        let stopped = run.summaries.filter { $0.status == .stopped }.count
        let failed = run.summaries.filter { $0.status == .failed }.count
        out +=
            "- Trials: \(run.trials.count) (\(run.ranked.count) succeeded, \(failed) failed"
            + "\(stopped > 0 ? ", \(stopped) stopped early" : ""))\n"
        if !run.algorithm.isEmpty {
            out += "- Search: \(run.algorithm)\(run.searchEnded.map { "; ended because \($0)" } ?? "")\n"
        }
        out += "- Tasks: \(tasksDone) of \(total) counted\(run.state.tasksNote)\n"
        out += "- Wall time: \(format(run.wallSeconds)) s\(run.state.wallNote)\n\n"
        return out
    }

    /// The winner: its parameters, per-fold objective, every metric, the holdout and the model file.
    static func bestSection(_ run: RunSummary) -> String {
        let metric = run.objective.metric
        var out = "## Best configuration\n\n"
        guard let best = run.best, let objective = best.objective else { return out + noBest(run) + "\n" }
        if run.isMultiObjective {
            out +=
                "Several objectives have no single best: this is the front's best on `\(metric)`, the one refitted.\n\n"
        }
        out += "Trial \(best.trial.number): `\(best.trial.params.description)`\n\n"
        out += "\(metric) = **\(format(objective.mean))\(objective.spread.map { " ± \(format($0))" } ?? "")**"
        let contenders = run.isMultiObjective ? run.front : run.feasibleRanked
        if contenders.count > 1, let second = contenders[1].objective {
            out +=
                " (runner-up trial \(contenders[1].trial.number): \(format(second.mean)); margin \(format(abs(objective.mean - second.mean))))"
        }
        out += "\n\n| fold | \(metric) |\n|---:|---:|\n"
        for (fold, score) in best.foldScores.enumerated() { out += "| \(fold) | \(format(score)) |\n" }
        out += "\n| metric | mean | std |\n|---|---:|---:|\n"
        for name in run.metricNames {
            if let stats = best.metrics[name] { out += "| \(name) | \(format(stats.mean)) | \(spread(stats)) |\n" }
        }
        out += costLine(best)
        if let holdout = run.holdout, let value = holdout[metric] {
            out +=
                "\nOn the \(run.holdoutRows) held-out rows (never seen by the search), the refitted model scores \(metric) = **\(format(value))**.\n"
        }
        if let model = run.modelFile, model.hasSuffix("/") {
            out +=
                "\nRefitted on all the data by the trainer's program (`SWEEP_REFIT=1`); its files are in `\(model)`.\n"
        } else if let model = run.modelFile {
            out +=
                "\nRefitted on all the data and saved as `\(model)`; predict with `sweep predict \(model) NEW.csv`.\n"
        } else if let note = run.modelNote {
            out += "\nNo model file: \(note).\n"
        }
        return out
    }

    /// The leaderboard, the trials that improved on the best so far, and the trials stopped early.
    static func searchSections(_ run: RunSummary) -> String {
        let metric = run.objective.metric
        let bounded = !run.constraints.isEmpty
        let fit = run.hasFitSeconds
        var out =
            "\n## Top trials\n\n| rank | trial | params | \(metric) mean | std |\(fit ? " fit |" : "")\(bounded ? " constraints |" : "")\n"
        out += "|---:|---:|---|---:|---:|\(fit ? "---:|" : "")\(bounded ? "---|" : "")\n"
        for (rank, summary) in run.ranked.prefix(10).enumerated() {
            let missed = run.missedConstraints(summary)
            let feasibility =
                bounded ? " \(missed.isEmpty ? "met" : "missed: " + missed.joined(separator: ", ")) |" : ""
            out +=
                "| \(rank + 1) | \(summary.trial.number) | `\(summary.trial.params.description)` | \(format(summary.objective!.mean)) | \(spread(summary.objective!)) |\(fit ? " \(run.fitCell(summary)) |" : "")\(feasibility)\n"
        }
        let improvements = run.improvements
        if improvements.count > 1 || !run.stops.isEmpty {
            out +=
                "\n## How the search went\n\nEach trial that improved on the best so far, in the order trials were suggested"
            // A search that improves at nearly every trial (a grid over a monotone objective)
            // would list them all: the last ones, as report.html does; trials.csv has every trial.
            let listed = improvements.suffix(ReportLimits.improvements)
            out += " (\(run.trials.count) in all)"
            if listed.count < improvements.count {
                out += "; the last \(listed.count) of \(improvements.count) (trials.csv lists every trial)"
            }
            out += ":\n\n| trial | \(metric) mean | params |\n|---:|---:|---|\n"
            for summary in listed {
                out +=
                    "| \(summary.trial.number) | \(format(summary.objective!.mean)) | `\(summary.trial.params.description)` |\n"
            }
        }
        return out + stoppedSection(run)
    }

    /// A std cell: "—" when there is one fold (no spread to show).
    static func spread(_ stats: MeanStd) -> String { stats.spread.map(format) ?? "—" }

    /// Early-stopping decisions: which rule stopped which trial, why, and what it saved.
    static func stoppedSection(_ run: RunSummary) -> String {
        guard !run.stops.isEmpty else { return "" }
        let trialTasks = run.stops.count * run.taskFolds
        var out = "\n## Stopped early\n\n"
        out += "\(run.stops.count) trials stopped; \(run.foldFitsSaved) of their \(trialTasks) fold fits saved "
        out +=
            "(\(run.stops.reduce(0) { $0 + $1.dropped }) never ran, \(run.stops.reduce(0) { $0 + $1.cancelled }) cancelled while running); "
        out +=
            "\(format(Double(run.foldFitsSaved) * 100 / Double(max(1, run.trials.count * run.taskFolds)))) % of all the sweep's fold fits.\n\n"
        out += "| trial | rule | params | folds done | decided at | reason |\n|---:|---|---|---:|---|---|\n"
        for stop in run.stops.prefix(ReportLimits.rows) {
            let decision = stop.decision
            let trial =
                run.trials.indices.contains(decision.trial) ? "`\(run.trials[decision.trial].params.description)`" : ""
            let done = (0..<run.folds).filter { run.records[TaskID(trial: decision.trial, fold: $0)]?.status == .ok }
                .count
            let at = "fold \(decision.fold)" + (decision.step.map { ", step \($0)" } ?? "")
            out +=
                "| \(decision.trial) | \(decision.rule.rawValue) | \(trial) | \(done) | \(at) | \(decision.reason.replacingOccurrences(of: "|", with: "\\|")) |\n"
        }
        if run.stops.count > ReportLimits.rows {
            out +=
                "\nThe first \(ReportLimits.rows) of \(run.stops.count) stopped trials; trials.csv lists every trial.\n"
        }
        return out
    }

    /// Tasks and task seconds per worker, then every failed task with its host and error.
    static func workersAndFailures(_ run: RunSummary) -> String {
        var out = "\n## Workers\n\n| worker | host | tasks | task seconds |\n|---|---|---:|---:|\n"
        for usage in run.workerUsage {
            out += "| \(usage.worker) | \(usage.host) | \(usage.tasks) | \(format(usage.seconds)) |\n"
        }
        if !run.healthEvents.isEmpty {
            out += "\n### Worker health\n\n" + run.healthEvents.map { "- \($0)\n" }.joined()
        }
        out += "\n## Failures\n\n"
        let failures = run.failures
        guard !failures.isEmpty else { return out + "None.\n" }
        out += "| trial | fold | worker | host | attempts | error |\n|---:|---:|---|---|---:|---|\n"
        for record in failures.prefix(ReportLimits.rows) {
            let error = (record.error ?? "").replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(
                of: "\n", with: " ")
            out +=
                "| \(record.task.trial) | \(record.task.fold) | \(record.worker) | \(record.host) | \(record.attempt) | \(error) |\n"
        }
        if failures.count > ReportLimits.rows {
            out += "\nThe first \(ReportLimits.rows) of \(failures.count) failed tasks; results.csv lists every task.\n"
        }
        return out
    }
}
