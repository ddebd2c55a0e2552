import SweepCore

/// Every trial (bounded for huge sweeps) and the early-stopping decisions.
extension HTMLSections {
    /// Rows the trials table shows at most; trials.csv has every trial.
    static let trialRowLimit = 200
    /// Above this many parameters, one column holds them all.
    static let paramColumnLimit = 8

    /// The succeeded trials by rank, then every other trial by number: status, parameters, objective.
    func trialsSection() -> String {
        guard !run.trials.isEmpty else { return "<p>No trial has been suggested yet.</p>\n" }
        let rankOf = Dictionary(
            run.ranked.enumerated().map { ($0.element.trial.number, $0.offset + 1) }, uniquingKeysWith: { a, _ in a })
        let others = run.summaries.filter { rankOf[$0.trial.number] == nil }
        let ordered = run.ranked + others
        let names = run.paramNames
        let split = names.count <= Self.paramColumnLimit
        let stoppedAt = stopValues()
        var header = ["rank", "trial", "status"]
        header += split ? names.map { "<code>\(HTMLText.escape($0))</code>" } : ["params"]
        header += run.objectives.map { "<code>\(HTMLText.escape($0.metric))</code> mean ± std" }
        let fit = run.hasFitSeconds
        if fit { header.append("fit") }
        if !run.constraints.isEmpty { header.append("constraints") }
        let rows = ordered.prefix(Self.trialRowLimit).map { summary -> [String] in
            var row = [rankOf[summary.trial.number].map(String.init) ?? "", "\(summary.trial.number)"]
            row.append(Self.statusBadge(summary))
            row +=
                split
                ? names.map { summary.trial.params[$0].map(HTMLText.param) ?? "" }
                : [
                    HTMLText.params(summary.trial.params)
                ]
            row += objectiveCells(summary, stoppedAt: stoppedAt[summary.trial.number])
            if fit { row.append(run.fitCell(summary)) }
            if !run.constraints.isEmpty, summary.status == .ok {
                let missed = missedConstraints(summary)
                row.append(missed.isEmpty ? "met" : "missed: " + missed.joined(separator: ", "))
            } else if !run.constraints.isEmpty {
                row.append("")
            }
            return row
        }
        let numericColumns = Set(
            [0, 1] + (0..<run.objectives.count + (fit ? 1 : 0)).map { 3 + (split ? names.count : 1) + $0 })
        var out = improvementsTable() + HTMLText.table(header, rows, numeric: numericColumns)
        if ordered.count > Self.trialRowLimit {
            out += "<p class=\"note\">The best \(Self.trialRowLimit) of \(Significant.grouped(ordered.count)) "
            out += "trials are shown; <code>trials.csv</code> in the run directory lists every one.</p>\n"
        }
        return out
    }

    /// The trials that improved on the best so far, in suggestion order: how the search went.
    func improvementsTable() -> String {
        let improvements = run.improvements
        guard improvements.count > 1 else { return "" }
        let limit = ReportLimits.improvements
        let rows = improvements.suffix(limit).map { summary in
            [
                "\(summary.trial.number)", summary.objective.map(HTMLText.meanStd) ?? "—",
                HTMLText.params(summary.trial.params),
            ]
        }
        return "<p>Each trial that improved on the best so far, in the order trials were suggested "
            + "(\(HTMLText.count(run.trials.count, "trial")) in all)"
            + (improvements.count > limit ? "; the last \(limit) of \(improvements.count)" : "") + ":</p>\n"
            + HTMLText.table(
                ["trial", "<code>\(HTMLText.escape(run.objective.metric))</code> mean ± std", "params"], rows,
                numeric: [0, 1])
            + "<h3>Every trial</h3>\n"
    }

    /// Per stopped trial, the intermediate value its stopping rule decided on, and its step.
    func stopValues() -> [Int: (value: Double, step: Int)] {
        let steps = Dictionary(
            run.stops.compactMap { stop in
                stop.decision.step.map { (TaskID(trial: stop.decision.trial, fold: stop.decision.fold), $0) }
            }, uniquingKeysWith: { a, _ in a })
        var out: [Int: (value: Double, step: Int)] = [:]
        for value in details.intermediate where steps[value.task] == value.step {
            out[value.task.trial] = (value.value, value.step)
        }
        return out
    }

    /// Each objective's mean ± std; a stopped trial's partial mean with its fold count, or the
    /// intermediate value it was stopped at.
    func objectiveCells(_ summary: TrialSummary, stoppedAt: (value: Double, step: Int)? = nil) -> [String] {
        if summary.status == .ok {
            return run.objectives.map { objective in summary.metrics[objective.metric].map(HTMLText.meanStd) ?? "—" }
        }
        if summary.status == .stopped, let partial = summary.objective {
            let first = HTMLText.number(partial.mean) + " (\(HTMLText.count(partial.count, "fold")))"
            return [first] + Array(repeating: "—", count: run.objectives.count - 1)
        }
        if summary.status == .stopped, let stoppedAt {
            let first = HTMLText.number(stoppedAt.value) + " (at step \(stoppedAt.step))"
            return [first] + Array(repeating: "—", count: run.objectives.count - 1)
        }
        return Array(repeating: "—", count: run.objectives.count)
    }

