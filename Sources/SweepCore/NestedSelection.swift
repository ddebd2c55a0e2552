/// Nested CV's choice for each outer fold: the trial with the best mean objective on that outer
/// fold's inner CV (task folds `plan.innerTaskFolds(outerFold:)`). Ties go to the lowest trial
/// number, as scikit-learn's `GridSearchCV.best_index_` takes the first candidate in grid order.
public enum NestedSelection {
    public struct Choice: Sendable, Equatable {
        public let trial: Int
        /// The trial's mean objective over the outer fold's inner folds.
        public let innerMean: Double
    }

    /// Per outer fold, the chosen trial, or nil when no trial completed that fold's inner CV.
    /// A trial counts for a fold only when every inner task of it succeeded with the objective.
    public static func choose(
        trials: [Trial], records: [TaskID: TaskRecord], innerFolds: Int, outer: Int, objective: String, goal: Goal
    ) -> [Choice?] {
        (0..<outer).map { fold in
            let first = (1 + fold) * innerFolds
            var best: Choice?
            for trial in trials.sorted(by: { $0.number < $1.number }) {
                let scores = (first..<(first + innerFolds)).compactMap { task -> Double? in
                    guard let record = records[TaskID(trial: trial.number, fold: task)], record.status == .ok else {
                        return nil
                    }
                    return record.metrics[objective]
                }
                guard scores.count == innerFolds else { continue }
                // In fold order, as the trial's own mean is taken.
                let mean = scores.reduce(0, +) / Double(innerFolds)
                guard mean.isFinite else { continue }
                if best == nil || goal.better(mean, than: best!.innerMean) {
                    best = Choice(trial: trial.number, innerMean: mean)
                }
            }
            return best
        }
    }
}
