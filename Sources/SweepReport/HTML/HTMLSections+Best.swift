import SweepCore

/// The winner: its parameters and per-fold scores, whether it is distinguishable from the
/// runners-up, the refit; and for several objectives, the Pareto front.
extension HTMLSections {
    func bestSection(_ statistics: SelectionStatistics?) -> String {
        let metric = "<code>\(HTMLText.escape(run.objective.metric))</code>"
        guard let best = run.best, let objective = best.objective else { return "<p>\(noBest())</p>\n" }
        var out = ""
        if run.isMultiObjective {
            out += "<p>Several objectives have no single best: this is the Pareto front's best on \(metric), "
            out += "the one refitted.</p>\n"
        }
        out += "<p class=\"winner\">Trial \(best.trial.number): \(HTMLText.params(best.trial.params))<br>\n"
        out += "\(metric) = <strong>\(HTMLText.meanStd(objective))</strong>"
        let contenders = run.isMultiObjective ? run.front : run.feasibleRanked
        if contenders.count > 1, let second = contenders[1].objective {
            out += " (runner-up trial \(contenders[1].trial.number): \(HTMLText.number(second.mean)); "
            out += "margin \(HTMLText.number(abs(objective.mean - second.mean))))"
        }
        out += "</p>\n" + statisticsWords(statistics)
        out += "<div class=\"side\">\n"
        out += HTMLText.table(
            ["fold", run.objective.metric].map { HTMLText.escape($0) },
            best.foldScores.enumerated().map { ["\($0.offset)", HTMLText.number($0.element)] }, numeric: [0, 1],
            caption: "Per fold")
        let metrics = run.metricNames.compactMap { name in best.metrics[name].map { (name, $0) } }
        out += HTMLText.table(
            ["metric", "mean", "std"],
            metrics.map {
                [HTMLText.escape($0.0), HTMLText.number($0.1.mean), $0.1.spread.map(HTMLText.number) ?? "—"]
            },
            numeric: [1, 2], caption: "Every metric")
        return out + "</div>\n" + costWords(best) + refitWords()
    }

    /// Why there is no best trial.
    func noBest() -> String {
        if run.ranked.isEmpty {
            return run.trials.isEmpty ? "No trial has been suggested yet." : "No trial has succeeded yet."
        }
        return "No trial met the constraints (\(run.ranked.count) succeeded; see the trials table)."
    }

    /// The holdout score of the refitted model and where it was saved (or why it was not).
    func refitWords() -> String {
        var out = ""
        let metric = run.objective.metric
        if let holdout = run.holdout, let value = holdout[metric] {
            out += "<p>On the \(Significant.grouped(run.holdoutRows)) held-out rows (never seen by the search), "
            out += "the refitted model scores <code>\(HTMLText.escape(metric))</code> = "
            out += "<strong>\(HTMLText.number(value))</strong>.</p>\n"
        }
        if let model = run.modelFile, model.hasSuffix("/") {
            out += "<p>Refitted on all the data by the trainer's program; its files are in "
            out += "<code>\(HTMLText.escape(model))</code>.</p>\n"
        } else if let model = run.modelFile {
            out += "<p>Refitted on all the data and saved as <code>\(HTMLText.escape(model))</code>; predict with "
            out += "<code>sweep predict \(HTMLText.escape(model)) NEW.csv</code>.</p>\n"
        } else if let note = run.modelNote {
            out += "<p>No model file: \(HTMLText.escape(note)).</p>\n"
        }
        return out
    }

