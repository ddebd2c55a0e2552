/// Whether the best trial is distinguishable from the runners-up, and which parameters mattered:
/// the numbers `report.html` states in words beside the best configuration.
public struct SelectionStatistics: Sendable {
    /// The best trial against one runner-up, over the folds both have scores on.
    public struct Comparison: Sendable, Equatable {
        public var trial: Int
        public var sharedFolds: Int
        /// Mean over shared folds of (best − runner-up), signed so that positive favours the best.
        public var meanAdvantage: Double
        /// Student's t statistic and its two-sided p-value of the paired test (nil below 2 shared
        /// folds, or when every difference is the same).
        public var t: Double?
        public var pValue: Double?
        /// Whether the runner-up's mean lies within one standard error of the best's mean.
        public var withinOneStandardError: Bool

        public init(
            trial: Int, sharedFolds: Int, meanAdvantage: Double, t: Double?, pValue: Double?,
            withinOneStandardError: Bool
        ) {
            (self.trial, self.sharedFolds, self.meanAdvantage, self.t, self.pValue) = (
                trial, sharedFolds, meanAdvantage, t, pValue
            )
            self.withinOneStandardError = withinOneStandardError
        }
    }

    public var best: Int
    /// The standard error of the best's mean over its folds: the sample standard deviation
    /// (ddof 1) over √folds, as in Hastie et al.'s one-standard-error rule (nil for one fold).
    public var standardError: Double?
    /// The next trials in rank order, compared with the best.
    public var comparisons: [Comparison]
    /// The trials within one standard error of the best (the best first), and the simplest of
    /// them where the space gives an order, with the reason it is simplest.
    public var withinOneStandardError: [Int]
    public var simplest: Int?
    public var simplestReason: String?

    public init(
        best: Int, standardError: Double?, comparisons: [Comparison], withinOneStandardError: [Int],
        simplest: Int? = nil, simplestReason: String? = nil
    ) {
        (self.best, self.standardError, self.comparisons) = (best, standardError, comparisons)
        (self.withinOneStandardError, self.simplest, self.simplestReason) = (
            withinOneStandardError, simplest, simplestReason
        )
    }
}

/// How much each parameter explains of the objective's variance over the trials, and how that
/// was computed (`method`, e.g. "fANOVA on a random-forest surrogate of 64 trees").
public struct ParameterImportance: Sendable, Equatable {
    public var method: String
    /// Parameter name and its share (0…1), most important first.
    public var values: [(name: String, importance: Double)]

    public init(method: String, values: [(name: String, importance: Double)]) {
        (self.method, self.values) = (method, values)
    }

    public static func == (a: Self, b: Self) -> Bool {
        a.method == b.method && a.values.map(\.name) == b.values.map(\.name)
            && a.values.map(\.importance) == b.values.map(\.importance)
    }
}
