import Foundation
import SweepCore
import SweepReport

extension RetrainPlan {
    /// Records in the new run's run.db that it retrains the previous run (before its first trial).
    public func recordStart(_ record: RunRecord) throws {
        try record.database.queueWrite { db in
            try db.execute(
                sql: "INSERT INTO events (at, kind, detail) VALUES (?, 'retrain', ?)",
                arguments: [
                    Date().timeIntervalSince1970,
                    "retrains \(previous) on \(dataPath) (sha256 \(dataSHA256.prefix(12))…)",
                ])
        }
    }

    /// After the new run finished: the candidate (its best trial) against the baseline, then
    /// retrain.json, the report's "Retraining" section, the promotion and a run.db event.
    public func conclude(_ record: RunRecord) throws -> RetrainRecord {
        let directory = record.directory
        let summary = try RunReport.load(directory: directory)
        var result = outcome(summary)
        if result.promoted, let target = options.promoteTo, let model = summary.modelFile {
            let bytes = try Data(contentsOf: URL(fileURLWithPath: directory).appendingPathComponent(model))
            // Written beside the target and renamed over it: a server reading it sees the old
            // model or the new one, never half of one.
            try bytes.write(to: URL(fileURLWithPath: target), options: .atomic)
            result.promotedTo = URL(fileURLWithPath: target).standardizedFileURL.path
        }
        try result.write(directory: directory)
        try RunReport.write(directory: directory)
        try record.database.queueWrite { db in
            try db.execute(
                sql: "INSERT INTO events (at, kind, detail) VALUES (?, 'retrain-verdict', ?)",
                arguments: [
                    Date().timeIntervalSince1970, (result.promoted ? "promoted: " : "not promoted: ") + result.reason,
                ])
        }
        return result
    }

    /// The record of the finished run: the decision made on its summary (pure).
    func outcome(_ summary: RunSummary) -> RetrainRecord {
        let spec = sweep.spec
        let candidate = summary.best.flatMap { best in
            best.objective.map {
                RetrainRecord.Scored(trial: best.trial.number, params: best.trial.params, score: $0.mean)
            }
        }
        let baseline: RetrainRecord.Baseline
        if let folds = modelBaseline {
            baseline = .init(kind: "model", score: folds.reduce(0, +) / Double(folds.count), folds: folds, trial: nil)
        } else {
            // The previous best configuration was enqueued first: it is this run's trial 0.
            let again =
                summary.summaries.first { $0.trial.params == previousBest.params.params }
                ?? summary.summaries.first { $0.trial.number == 0 }
            baseline = .init(
                kind: "configuration", score: again?.objective?.mean, folds: again?.foldScores,
                trial: again?.trial.number)
        }
        let verdict = RetrainDecision.decide(
            .init(
                metric: spec.objective.metric, goal: spec.objective.goal, candidate: candidate?.score,
                baseline: baseline.score, kind: baseline.kind, minImprovement: options.minImprovement,
                sameData: sameData, candidateHasModel: summary.modelFile != nil))
        return RetrainRecord(
            previous: previous, data: dataPath, dataSHA256: dataSHA256, previousDataSHA256: previousDataSHA256,
            sameData: sameData, rows: sweep.plan.searchRows.count, previousRows: previousRows,
            metric: spec.objective.metric, goal: spec.objective.goal.rawValue, promoted: verdict.promoted,
            reason: verdict.reason, candidate: candidate, previousBest: previousBest, baseline: baseline,
            minImprovement: options.minImprovement, enqueued: enqueued.count, furtherTrials: options.further,
            promotedTo: nil, notes: notes)
    }
}

extension RetrainRecord {
    /// The one line `sweep retrain` ends with.
    public var verdictLine: String {
        (promoted ? "promoted" : "not promoted") + ": " + reason
            + (promotedTo.map { "; model copied to \($0)" } ?? "")
    }
}
