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
    /// retrain.json and the report's "Retraining" section (first: the verdict is kept whatever
    /// happens next), the promotion and a run.db event. A failed copy is recorded, not thrown.
    public func conclude(_ record: RunRecord) throws -> RetrainRecord {
        let directory = record.directory
        let summary = try RunReport.load(directory: directory)
        var result = outcome(summary)
        try result.write(directory: directory)
        try RunReport.write(directory: directory)
        if result.promoted, let target = options.promoteTo, let model = summary.modelFile {
            do {
                let bytes = try Data(contentsOf: URL(fileURLWithPath: directory).appendingPathComponent(model))
                result.promotedTo = try RetrainPromotion.copy(bytes, to: target)
            } catch {
                result.promotionFailed = "copying \(model) to \(target) failed: \(error)"
            }
            try result.write(directory: directory)
            try RunReport.write(directory: directory)
        }
        let verdict = (result.promoted ? "promoted: " : "not promoted: ") + result.reason
        try record.database.queueWrite { db in
            try db.execute(
                sql: "INSERT INTO events (at, kind, detail) VALUES (?, 'retrain-verdict', ?)",
                arguments: [
                    Date().timeIntervalSince1970, verdict + (result.promotionFailed.map { "; but \($0)" } ?? ""),
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
        var reason = verdict.reason
        if !unseenClasses.isEmpty && baseline.kind == "model" {
            reason +=
                "; the previous model never saw the class\(unseenClasses.count == 1 ? "" : "es") \(unseenClasses.joined(separator: ", ")): those rows count as wrong for it"
        }
        let ran = summary.trials.filter { $0.number < enqueued.count }.count
        var record = RetrainRecord(
            previous: previous, data: dataPath, dataSHA256: dataSHA256, previousDataSHA256: previousDataSHA256,
            sameData: sameData, rows: sweep.plan.searchRows.count, previousRows: previousRows,
            metric: spec.objective.metric, goal: spec.objective.goal.rawValue, promoted: verdict.promoted,
            reason: reason, candidate: candidate, previousBest: previousBest, baseline: baseline,
            minImprovement: options.minImprovement, enqueued: enqueued.count, furtherTrials: options.further,
            promotedTo: nil, promotionFailed: nil, notes: notes)
        record.enqueuedEvaluated = ran
        record.furtherSearched = summary.trials.count - ran
        record.searchEnded = summary.searchEnded
        record.unseenClasses = unseenClasses.isEmpty ? nil : unseenClasses
        record.paired = Self.paired(summary.best?.foldScores, baseline.folds, goal: spec.objective.goal)
        return record
    }
}

extension RetrainPlan {
    /// The paired comparison over the folds both were scored on (nil: different folds, or no spread to test).
    static func paired(_ candidate: [Double]?, _ baseline: [Double]?, goal: Goal) -> RetrainRecord.Paired? {
        guard let candidate, let baseline, candidate.count == baseline.count else { return nil }
        let differences = zip(candidate, baseline).map { goal == .maximize ? $0 - $1 : $1 - $0 }
        guard differences.allSatisfy(\.isFinite), let test = PairedComparison.studentT(differences) else { return nil }
        return RetrainRecord.Paired(
            folds: differences.count, meanImprovement: differences.reduce(0, +) / Double(differences.count),
            t: test.t, pValue: test.pValue)
    }
}

extension RetrainRecord {
    /// The one line `sweep retrain` ends with.
    public var verdictLine: String {
        (promoted ? "promoted" : "not promoted") + ": " + reason
            + (promotedTo.map { "; model copied to \($0)" } ?? "")
            + (promotionFailed.map { "; but \($0)" } ?? "")
    }
}