    /// The paired tests against the runners-up and the one-standard-error rule, in words and a table.
    func statisticsWords(_ statistics: SelectionStatistics?) -> String {
        guard let statistics, !statistics.comparisons.isEmpty else {
            if (run.best?.foldScores.count ?? 0) < 2 {
                return "<p class=\"note\">One fold per trial: there is no spread to test the best against "
                    + "the runners-up with.</p>\n"
            }
            let contenders = run.isMultiObjective ? run.front : run.feasibleRanked
            return contenders.count < 2 ? "<p class=\"note\">No runner-up to compare the best with.</p>\n" : ""
        }
        var out = "<p>" + oneStandardErrorWords(statistics) + "</p>\n"
        let distinct = statistics.comparisons.filter { ($0.pValue ?? 1) < 0.05 }.map { "\($0.trial)" }
        let close = statistics.comparisons.filter { ($0.pValue ?? 1) >= 0.05 }.map { "\($0.trial)" }
        out += "<p>A paired t-test over the folds both trials ran, against each runner-up: "
        if close.isEmpty {
            out += "the best is better than \(trialsWord(distinct)) at the 5 % level.</p>\n"
        } else if distinct.isEmpty {
            out += "the best is <strong>not distinguishable</strong> from \(trialsWord(close)) at the 5 % level.</p>\n"
        } else {
            out += "the best is better than \(trialsWord(distinct)) at the 5 % level, "
            out += "but <strong>not distinguishable</strong> from \(trialsWord(close)).</p>\n"
        }
        let rows = statistics.comparisons.map { comparison -> [String] in
            [
                "\(comparison.trial)", "\(comparison.sharedFolds)", HTMLText.number(comparison.meanAdvantage),
                comparison.t.map(HTMLText.number) ?? "—", comparison.pValue.map(HTMLText.number) ?? "—",
                comparison.withinOneStandardError ? "yes" : "no",
            ]
        }
        let table = HTMLText.table(
            ["runner-up", "shared folds", "mean advantage of the best", "t", "p-value", "within 1 SE"], rows,
            numeric: [0, 1, 2, 3, 4])
        guard statistics.comparisons.contains(where: { $0.pValue != nil }) else { return out + table }
        return out + table
            + "<p class=\"note\">Folds share most of their training rows, so these p-values are optimistic "
            + "(Nadeau &amp; Bengio 2003): read a small one as a hint, not a proof.</p>\n"
    }

    /// "Trials 14, 13 and 12 are within one standard error (0.01) of the best; the simplest …".
    func oneStandardErrorWords(_ statistics: SelectionStatistics) -> String {
        let standardError = statistics.standardError.map { " (\(HTMLText.number($0)))" } ?? ""
        let others = statistics.withinOneStandardError.filter { $0 != statistics.best }
        guard !others.isEmpty else {
            return "No other trial is within one standard error\(standardError) of the best's mean."
        }
        var out = "\(trialsWord(statistics.withinOneStandardError.map { "\($0)" }, capitalized: true)) "
        out += "\(statistics.withinOneStandardError.count == 1 ? "is" : "are") within one standard error"
        out += "\(standardError) of the best"
        if let simplest = statistics.simplest {
            out += "; the simplest of them is <strong>trial \(simplest)</strong>"
            if let trial = run.trials.first(where: { $0.number == simplest }) {
                out += " (\(HTMLText.params(trial.params)))"
            }
            if let reason = statistics.simplestReason { out += ": " + HTMLText.escape(reason) }
        }
        return out + "."
    }

    /// "trial 3" / "trials 3, 4 and 5".
    func trialsWord(_ numbers: [String], capitalized: Bool = false) -> String {
        (capitalized ? "Trial" : "trial") + (numbers.count == 1 ? " " : "s ") + HTMLText.list(numbers)
    }

    /// The Pareto front of a multi-objective sweep: its trials with their objective means.
    func paretoSection() -> HTMLSection? {
        guard run.isMultiObjective else { return nil }
        guard !run.front.isEmpty else {
            return HTMLSection(id: "pareto-front", title: "Pareto front", body: "<p>\(noBest())</p>\n")
        }
        var body = "<p>\(HTMLText.count(run.front.count, "trial")) \(run.front.count == 1 ? "is" : "are") "
        body += "not beaten on every objective by another feasible trial (best on "
        body += "<code>\(HTMLText.escape(run.objective.metric))</code> first).</p>\n"
        let header =
            ["trial", "params"] + run.objectives.map { HTMLText.escape($0.metric) + " mean" }
            + (frontHasCost ? ["cost"] : [])
        let rows = run.front.map { summary in
            ["\(summary.trial.number)", HTMLText.params(summary.trial.params)]
                + (run.objectiveMeans(summary) ?? []).map(HTMLText.number) + (frontHasCost ? [costCell(summary)] : [])
        }
        body += HTMLText.table(header, rows, numeric: Set([0] + (0..<run.objectives.count).map { $0 + 2 }))
        return HTMLSection(id: "pareto-front", title: "Pareto front", body: body)
    }
}
