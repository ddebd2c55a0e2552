import SweepCore

/// A sweep as scikit-learn's `GridSearchCV.cv_results_`, written as pandas writes that frame
/// (`pd.DataFrame(search.cv_results_).to_csv(index=False)`), so code written for scikit-learn's
/// results reads ours: one row per trial in trial order, columns in scikit-learn's order
/// (multi-metric naming, `split<k>_test_<metric>`, for every metric the tasks report, objective
/// first). Fields are quoted as RFC 4180 says; lines end in LF, as pandas writes them.
///
/// Where we differ from scikit-learn, and why:
/// - `mean_fit_time`/`std_fit_time` are each task's `fit_seconds` (a built-in model's fit alone,
///   as scikit-learn times it) where reported, else the task's whole duration (data preparation,
///   fit and scoring). `mean_score_time`/`std_score_time` are 0: no task times the scoring of its
///   whole split apart (built-in models report `predict_seconds` per 1,000 rows, a rate, and the
///   split's row count is not recorded), and 0 is plainer than a guess.
/// - A split of a failed or early-stopped trial that did produce a score shows it; the trial's
///   `mean_test_*`/`std_test_*` are empty (NaN to pandas) unless every split has the metric,
///   as numpy's mean of a row with a NaN is NaN, and it ranks last (scikit-learn's rule for NaN).
/// - `rank_test_<m>` ranks lower means first for metrics where lower is better (log_loss, rmse,
///   …): scikit-learn would have them negated (`neg_log_loss`) and rank the negation.
public enum CVResults {
    /// The CSV text. `lowerIsBetter` names the metrics ranked ascending.
    public static func csv(_ run: RunSummary, lowerIsBetter: Set<String>) -> String {
        let params = run.paramNames
        var header = ["mean_fit_time", "std_fit_time", "mean_score_time", "std_score_time"]
        header += params.map { "param_\($0)" } + ["params"]
        for metric in run.metricNames {
            header += (0..<run.folds).map { "split\($0)_test_\(metric)" }
            header += ["mean_test_\(metric)", "std_test_\(metric)", "rank_test_\(metric)"]
        }
        let rows = run.summaries.map { Row(summary: $0, run: run) }
        var ranks: [String: [Int]] = [:]
        for metric in run.metricNames {
            ranks[metric] = rank(rows.map { $0.stats[metric]?.mean }, lowerIsBetter: lowerIsBetter.contains(metric))
        }
        var out = CSVWriter.line(header)
        for (index, row) in rows.enumerated() {
            var fields = [row.fit, row.score].flatMap { stats in [number(stats?.mean), number(stats?.std)] }
            fields += params.map { name in row.params[name].map(PythonLiteral.str) ?? "" }
            fields.append(PythonLiteral.dict(row.params))
            for metric in run.metricNames {
                fields += row.splits[metric, default: []].map(number)
                fields += [number(row.stats[metric]?.mean), number(row.stats[metric]?.std)]
                fields.append(String(ranks[metric]![index]))
            }
            out += CSVWriter.line(fields)
        }
        return out
    }

    /// scikit-learn's rule: `rankdata(-means, method="min")` with NaN means tied below the worst
    /// (all 1 when every mean is NaN). `nil` and NaN are no score.
    static func rank(_ means: [Double?], lowerIsBetter: Bool) -> [Int] {
        let keys = means.map { mean -> Double? in
            guard let mean, !mean.isNaN else { return nil }
            return lowerIsBetter ? -mean : mean
        }
        return keys.map { key in
            1 + keys.count { other in other.map { other in key.map { other > $0 } ?? true } ?? false }
        }
    }

    /// A number as Python's `repr(float)` writes it; empty for no value (pandas reads NaN).
    static func number(_ value: Double?) -> String {
        guard let value, !value.isNaN else { return "" }
        return PythonLiteral.float(value)
    }

    /// One trial's cells before formatting.
    private struct Row {
        var params: Params
        var fit: MeanStd?
        var score: MeanStd?
        var splits: [String: [Double?]] = [:]
        var stats: [String: MeanStd] = [:]

        init(summary: TrialSummary, run: RunSummary) {
            params = summary.trial.params
            let records = (0..<run.folds).map { run.records[TaskID(trial: summary.trial.number, fold: $0)] }
            let ended = records.compactMap { $0 }.filter { $0.status != .pruned }
            fit = ended.isEmpty ? nil : MeanStd(ended.map { $0.metrics["fit_seconds"] ?? $0.duration })
            score = ended.isEmpty ? nil : MeanStd(ended.map { _ in 0 })
            for metric in run.metricNames {
                let values = records.map { record in record?.status == .ok ? record?.metrics[metric] : nil }
                splits[metric] = values
                let scores = values.compactMap { $0 }
                if summary.status == .ok, scores.count == run.folds { stats[metric] = MeanStd(scores) }
            }
        }
    }
}
