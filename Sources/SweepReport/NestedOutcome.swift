import SweepCore

/// What nested CV (`cv.outer`) estimated: per outer fold, the trial its inner CV chose and that
/// trial's score on the fold's test rows after a refit on its training rows. The end of a
/// complete sweep records it in run.db; best.json and the reports show it from there.
public struct NestedOutcome: Sendable, Equatable, Codable {
    public struct Fold: Sendable, Equatable, Codable {
        /// The chosen trial, or nil when none completed this fold's inner CV (or its refit failed).
        public var trial: Int?
        /// The chosen trial's mean objective on this fold's inner CV.
        public var innerMean: Double?
        /// The refitted winner's objective on the outer fold's test rows.
        public var score: Double?
        public var trainRows: Int
        public var testRows: Int

        public init(trial: Int?, innerMean: Double?, score: Double?, trainRows: Int, testRows: Int) {
            self.trial = trial
            self.innerMean = innerMean
            self.score = score
            self.trainRows = trainRows
            self.testRows = testRows
        }
    }

    public var metric: String
    public var goal: String
    /// Inner folds per outer fold (cv.folds).
    public var innerFolds: Int
    public var folds: [Fold]
    /// Why there is no estimate, when there is none.
    public var note: String?

    public init(metric: String, goal: String, innerFolds: Int, folds: [Fold], note: String? = nil) {
        self.metric = metric
        self.goal = goal
        self.innerFolds = innerFolds
        self.folds = folds
        self.note = note
    }

    /// Mean and (population) std of the outer scores, when every outer fold has one.
    public var estimate: MeanStd? {
        let scores = folds.compactMap(\.score)
        guard !folds.isEmpty, scores.count == folds.count, note == nil else { return nil }
        return MeanStd(scores)
    }

    /// The distinct chosen trials, in outer-fold order (one: the procedure is stable).
    public var distinctTrials: [Int] {
        var seen: [Int] = []
        for trial in folds.compactMap(\.trial) where !seen.contains(trial) { seen.append(trial) }
        return seen
    }
}
