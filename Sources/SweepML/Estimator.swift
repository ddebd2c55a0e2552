import SweepCore

/// What a model learns from: class indices (and how many classes) or numbers.
public enum TrainingTarget: Sendable {
    case classes([Int], count: Int)
    case values([Double])
}

/// What a fitted model says about rows: class probabilities (rows × classes) or numbers.
public enum Prediction: Sendable {
    case probabilities(Matrix)
    case values([Double])
}

/// A fitted built-in model, in a form that can be saved and loaded (see ModelFile).
public enum FittedModel: Sendable, Codable {
    case logisticRegression(LogisticRegression.Fitted)
    case ridge(Ridge.Fitted)
    case knn(KNearestNeighbors, train: Matrix, labels: [Int]?, classes: Int?, values: [Double]?)

    public func predict(_ x: Matrix) -> Prediction {
        switch self {
        case .logisticRegression(let fitted):
            return .probabilities(fitted.probabilities(x))
        case .ridge(let fitted):
            return .values(fitted.predict(x))
        case .knn(let estimator, let train, let labels, let classes, let values):
            if let labels, let classes {
                return .probabilities(estimator.classProbabilities(train: train, labels: labels, classes: classes, query: x))
            }
            return .values(estimator.regress(train: train, targets: values ?? [], query: x))
        }
    }
}

/// Builds and fits built-in models from a trial's parameters (names as in scikit-learn).
public enum Estimators {
    public static func fit(model: String, params: Params, x: Matrix, target: TrainingTarget) throws(TrainingError) -> FittedModel {
        switch (model, target) {
        case ("logistic_regression", .classes(let labels, let count)):
            let estimator = LogisticRegression(C: params["C"]?.number ?? 1.0, maxIterations: int(params["max_iter"]) ?? 100,
                                               tolerance: params["tol"]?.number ?? 1e-4)
            return .logisticRegression(estimator.fit(x, labels: labels, classes: count))
        case ("ridge", .values(let values)):
            return .ridge(Ridge(alpha: params["alpha"]?.number ?? 1.0).fit(x, targets: values))
        case ("knn", _):
            let k = int(params["k"]) ?? 5
            guard k <= x.rows else { throw TrainingError("k = \(k) is more than the \(x.rows) training rows") }
            let estimator = KNearestNeighbors(k: k, weights: KNearestNeighbors.Weights(rawValue: params["weights"]?.description ?? "uniform") ?? .uniform)
            switch target {
            case .classes(let labels, let count): return .knn(estimator, train: x, labels: labels, classes: count, values: nil)
            case .values(let values): return .knn(estimator, train: x, labels: nil, classes: nil, values: values)
            }
        default:
            let kind = if case .classes = target { "classification" } else { "regression" }
            throw TrainingError("model '\(model)' cannot train on \(kind) data")
        }
    }

    static func int(_ value: ParamValue?) -> Int? {
        if case .int(let int)? = value { return int }
        return nil
    }
}
