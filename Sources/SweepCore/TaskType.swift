/// What the target column is: class labels or a number to predict.
public enum TaskType: String, Sendable, CaseIterable {
    case classification, regression
}

/// A metric Sweep computes for every task, with its natural direction.
public struct MetricInfo: Sendable {
    public let name: String
    public let task: TaskType?  // nil: not tied to a task type (e.g. noop's score)
    public let higherIsBetter: Bool
    /// Only defined for two classes (the positive class is the second in sorted order).
    public var binaryOnly = false
    /// Reported in every result's columns (others appear when reported).
    public var standard = true
    /// A cost every built-in model reports whatever the task (fit time, predict time, size).
    public var resource = false

    init(
        name: String, task: TaskType?, higherIsBetter: Bool, binaryOnly: Bool = false, standard: Bool = true,
        resource: Bool = false
    ) {
        self.name = name
        self.task = task
        self.higherIsBetter = higherIsBetter
        self.binaryOnly = binaryOnly
        self.standard = standard
        self.resource = resource
    }

    public static let all: [MetricInfo] = [
        MetricInfo(name: "accuracy", task: .classification, higherIsBetter: true),
        MetricInfo(name: "balanced_accuracy", task: .classification, higherIsBetter: true),
        MetricInfo(name: "f1_macro", task: .classification, higherIsBetter: true),
        MetricInfo(name: "log_loss", task: .classification, higherIsBetter: false),
        MetricInfo(name: "precision_macro", task: .classification, higherIsBetter: true, standard: false),
        MetricInfo(name: "recall_macro", task: .classification, higherIsBetter: true, standard: false),
        MetricInfo(name: "precision_weighted", task: .classification, higherIsBetter: true, standard: false),
        MetricInfo(name: "recall_weighted", task: .classification, higherIsBetter: true, standard: false),
        MetricInfo(name: "f1_weighted", task: .classification, higherIsBetter: true, standard: false),
        MetricInfo(name: "roc_auc_ovr", task: .classification, higherIsBetter: true, standard: false),
        MetricInfo(name: "precision", task: .classification, higherIsBetter: true, binaryOnly: true, standard: false),
        MetricInfo(name: "recall", task: .classification, higherIsBetter: true, binaryOnly: true, standard: false),
        MetricInfo(name: "f1", task: .classification, higherIsBetter: true, binaryOnly: true, standard: false),
        MetricInfo(name: "roc_auc", task: .classification, higherIsBetter: true, binaryOnly: true, standard: false),
        MetricInfo(name: "brier", task: .classification, higherIsBetter: false, binaryOnly: true, standard: false),
        MetricInfo(name: "rmse", task: .regression, higherIsBetter: false),
        MetricInfo(name: "mae", task: .regression, higherIsBetter: false),
        MetricInfo(name: "r2", task: .regression, higherIsBetter: true),
        MetricInfo(name: "score", task: nil, higherIsBetter: true),  // noop's report
        // What a built-in model costs, for every task: seconds to fit a fold, seconds to predict
        // 1,000 rows, and the fitted model's size in bytes (see EncodedSize).
        MetricInfo(name: "fit_seconds", task: nil, higherIsBetter: false, standard: false, resource: true),
        MetricInfo(name: "predict_seconds", task: nil, higherIsBetter: false, standard: false, resource: true),
        MetricInfo(name: "model_bytes", task: nil, higherIsBetter: false, standard: false, resource: true),
    ]

    public static func named(_ name: String) -> MetricInfo? { all.first { $0.name == name } }

    /// The metrics a task of this type can report (valid objectives), in report order.
    public static func names(for task: TaskType) -> [String] {
        all.filter { $0.task == task || $0.resource }.map(\.name)
    }

    /// The metrics every result of this task type shows as columns.
    public static func standardNames(for task: TaskType) -> [String] {
        all.filter { $0.task == task && $0.standard }.map(\.name)
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
