import Foundation
import SweepCore
import SweepReport
import SweepRuntime

/// What the dashboard's pages say, each read from run.db (read-only) at request time.
enum DashboardPages {
    /// `/`: the report, live. THE ONE PLACE to switch to the html helper's report once it is on
    /// main: `try RunReport.html(directory: directory, live: true)`. Until then, a page from
    /// `RunStatus` that refreshes itself.
    static func report(directory: String) throws -> String {
        let status = try RunStatus.read(directory: directory)
        return """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="5">
            <title>sweep \(escape(status.name))</title>
            <style>body{font-family:system-ui,sans-serif;margin:2em}pre{background:#f6f6f6;padding:1em}</style>
            </head><body><h1>sweep \(escape(status.name))</h1><pre id="status">\(escape(status.text))</pre>
            <p><a href="api/status">status (JSON)</a> · <a href="api/trials">trials (JSON)</a> · \
            <a href="metrics">metrics</a></p></body></html>
            """
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

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
