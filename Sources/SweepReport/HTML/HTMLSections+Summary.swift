import Foundation
import SweepCore

/// The page's head: how far the sweep got and what to do about it, and the sweep in a few lines.
extension HTMLSections {
    /// A banner under the title: the run's state, and for an unfinished sweep what to do.
    static func stateBanner(_ run: RunSummary, live: Bool) -> String {
        var (kind, text) = stateWords(run.state, live: live)
        if run.state == .stopped, let reason = failedFast(run) {
            kind = "bad"
            text = (
                "Failed fast.",
                "The sweep stopped itself: \(HTMLText.escape(reason)). Fix the cause, then "
                    + "<code>sweep retry DIR --failed</code> runs the failed tasks again and continues the sweep."
            )
        }
        return "<p class=\"state \(kind)\"><strong>\(text.0)</strong> \(text.1)</p>\n"
    }

    /// The state's CSS class, its name and the sentence after it.
    static func stateWords(_ state: RunState, live: Bool) -> (String, (String, String)) {
        switch state {
        case .finished: return ("done", ("Finished.", "Every task was counted."))
        case .stopped:
            return (
                "warn",
                (
                    "Stopped.",
                    "The sweep was stopped on request before every task was counted; "
                        + "<code>sweep resume</code> on this run directory continues it."
                )
            )
        case .running(let coordinator):
            let snapshot =
                live
                ? "This page reloads itself every \(HTMLReport.refreshSeconds) s."
                : "This page is a snapshot: <code>sweep report DIR --format html</code> makes a newer one."
            return (
                "live",
                ("Running.", "The coordinator (\(HTMLText.escape(coordinator))) is still counting tasks. " + snapshot)
            )
        case .interrupted(let coordinator):
            return (
                "bad",
                (
                    "Interrupted: incomplete.",
                    "The coordinator (\(HTMLText.escape(coordinator))) ended without finishing the sweep "
                        + "(it crashed or was killed); <code>sweep resume</code> on this run directory continues it."
                )
            )
        case .unknown(let coordinator):
            return (
                "warn",
                (
                    "Incomplete, state unknown.",
                    "The run database says the sweep is running, but its coordinator "
                        + "(\(HTMLText.escape(coordinator))) cannot be checked from here; if it crashed, "
                        + "<code>sweep resume</code> on this run directory continues the sweep."
                )
            )
        }
    }

    /// The sweep in a few lines: objective, trials, tasks, time, workers, search and its end.
    func summarySection() -> String {
        var rows: [(String, String)] = objectiveRows()
        let count = { (status: TrialSummary.Status) in run.summaries.filter { $0.status == status }.count }
        var parts = ["\(count(.ok)) succeeded", "\(count(.failed)) failed"]
        if count(.stopped) > 0 { parts.append("\(count(.stopped)) stopped early") }
        if count(.incomplete) > 0 {
            parts.append("\(count(.incomplete)) \(run.state.isFinished ? "incomplete" : "not finished yet")")
        }
        rows.append(("Trials", "\(Significant.grouped(run.trials.count)) (\(parts.joined(separator: ", ")))"))
        let total = run.trials.count * run.taskFolds
        rows.append(("Tasks", "\(Significant.grouped(run.records.count)) of \(Significant.grouped(total)) counted"))
        let note =
            switch run.state {
            case .finished, .stopped: ""
            case .running: " so far"
            case .interrupted, .unknown: " until the coordinator's last record"
            }
        rows.append(("Wall time", HTMLText.duration(run.wallSeconds) + note))
        if details.startedAt > 0 { rows.append(("Started", Self.utc(details.startedAt))) }
        rows.append(("Workers", workersLine()))
        if !run.algorithm.isEmpty { rows.append(("Search", HTMLText.escape(run.algorithm))) }
        rows.append(("Why it stopped", stopReason()))
        var out = "<dl class=\"facts\">\n"
        for (term, value) in rows { out += "<dt>\(term)</dt><dd>\(value)</dd>\n" }
        return out + "</dl>\n"
    }

    /// Objective(s) with their goal, and the constraints with how many trials met them.
    func objectiveRows() -> [(String, String)] {
        let folds = run.folds == 1 ? "one task per trial" : "mean over \(run.folds) folds"
        let words = run.objectives.map { "\($0.goal.rawValue) <code>\(HTMLText.escape($0.metric))</code>" }
        var rows = [(run.isMultiObjective ? "Objectives" : "Objective", words.joined(separator: ", ") + " (\(folds))")]
        if !run.constraints.isEmpty {
            let described = run.constraints.map { constraint -> String in
                let metric = "<code>\(HTMLText.escape(constraint.metric))</code>"
                switch (constraint.min, constraint.max) {
                case (let min?, let max?): return "\(HTMLText.number(min)) ≤ \(metric) ≤ \(HTMLText.number(max))"
                case (let min?, nil): return "\(metric) ≥ \(HTMLText.number(min))"
                case (nil, let max?): return "\(metric) ≤ \(HTMLText.number(max))"
                case (nil, nil): return metric
                }
            }
            rows.append(
                (
                    "Constraints",
                    described.joined(separator: ", ")
                        + " (\(run.feasibleRanked.count) of \(run.ranked.count) succeeded trials meet them)"
                ))
        }
        return rows
    }

    /// "3 workers on 2 hosts", from the attempts (or the counted tasks of an old database).
    func workersLine() -> String {
        var workers = Set<String>()
        var hosts = Set<String>()
        for attempt in details.attempts {
            workers.insert(attempt.worker)
            hosts.insert(attempt.host)
        }
        for usage in run.workerUsage {
            workers.insert(usage.worker)
            hosts.insert(usage.host)
        }
        workers.remove("")
        hosts.remove("")
        guard !workers.isEmpty else { return "none yet" }
        let names = workers.sorted().prefix(8).map { "<code>\(HTMLText.escape($0))</code>" }
        let more = workers.count > 8 ? ", …" : ""
        return "\(HTMLText.count(workers.count, "worker")) on \(HTMLText.count(hosts.count, "host")) "
            + "(\(names.joined(separator: ", "))\(more))"
    }

    /// Why the search stopped suggesting, or why the sweep is not over.
    func stopReason() -> String {
        if let ended = run.searchEnded { return HTMLText.escape(ended) }
        switch run.state {
        case .finished: return "every suggested trial was run"
        case .stopped: return Self.failedFast(run).map { "failed fast: " + HTMLText.escape($0) } ?? "stopped on request"
        case .running: return "it has not stopped: the search is still suggesting trials"
        case .interrupted: return "the coordinator ended before the search did"
        case .unknown: return "unknown: the coordinator cannot be checked from here"
        }
    }

    /// Why the sweep stopped itself (`limits.fail_fast`), when it did: a stop, but not on request.
    static func failedFast(_ run: RunSummary) -> String? {
        let prefix = "failed-fast: "
        return run.healthEvents.last { $0.hasPrefix(prefix) }.map { String($0.dropFirst(prefix.count)) }
    }

    /// "2026-12-03 10:00:31 UTC".
    static func utc(_ seconds: Double) -> String {
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss 'UTC'"
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.locale = Locale(identifier: "en_US_POSIX")
        return formatter.string(from: Date(timeIntervalSince1970: seconds))
    }
}
