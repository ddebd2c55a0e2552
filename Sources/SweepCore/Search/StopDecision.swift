/// An early-stopping rule's verdict on one trial, with the reason the report and run database show.
public struct StopDecision: Sendable, Equatable {
    public enum Rule: String, Sendable { case asha, median, racing }

    public let trial: Int
    public let rule: Rule
    /// The fold whose report or result triggered the decision, and its step (nil: a fold's final result).
    public let fold: Int
    public let step: Int?
    public let reason: String

    public init(trial: Int, rule: Rule, fold: Int, step: Int?, reason: String) {
        self.trial = trial
        self.rule = rule
        self.fold = fold
        self.step = step
        self.reason = reason
    }
}

/// A trial an early-stopping rule stopped, and the tasks that saved.
public struct StoppedTrial: Sendable {
    public let decision: StopDecision
    /// Queued folds that never ran, and running ones cancelled on their workers.
    public let dropped: Int
    public let cancelled: Int

    public init(decision: StopDecision, dropped: Int, cancelled: Int) {
        self.decision = decision
        self.dropped = dropped
        self.cancelled = cancelled
    }
}
