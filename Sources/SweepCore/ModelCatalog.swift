/// What a hyperparameter of a built-in model accepts.
public enum ParamRule: Sendable {
    case positive            // a number > 0
    case nonNegative         // a number ≥ 0
    case anyNumber
    case positiveInt         // an integer ≥ 1
    case choice([String])

    /// Nil when `value` is acceptable, else what would be right.
    public func problem(with value: ParamValue) -> String? {
        switch self {
        case .positive:
            guard let number = value.number, number > 0, number.isFinite else { return "expected a number > 0, got \(value.json)" }
        case .nonNegative:
            guard let number = value.number, number >= 0, number.isFinite else { return "expected a number ≥ 0, got \(value.json)" }
        case .anyNumber:
            guard let number = value.number, number.isFinite else { return "expected a number, got \(value.json)" }
        case .positiveInt:
            guard case .int(let int) = value, int >= 1 else { return "expected an integer ≥ 1, got \(value.json)" }
        case .choice(let options):
            guard case .string(let text) = value, options.contains(text) else {
                return "expected one of \(options.joined(separator: ", ")), got \(value.json)"
            }
        }
        return nil
    }

    /// Whether a numeric range [lo, hi] is allowed for this parameter.
    public var isNumeric: Bool {
        switch self {
        case .positive, .nonNegative, .anyNumber, .positiveInt: true
        case .choice: false
        }
    }
}

/// A built-in model: what it predicts and which hyperparameters it takes.
public struct ModelInfo: Sendable {
    public let name: String
    public let tasks: [TaskType]
    public let params: [String: ParamRule]
    /// Extra parameters are passed through unchecked (only for `noop`).
    public let acceptsOtherParams: Bool
    /// Metrics it reports instead of the task's standard ones.
    public let ownMetrics: [String]?
    public let needsData: Bool

    public func metrics(for task: TaskType) -> [String] { ownMetrics ?? MetricInfo.names(for: task) }

    public static let all: [ModelInfo] = [
        ModelInfo(name: "logistic_regression", tasks: [.classification],
                  params: ["C": .positive, "max_iter": .positiveInt, "tol": .positive],
                  acceptsOtherParams: false, ownMetrics: nil, needsData: true),
        ModelInfo(name: "ridge", tasks: [.regression], params: ["alpha": .nonNegative],
                  acceptsOtherParams: false, ownMetrics: nil, needsData: true),
        ModelInfo(name: "knn", tasks: [.classification, .regression],
                  params: ["k": .positiveInt, "weights": .choice(["uniform", "distance"])],
                  acceptsOtherParams: false, ownMetrics: nil, needsData: true),
        // Does no training: waits `sleep` seconds and reports `score`. For measuring overhead.
        ModelInfo(name: "noop", tasks: [.classification, .regression],
                  params: ["sleep": .nonNegative, "score": .anyNumber],
                  acceptsOtherParams: true, ownMetrics: ["score"], needsData: false),
    ]

    public static func named(_ name: String) -> ModelInfo? { all.first { $0.name == name } }
}
