/// What the target column is: class labels or a number to predict.
public enum TaskType: String, Sendable, CaseIterable {
    case classification, regression
}

/// A metric Sweep computes for every task, with its natural direction.
public struct MetricInfo: Sendable {
    public let name: String
    public let task: TaskType?  // nil: not tied to a task type (e.g. noop's score)
    public let higherIsBetter: Bool

    public static let all: [MetricInfo] = [
        MetricInfo(name: "accuracy", task: .classification, higherIsBetter: true),
        MetricInfo(name: "f1_macro", task: .classification, higherIsBetter: true),
        MetricInfo(name: "log_loss", task: .classification, higherIsBetter: false),
        MetricInfo(name: "rmse", task: .regression, higherIsBetter: false),
        MetricInfo(name: "mae", task: .regression, higherIsBetter: false),
        MetricInfo(name: "r2", task: .regression, higherIsBetter: true),
        MetricInfo(name: "score", task: nil, higherIsBetter: true),  // noop's report
    ]

    public static func named(_ name: String) -> MetricInfo? { all.first { $0.name == name } }

    /// The metrics every task of this type reports, in report order.
    public static func names(for task: TaskType) -> [String] {
        all.filter { $0.task == task }.map(\.name)
    }
}

/// Which way the objective should move.
public enum Goal: String, Sendable {
    case maximize, minimize

    /// True when `a` is strictly better than `b`.
    public func better(_ a: Double, than b: Double) -> Bool {
        self == .maximize ? a > b : a < b
    }
}
