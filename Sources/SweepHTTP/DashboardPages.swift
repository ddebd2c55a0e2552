import Foundation
import SweepCore
import SweepReport
import SweepRuntime

/// What the dashboard's pages say, each read from run.db (read-only) at request time.
enum DashboardPages {
    /// `/`: the run's report.html as it stands now, reloading itself while the sweep runs.
    static func report(directory: String) throws -> String {
        try RunReport.html(directory: directory, live: true)
    }

    /// `/api/status`: `sweep status --json`.
    static func status(directory: String) throws -> String {
        try RunStatus.read(directory: directory).json
    }

    /// `/api/trials`: every trial with its parameters (a JSON object), status, objective over the
    /// folds, fold scores and the other metrics' means and spreads.
    static func trials(directory: String) throws -> String {
        let summary = try RunReport.load(directory: directory)
        let rows = summary.summaries.map { trial -> String in
            let objective = trial.objective.map(meanStd) ?? "null"
            let metrics = trial.metrics.sorted { $0.key < $1.key }.map { "\(string($0.key)): \(meanStd($0.value))" }
            var fields = [
                "\"trial\": \(trial.trial.number)", "\"params\": \(trial.trial.params.json)",
                "\"status\": \(string(trial.status.rawValue))", "\"objective\": \(objective)",
                "\"folds\": [\(trial.foldScores.map(number).joined(separator: ", "))]",
                "\"metrics\": {\(metrics.joined(separator: ", "))}",
            ]
            if let error = trial.error { fields.append("\"error\": \(string(error))") }
            return "  {" + fields.joined(separator: ", ") + "}"
        }
        return rows.isEmpty ? "[]" : "[\n" + rows.joined(separator: ",\n") + "\n]"
    }

    static func meanStd(_ value: MeanStd) -> String {
        "{\"mean\": \(number(value.mean)), \"std\": \(number(value.std))}"
    }

    /// JSON has no NaN or infinity: those are null.
    static func number(_ value: Double) -> String { value.isFinite ? "\(value)" : "null" }

    static func string(_ text: String) -> String {
        String(decoding: (try? JSONEncoder().encode(text)) ?? Data("\"\"".utf8), as: UTF8.self)
    }
}
