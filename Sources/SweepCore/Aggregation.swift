/// A trial's standing once its tasks are counted.
public struct TrialSummary: Sendable {
    public enum Status: String, Sendable { case ok, failed, incomplete, stopped }

    public let trial: Trial
    public let status: Status
    /// The objective on each fold, in fold order (only when every fold succeeded).
    public let foldScores: [Double]
    public let metrics: [String: MeanStd]
    public let error: String?
    /// The fold scores' mean and spread, computed once: ranking compares it many times.
    public let objective: MeanStd?

    public init(trial: Trial, status: Status, foldScores: [Double], metrics: [String: MeanStd], error: String?) {
        self.trial = trial
        self.status = status
        self.foldScores = foldScores
        self.metrics = metrics
        self.error = error
        objective = foldScores.isEmpty ? nil : MeanStd(foldScores)
    }
}

/// Pure aggregation of task records into trial summaries and the best trial.
public enum Aggregation {
    public static func summarize(
        trials: [Trial], records: [TaskID: TaskRecord], folds: Int,
        metricNames: [String], objective: String
    ) -> [TrialSummary] {
        trials.map { trial in
            let taskRecords = (0..<folds).compactMap { records[TaskID(trial: trial.number, fold: $0)] }
            if let stop = taskRecords.first(where: { $0.status == .pruned }) {
                let scores = taskRecords.filter { $0.status == .ok }.compactMap { $0.metrics[objective] }
                return TrialSummary(trial: trial, status: .stopped, foldScores: scores, metrics: [:], error: stop.error)
            }
            if let failure = taskRecords.first(where: { $0.status == .failed }) {
                return TrialSummary(
                    trial: trial, status: .failed, foldScores: [], metrics: [:],
                    error: "fold \(failure.task.fold): \(failure.error ?? "failed")")
            }
            guard taskRecords.count == folds else {
                return TrialSummary(trial: trial, status: .incomplete, foldScores: [], metrics: [:], error: nil)
            }
            var metrics: [String: MeanStd] = [:]
            for name in metricNames {
                let values = taskRecords.compactMap { $0.metrics[name] }
                if values.count == folds { metrics[name] = MeanStd(values) }
            }
            let scores = taskRecords.compactMap { $0.metrics[objective] }
            return TrialSummary(
                trial: trial, status: scores.count == folds ? .ok : .failed,
                foldScores: scores.count == folds ? scores : [],
                metrics: metrics, error: scores.count == folds ? nil : "objective '\(objective)' missing")
        }
    }

    /// Successful trials, best first: best mean objective, then lower std, then lower trial number.
    public static func ranked(_ summaries: [TrialSummary], goal: Goal) -> [TrialSummary] {
        // Sorts small keys, not the summaries: moving a summary retains and releases its arrays.
        let keys = summaries.indices.compactMap { index -> (mean: Double, std: Double, trial: Int, index: Int)? in
            let summary = summaries[index]
            guard summary.status == .ok, let score = summary.objective else { return nil }
            return (score.mean, score.std, summary.trial.number, index)
        }
        return keys.sorted { x, y in
            if x.mean != y.mean { return goal.better(x.mean, than: y.mean) || (y.mean.isNaN && !x.mean.isNaN) }
            if x.std != y.std { return x.std < y.std }
            return x.trial < y.trial
        }.map { summaries[$0.index] }
    }

    public static func best(_ summaries: [TrialSummary], goal: Goal) -> TrialSummary? {
        ranked(summaries, goal: goal).first
    }
}
