/// What a hyperparameter of a built-in model accepts.
public enum ParamRule: Sendable {
    case positive            // a number > 0
    case nonNegative         // a number ≥ 0
    case anyNumber
    case positiveInt         // an integer ≥ 1
    case intAtLeast(Int)
    case fraction            // a number in (0, 1]
    case unitInterval        // a number in [0, 1]
    case boolean
    case choice([String])
    /// `max_features`: sqrt, log2, a count ≥ 1, or a fraction in (0, 1].
    case maxFeatures
    /// `hidden_layer_sizes`: a width (100) or widths as text ("64,32").
    case layerSizes

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
        case .intAtLeast(let minimum):
            guard case .int(let int) = value, int >= minimum else { return "expected an integer ≥ \(minimum), got \(value.json)" }
        case .fraction:
            guard case .double(let number) = value, number > 0, number <= 1 else { return "expected a number in (0, 1], got \(value.json)" }
        case .unitInterval:
            guard let number = value.number, number >= 0, number <= 1 else { return "expected a number in [0, 1], got \(value.json)" }
        case .boolean:
            guard case .bool = value else { return "expected true or false, got \(value.json)" }
        case .maxFeatures:
            switch value {
            case .string(let text) where text == "sqrt" || text == "log2": return nil
            case .int(let count) where count >= 1: return nil
            case .double(let fraction) where fraction > 0 && fraction <= 1: return nil
            default: return "expected sqrt, log2, a number of columns ≥ 1 or a fraction in (0, 1], got \(value.json)"
            }
        case .layerSizes:
            switch value {
            case .int(let width) where width >= 1: return nil
            case .string(let text) where !text.isEmpty && text.split(separator: ",", omittingEmptySubsequences: false)
                .allSatisfy({ Int($0.trimmingCharacters(in: .whitespaces)).map { $0 >= 1 } ?? false }): return nil
            default: return "expected a layer width like 100, or widths like \"64,32\", got \(value.json)"
            }
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
        case .positive, .nonNegative, .anyNumber, .positiveInt, .intAtLeast, .fraction, .unitInterval: true
        case .choice, .boolean, .maxFeatures, .layerSizes: false
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

    /// Whether it reports validation metrics per iteration or epoch (for asha and median stopping).
    public var reportsProgress: Bool { ["gradient_boosting", "mlp"].contains(name) }

    static let treeParams: [String: ParamRule] = [
        "criterion": .choice(["gini", "entropy", "squared_error"]), "max_depth": .positiveInt,
        "min_samples_split": .intAtLeast(2), "min_samples_leaf": .positiveInt, "max_features": .maxFeatures, "seed": .intAtLeast(0),
    ]

    public static let all: [ModelInfo] = [
        ModelInfo(name: "logistic_regression", tasks: [.classification],
                  params: ["C": .positive, "max_iter": .positiveInt, "tol": .positive, "penalty": .choice(["l2", "none"]),
                           "class_weight": .choice(["none", "balanced"])],
                  acceptsOtherParams: false, ownMetrics: nil, needsData: true),
        ModelInfo(name: "linear_regression", tasks: [.regression], params: [:],
                  acceptsOtherParams: false, ownMetrics: nil, needsData: true),
        ModelInfo(name: "ridge", tasks: [.regression], params: ["alpha": .nonNegative],
                  acceptsOtherParams: false, ownMetrics: nil, needsData: true),
        ModelInfo(name: "lasso", tasks: [.regression], params: ["alpha": .positive, "max_iter": .positiveInt, "tol": .positive],
                  acceptsOtherParams: false, ownMetrics: nil, needsData: true),
        ModelInfo(name: "elastic_net", tasks: [.regression],
                  params: ["alpha": .positive, "l1_ratio": .unitInterval, "max_iter": .positiveInt, "tol": .positive],
                  acceptsOtherParams: false, ownMetrics: nil, needsData: true),
        ModelInfo(name: "knn", tasks: [.classification, .regression],
                  params: ["k": .positiveInt, "weights": .choice(["uniform", "distance"]), "p": .positive],
                  acceptsOtherParams: false, ownMetrics: nil, needsData: true),
        ModelInfo(name: "gaussian_nb", tasks: [.classification], params: ["var_smoothing": .nonNegative],
                  acceptsOtherParams: false, ownMetrics: nil, needsData: true),
        ModelInfo(name: "decision_tree", tasks: [.classification, .regression], params: treeParams,
                  acceptsOtherParams: false, ownMetrics: nil, needsData: true),
        ModelInfo(name: "random_forest", tasks: [.classification, .regression],
                  params: treeParams.merging(["n_estimators": .positiveInt, "bootstrap": .boolean]) { a, _ in a },
                  acceptsOtherParams: false, ownMetrics: nil, needsData: true),
        ModelInfo(name: "gradient_boosting", tasks: [.classification, .regression],
                  params: ["learning_rate": .positive, "max_iter": .positiveInt, "max_leaf_nodes": .intAtLeast(2), "max_depth": .positiveInt,
                           "min_samples_leaf": .positiveInt, "l2_regularization": .nonNegative, "max_bins": .intAtLeast(2),
                           "early_stopping": .boolean, "seed": .intAtLeast(0)],
                  acceptsOtherParams: false, ownMetrics: nil, needsData: true),
        ModelInfo(name: "mlp", tasks: [.classification, .regression],
                  params: ["hidden_layer_sizes": .layerSizes, "activation": .choice(["relu", "tanh", "logistic", "identity"]),
                           "alpha": .nonNegative, "learning_rate_init": .positive, "batch_size": .positiveInt, "max_iter": .positiveInt,
                           "tol": .positive, "early_stopping": .boolean, "seed": .intAtLeast(0)],
                  acceptsOtherParams: false, ownMetrics: nil, needsData: true),
        // Does no training: waits `sleep` seconds and reports `score`. For measuring overhead.
        ModelInfo(name: "noop", tasks: [.classification, .regression],
                  params: ["sleep": .nonNegative, "score": .anyNumber],
                  acceptsOtherParams: true, ownMetrics: ["score"], needsData: false),
    ]

    public static func named(_ name: String) -> ModelInfo? { all.first { $0.name == name } }
}
