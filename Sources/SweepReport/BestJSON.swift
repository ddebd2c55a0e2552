import SweepCore

/// `best.json`: the winning trial, its per-fold objective and every metric's mean and std.
public enum BestJSON {
    public static func render(_ run: RunSummary) -> String {
        guard let best = run.best, let objective = best.objective else {
            return "{\"trial\": null, \"metric\": \(jsonQuoted(run.objective.metric)), \"goal\": \"\(run.objective.goal.rawValue)\", \"error\": \"no trial succeeded\"}\n"
        }
        let metrics = run.metricNames.compactMap { name in
            best.metrics[name].map { "    \(jsonQuoted(name)): {\"mean\": \(number($0.mean)), \"std\": \(number($0.std))}" }
        }
        return """
        {
          "trial": \(best.trial.number),
          "params": \(best.trial.params.json),
          "metric": \(jsonQuoted(run.objective.metric)),
          "goal": "\(run.objective.goal.rawValue)",
          "mean": \(number(objective.mean)),
          "std": \(number(objective.std)),
          "folds": [\(best.foldScores.map(number).joined(separator: ", "))],
          "metrics": {
        \(metrics.joined(separator: ",\n"))
          },
          "model": \(run.modelFile.map(jsonQuoted) ?? "null"),
          "holdout": \(holdoutJSON(run))
        }

        """
    }

    static func number(_ value: Double) -> String { value.isFinite ? "\(value)" : "null" }

    /// `{"rows": n, "metrics": {...}}` or null.
    static func holdoutJSON(_ run: RunSummary) -> String {
        guard let holdout = run.holdout else { return "null" }
        let metrics = holdout.sorted { $0.key < $1.key }.map { "\(jsonQuoted($0.key)): \(number($0.value))" }.joined(separator: ", ")
        return "{\"rows\": \(run.holdoutRows), \"metrics\": {\(metrics)}}"
    }
}