    /// The constraints a trial misses, as "`latency_ms` 12 &gt; 10" (empty: feasible).
    func missedConstraints(_ summary: TrialSummary) -> [String] {
        run.constraints.compactMap { constraint in
            let mean = summary.metrics[constraint.metric]?.mean ?? .nan
            guard constraint.violation(mean) > 0 else { return nil }
            let metric = "<code>\(HTMLText.escape(constraint.metric))</code>"
            if mean.isNaN { return "\(metric) missing" }
            if let min = constraint.min, mean < min {
                return "\(metric) \(HTMLText.number(mean)) &lt; \(HTMLText.number(min))"
            }
            return "\(metric) \(HTMLText.number(mean)) &gt; \(HTMLText.number(constraint.max ?? mean))"
        }
    }

    static func statusBadge(_ summary: TrialSummary) -> String {
        let word =
            switch summary.status {
            case .ok: "ok"
            case .failed: "failed"
            case .stopped: "stopped"
            case .incomplete: "incomplete"
            }
        return "<span class=\"badge \(word)\">\(word)</span>"
    }

    /// Which rule stopped which trial, when, why, and the fold fits that saved.
    func stoppedSection() -> HTMLSection? {
        guard !run.stops.isEmpty else { return nil }
        let all = max(1, run.trials.count * run.taskFolds)
        let dropped = run.stops.reduce(0) { $0 + $1.dropped }
        let cancelled = run.stops.reduce(0) { $0 + $1.cancelled }
        var body = "<p>\(HTMLText.count(run.stops.count, "trial")) stopped early; "
        body += "\(HTMLText.count(run.foldFitsSaved, "fold fit")) saved (\(dropped) never ran, "
        body +=
            "\(cancelled) cancelled while running): \(HTMLText.number(Double(run.foldFitsSaved) * 100 / Double(all))) % "
        body += "of the sweep's fold fits.</p>\n"
        var values: [TaskID: [Int: Double]] = [:]
        for value in details.intermediate { values[value.task, default: [:]][value.step] = value.value }
        // Trials are numbered by their position: looked up, not searched (a scan per row was
        // quadratic for a sweep that stopped thousands).
        let rows = run.stops.prefix(ReportLimits.rows).map { stop -> [String] in
            let decision = stop.decision
            let params =
                run.trials.indices.contains(decision.trial) && run.trials[decision.trial].number == decision.trial
                ? HTMLText.params(run.trials[decision.trial].params)
                : run.trials.first { $0.number == decision.trial }.map { HTMLText.params($0.params) } ?? ""
            let done = (0..<run.folds).filter {
                run.records[TaskID(trial: decision.trial, fold: $0)]?.status == .ok
            }.count
            let at = "fold \(decision.fold)" + (decision.step.map { ", step \($0)" } ?? "")
            return [
                "\(decision.trial)", decision.rule.rawValue, params, "\(done)", at, valueAtDecision(decision, values),
                HTMLText.escape(decision.reason), "\(stop.dropped + stop.cancelled)",
            ]
        }
        body += HTMLText.table(
            ["trial", "rule", "params", "folds done", "decided at", "value then", "reason", "folds saved"], rows,
            numeric: [0, 3, 5, 7])
        if run.stops.count > ReportLimits.rows {
            body += "<p class=\"note\">The first \(ReportLimits.rows) of "
            body +=
                "\(Significant.grouped(run.stops.count)) stopped trials; <code>trials.csv</code> lists every trial.</p>\n"
        }
        if !details.intermediate.isEmpty {
            let trials = Set(details.intermediate.map(\.task.trial)).count
            body += "<p class=\"note\">\(HTMLText.count(details.intermediate.count, "intermediate value")) "
            body += "reported by \(HTMLText.count(trials, "trial")).</p>\n"
        }
        return HTMLSection(id: "early-stopping", title: "Stopped early", body: body)
    }

    /// The intermediate value the decision was taken on (at its fold and step), if recorded.
    func valueAtDecision(_ decision: StopDecision, _ values: [TaskID: [Int: Double]]) -> String {
        guard let step = decision.step else { return "—" }
        return values[TaskID(trial: decision.trial, fold: decision.fold)]?[step].map(HTMLText.number) ?? "—"
    }
}

/// Trials of earlier sweeps the sampler learned from (warm start): never run here.
extension HTMLSections {
    func priorTrialsSection() -> HTMLSection? {
        guard !run.priorTrials.isEmpty || !run.warmStartNotes.isEmpty else { return nil }
        var body = "<p>Trials of earlier sweeps the sampler learned from; not run here, not counted as trials "
        body += "of this sweep.</p>\n"
        var sources: [String] = []
        for trial in run.priorTrials where !sources.contains(trial.source) { sources.append(trial.source) }
        let rows = sources.map { source -> [String] in
            let trials = run.priorTrials.filter { $0.source == source }
            let complete = trials.filter { !$0.pruned && !($0.value?.isNaN ?? true) }
            let best = complete.min { a, b in run.objective.goal.better(a.value!, than: b.value!) }
            return [
                "<code>\(HTMLText.escape(source))</code>", "\(trials.count)",
                best.flatMap(\.value).map(HTMLText.number) ?? "–",
                best.map { HTMLText.params($0.params) + " (trial \($0.sourceTrial))" } ?? "–",
            ]
        }
        body += HTMLText.table(
            ["source", "trials", "best " + HTMLText.escape(run.objective.metric), "its params"], rows, numeric: [1, 2])
        if !run.warmStartNotes.isEmpty {
            body += "<ul>\n" + run.warmStartNotes.map { "<li>\(HTMLText.escape($0))</li>\n" }.joined() + "</ul>\n"
        }
        return HTMLSection(id: "prior-trials", title: "Prior trials (warm start)", body: body)
    }
}
