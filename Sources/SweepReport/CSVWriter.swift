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

    /// A field after the first of its line: the comma, then the field as CSV needs it.
    static func add(_ text: String, to out: inout String) {
        out += ","
        out += field(text)
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
        out.reserveCapacity(out.utf8.count + run.records.count * 48)
        // Fields go straight into `out` (no array of strings per row: a million rows at scale).
        for task in run.records.keys.sorted() {
            let record = run.records[task]!
            let trial = run.trials[record.task.trial]
            let fold = record.task.fold
            out += String(record.task.trial)
            out += ","
            out += String(fold)
            if nested { add(fold < run.folds ? "" : String(fold / run.folds - 1), to: &out) }
            add(record.status.rawValue, to: &out)
            add(record.worker, to: &out)
            add(record.host, to: &out)
            add(String(record.attempt), to: &out)
            add(CFormat.f(record.duration, decimals: 6), to: &out)
            for name in params { add(trial.params[name]?.description ?? "", to: &out) }
            for name in run.metricNames { add(record.metrics[name].map { "\($0)" } ?? "", to: &out) }
            add(record.error ?? "", to: &out)
            out += "\n"
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
        out.reserveCapacity(out.utf8.count + run.summaries.count * 48)
        for summary in run.summaries {
            out += String(summary.trial.number)
            for name in params { add(summary.trial.params[name]?.description ?? "", to: &out) }
            for metric in run.metricNames {
                if let stats = summary.metrics[metric] {
                    add("\(stats.mean)", to: &out)
                    add(stats.spread.map { "\($0)" } ?? "", to: &out)  // no spread over one fold
                } else {
                    out += ",,"
                }
            }
            add(summary.status.rawValue, to: &out)
            add(rank[summary.trial.number].map(String.init) ?? "", to: &out)
            add(summary.error ?? "", to: &out)
            out += "\n"
        }
        return out
    }
}
