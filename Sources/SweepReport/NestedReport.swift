import SweepCore

/// Nested CV in report.md and report.html: the inner best beside the nested estimate, why they
/// differ, and what each outer fold chose and scored. The words are shared by both reports.
enum NestedReport {
    static let why =
        "The best CV score of a search is biased in its favour: it is the best of many noisy estimates on the very rows that chose it. The nested estimate is what to expect of this procedure (search, pick, refit) on new data: each outer fold's rows were held out of its own search and scored once by the winner refitted on the other rows."

    /// "inner best 0.98 ± 0.01 (trial 3) vs nested estimate 0.95 ± 0.03 over 3 outer folds",
    /// with the optimism between them; nil without an estimate.
    static func comparison(_ run: RunSummary, _ nested: NestedOutcome, number: (Double) -> String) -> String? {
        guard let estimate = nested.estimate else { return nil }
        var out = "nested estimate \(nested.metric) = \(number(estimate.mean)) ± \(number(estimate.std))"
        out += " over \(nested.folds.count) outer folds"
        if let best = run.best, let inner = best.objective {
            out += "; inner best (trial \(best.trial.number)) = \(number(inner.mean))"
            let optimism = run.objective.goal == .maximize ? inner.mean - estimate.mean : estimate.mean - inner.mean
            out +=
                optimism >= 0
                ? "; the inner best overstates it by \(number(optimism))"
                : "; here the inner best understates it by \(number(-optimism)) (the bias is small next to the noise)"
        }
        return out
    }

    /// Per outer fold: the fold, the chosen trial, its parameters, its inner mean, its outer score, rows.
    /// Every cell is a number, "–" or `params`' rendering of the chosen parameters.
    static func rows(
        _ run: RunSummary, _ nested: NestedOutcome, number: (Double) -> String, params show: (Params) -> String
    ) -> [[String]] {
        nested.folds.enumerated().map { index, fold in
            let params = fold.trial.flatMap { trial in run.trials.first { $0.number == trial }.map { show($0.params) } }
            return [
                String(index), fold.trial.map(String.init) ?? "–", params ?? "–", fold.innerMean.map(number) ?? "–",
                fold.score.map(number) ?? "–", "\(fold.trainRows) / \(fold.testRows)",
            ]
        }
    }

    static func header(_ nested: NestedOutcome) -> [String] {
        [
            "outer fold", "chosen trial", "params", "inner \(nested.metric) mean", "outer \(nested.metric)",
            "train / test rows",
        ]
    }

    /// Whether the outer folds agreed on a trial.
    static func stability(_ nested: NestedOutcome) -> String {
        let distinct = nested.distinctTrials.count
        let none = nested.folds.indices.filter { nested.folds[$0].trial == nil }
        let unchosen =
            none.isEmpty
            ? ""
            : " Outer fold\(none.count == 1 ? "" : "s") \(none.map(String.init).joined(separator: ", ")) chose nothing (see the note)."
        switch distinct {
        case 0: return "No outer fold could choose a configuration (see the note)."
        case 1 where none.isEmpty: return "Every outer fold chose the same configuration."
        case 1: return "The outer folds that chose, chose the same configuration." + unchosen
        default:
            return "The outer folds chose \(distinct) different configurations: the choice itself varies with the data."
                + unchosen
        }
    }
}

extension MarkdownReport {
    /// `## Nested cross-validation` (cv.outer), when the estimate is recorded.
    static func nestedSection(_ run: RunSummary) -> String {
        guard let nested = run.nested else { return "" }
        var out = "\n## Nested cross-validation\n\n"
        if let comparison = NestedReport.comparison(run, nested, number: format) {
            out += "**\(comparison.prefix(1).uppercased() + comparison.dropFirst())**.\n\n"
        } else {
            out += "No nested estimate: \(nested.note ?? "an outer fold has no score").\n\n"
        }
        out += NestedReport.why + " " + NestedReport.stability(nested) + "\n\n"
        let header = NestedReport.header(nested)
        out += "| " + header.joined(separator: " | ") + " |\n|---:|---:|---|---:|---:|---:|\n"
        for row in NestedReport.rows(run, nested, number: format, params: { "`\($0.description)`" }) {
            out += "| " + row.joined(separator: " | ") + " |\n"
        }
        return out
    }
}

extension HTMLSections {
    /// The nested CV section (cv.outer), when the estimate is recorded.
    func nestedSection() -> HTMLSection? {
        guard let nested = run.nested else { return nil }
        var body = ""
        if let comparison = NestedReport.comparison(run, nested, number: HTMLText.number) {
            body +=
                "<p class=\"winner\">\(HTMLText.escape(comparison.prefix(1).uppercased() + comparison.dropFirst()))</p>\n"
        } else {
            body += "<p>No nested estimate: \(HTMLText.escape(nested.note ?? "an outer fold has no score")).</p>\n"
        }
        body += "<p>\(HTMLText.escape(NestedReport.why + " " + NestedReport.stability(nested)))</p>\n"
        body += HTMLText.table(
            NestedReport.header(nested).map { HTMLText.escape($0) },
            NestedReport.rows(run, nested, number: HTMLText.number, params: HTMLText.params), numeric: [0, 1, 3, 4])
        return HTMLSection(id: "nested", title: "Nested cross-validation", body: body)
    }
}
