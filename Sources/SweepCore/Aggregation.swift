/// A trial's standing once its tasks are counted.
public struct TrialSummary: Sendable {
    public enum Status: String, Sendable { case ok, failed, incomplete, stopped }

    public let trial: Trial
    public let status: Status
    /// The objective on each fold, in fold order (only when every fold succeeded).
    public let foldScores: [Double]
    public let metrics: [String: MeanStd]
    public let error: String?

    public var objective: MeanStd? { foldScores.isEmpty ? nil : MeanStd(foldScores) }
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
        summaries.filter { $0.status == .ok }.sorted { a, b in
            let (x, y) = (a.objective!, b.objective!)
            if x.mean != y.mean { return goal.better(x.mean, than: y.mean) || (y.mean.isNaN && !x.mean.isNaN) }
            if x.std != y.std { return x.std < y.std }
            return a.trial.number < b.trial.number
        }
    }

    public static func best(_ summaries: [TrialSummary], goal: Goal) -> TrialSummary? {
        ranked(summaries, goal: goal).first
    }
}
