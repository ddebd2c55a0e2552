import Foundation
import SweepCore

/// The "Retraining" section of a retrained run's report.md: what changed (data, best
/// configuration, scores) and why the candidate was or was not promoted. Made from retrain.json
/// alone and placed after the report's header, each time the report is written.
public enum RetrainReport {
    /// Adds the section to `report.md` in `directory` when it holds a retrain.json (else nothing).
    static func addSection(directory: String) throws {
        guard let record = RetrainRecord.read(directory: directory) else { return }
        let url = URL(fileURLWithPath: directory).appendingPathComponent("report.md")
        guard let report = try? String(contentsOf: url, encoding: .utf8) else { return }
        try insert(section(record), into: report).write(to: url, atomically: true, encoding: .utf8)
    }

    /// The report with the section before its first `## ` heading (after the header lines).
    static func insert(_ section: String, into report: String) -> String {
        guard let heading = report.range(of: "\n## ") else { return report + "\n" + section }
        let start = report.index(after: heading.lowerBound)
        return String(report[..<start]) + section + "\n" + String(report[start...])
    }

    public static func section(_ record: RetrainRecord) -> String {
        let metric = record.metric
        var out = "## Retraining\n\n"
        out +=
            "This run retrains `\(record.previous)` on new data: **\(record.promoted ? "promoted" : "not promoted")**.\n\n"
        out += trialsLine(record) + "\n\n"
        out += "| | previous run | this run |\n|---|---|---|\n"
        out +=
            "| data | \(hash(record.previousDataSHA256))\(rows(record.previousRows)) | `\(record.data)` \(hash(record.dataSHA256))\(rows(record.rows)) |\n"
        let candidate = record.candidate
        out +=
            "| best configuration | trial \(record.previousBest.trial): `\(record.previousBest.params.params.description)` | \(candidate.map { "trial \($0.trial): `\($0.params.params.description)`" } ?? "none") |\n"
        out +=
            "| \(metric), CV on its own data | \(format(record.previousBest.score)) | \(candidate.map { format($0.score) } ?? "—") |\n"
        let baseline =
            record.baseline.kind == "model"
            ? "previous model on this run's validation folds" : "previous best configuration, CV on the new data"
        out +=
            "| \(metric) on the new data | \(record.baseline.score.map(format) ?? "—") (\(baseline)\(record.baseline.trial.map { ", trial \($0)" } ?? "")) | \(candidate.map { format($0.score) } ?? "—") |\n\n"
        out += "Why: \(record.reason).\n"
        if let paired = record.paired {
            out +=
                "\nFold by fold (\(paired.folds) folds): the candidate is better by \(format(paired.meanImprovement)) on average, paired t = \(format(paired.t)), two-sided p = \(format(paired.pValue)). A small p says the gain is unlikely to be fold-to-fold noise; the promotion rule does not use it (use --min-improvement).\n"
        }
        if record.sameData {
            out +=
                "\nThe new data is the same file (sha256) as the previous run's: nothing changed, so the previous model stays whatever the scores say\(record.baseline.kind == "model" ? " (the previous model's score on its own training rows is in-sample, so it cannot be compared with a CV estimate)" : ""). To search the same data further, use `sweep resume \(record.previous) --trials N`.\n"
        }
        if record.baseline.kind == "configuration" {
            out +=
                "\nThe previous run has no model file (a command trainer, or refit: false), so configurations are compared: the previous best one was evaluated again on the new data's folds.\n"
        }
        for note in record.notes { out += "\n- \(note)" }
        if !record.notes.isEmpty { out += "\n" }
        if let target = record.promotedTo { out += "\nThe new model.json was copied to `\(target)`.\n" }
        if let failure = record.promotionFailed {
            out += "\nThe candidate was promoted, but \(failure): the previous model is still in place.\n"
        }
        return out
    }

    /// What ran: the enqueued configurations, then the further trials searched — as counted in
    /// the run, which can be fewer than asked (the space used up, the run stopped).
    static func trialsLine(_ record: RetrainRecord) -> String {
        let queued = record.enqueued
        let evaluated = record.enqueuedEvaluated ?? queued
        let searched = record.furtherSearched ?? record.furtherTrials
        var line =
            "The previous run's top \(queued) configuration\(queued == 1 ? " was" : "s were") evaluated first on the new data's folds"
        if evaluated < queued { line += " (\(evaluated) of them ran)" }
        if record.furtherTrials == 0 && searched == 0 { return line + "." }
        line +=
            ", then \(searched) more \(searched == 1 ? "was" : "were") searched, learning from the previous run's trials"
        if searched < record.furtherTrials {
            line +=
                " (of \(record.furtherTrials) asked for\(record.searchEnded.map { ": the search ended because \($0)" } ?? ""))"
        }
        return line + "."
    }

    static func hash(_ sha256: String?) -> String { sha256.map { "sha256 `\($0.prefix(12))…`" } ?? "—" }
    static func rows(_ count: Int?) -> String { count.map { ", \($0) rows" } ?? "" }
    static func format(_ value: Double) -> String { value.isFinite ? String(format: "%.4f", value) : "—" }
}
