import Foundation
import SweepCore

/// `results.csv` (one row per task) and `trials.csv` (one row per trial).
public enum CSVWriter {
    static func field(_ text: String) -> String {
        // Bytes, not Characters: a million-row results.csv checks every field.
        guard text.utf8.contains(where: { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    static func line(_ fields: [String]) -> String {
        var out = ""
        append(fields, to: &out)
        return out
    }

    /// One line appended in place (no joined copy per row).
    static func append(_ fields: [String], to out: inout String) {
        for (index, text) in fields.enumerated() {
            if index > 0 { out += "," }
            out += field(text)
        }
        out += "\n"
    }

    static let resultColumns = ["trial", "fold", "status", "worker", "host", "attempt", "duration_s", "error"]
    static let trialColumns = ["trial", "status", "rank", "error"]

    /// A parameter's column: its name, or `param_NAME` where that would clash with another column.
    static func paramColumn(_ name: String, reserved: [String]) -> String {
        reserved.contains(name) ? "param_\(name)" : name
    }

    public static func results(_ run: RunSummary) -> String {
        let params = run.paramNames
        let reserved = resultColumns + run.metricNames
        // Nested CV: which outer fold's inner CV a task belongs to (empty: the trial's scored folds).
        let nested = run.taskFolds > run.folds
        var out = line(
            Array(resultColumns.prefix(2)) + (nested ? ["outer_fold"] : []) + resultColumns[2..<7]
                + params.map { paramColumn($0, reserved: reserved) } + run.metricNames + ["error"])
        for task in run.records.keys.sorted() {
            let record = run.records[task]!
            let trial = run.trials[record.task.trial]
            let fold = record.task.fold
            var row =
                [String(record.task.trial), String(fold)]
                + (nested ? [fold < run.folds ? "" : String(fold / run.folds - 1)] : []) + [
                    record.status.rawValue, record.worker, record.host, String(record.attempt),
                    CFormat.f(record.duration, decimals: 6),
                ]
            row += params.map { trial.params[$0]?.description ?? "" }
            row += run.metricNames.map { record.metrics[$0].map { "\($0)" } ?? "" }
            row.append(record.error ?? "")
            append(row, to: &out)
        }
        return out
    }

    public static func trials(_ run: RunSummary) -> String {
        let params = run.paramNames
        let rank = Dictionary(
            uniqueKeysWithValues: run.ranked.enumerated().map { ($0.element.trial.number, $0.offset + 1) })
        var header =
            ["trial"]
            + params.map {
                paramColumn($0, reserved: trialColumns + run.metricNames.flatMap { ["\($0)_mean", "\($0)_std"] })
            }
        for metric in run.metricNames { header += ["\(metric)_mean", "\(metric)_std"] }
        header += ["status", "rank", "error"]
        var out = line(header)
        for summary in run.summaries {
            var row = [String(summary.trial.number)] + params.map { summary.trial.params[$0]?.description ?? "" }
            for metric in run.metricNames {
                if let stats = summary.metrics[metric] {
                    row += ["\(stats.mean)", stats.spread.map { "\($0)" } ?? ""]  // no spread over one fold
                } else {
                    row += ["", ""]
                }
            }
            row += [summary.status.rawValue, rank[summary.trial.number].map(String.init) ?? "", summary.error ?? ""]
            append(row, to: &out)
        }
        return out
    }
}
