/// One configuration to evaluate, numbered in suggestion order from 0.
public struct Trial: Sendable, Hashable {
    public let number: Int
    public let params: Params

    public init(number: Int, params: Params) {
        self.number = number
        self.params = params
    }
}

/// A task: one trial on one fold. Its id is deterministic: trial × folds + fold.
public struct TaskID: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let trial: Int
    public let fold: Int

    public init(trial: Int, fold: Int) {
        self.trial = trial
        self.fold = fold
    }

    public static func < (lhs: TaskID, rhs: TaskID) -> Bool {
        (lhs.trial, lhs.fold) < (rhs.trial, rhs.fold)
    }

    public var description: String { "trial \(trial) fold \(fold)" }
}
