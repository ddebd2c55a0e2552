import SweepCore

/// A training failure caused by the configuration or data, said plainly.
public struct TrainingError: Error, Sendable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Fits a built-in model on one fold's training rows and scores it on the validation rows.
/// Standardisation is fitted on the training rows only.
public enum FoldTrainer {
    public static func evaluate(model: String, params: Params, dataset: Dataset, assignment: [Int], fold: Int)
        throws(TrainingError) -> [String: Double] {
        let (trainRows, validRows) = Folds.split(assignment, fold: fold)
        guard !trainRows.isEmpty, !validRows.isEmpty else { throw TrainingError("fold \(fold) has no training or no validation rows") }
        let scaler = Standardizer(fitting: Matrix(dataset, rows: trainRows))
        let train = scaler.transform(Matrix(dataset, rows: trainRows))
        let valid = scaler.transform(Matrix(dataset, rows: validRows))
        switch (model, dataset.target) {
        case ("logistic_regression", .classes(let labels, let names)):
            let estimator = LogisticRegression(C: params["C"]?.number ?? 1.0,
                                               maxIterations: params["max_iter"].flatMap(intValue) ?? 100,
                                               tolerance: params["tol"]?.number ?? 1e-4)
            let fitted = estimator.fit(train, labels: trainRows.map { labels[$0] }, classes: names.count)
            return Metrics.classification(validRows.map { labels[$0] }, fitted.probabilities(valid))
        case ("ridge", .values(let values)):
            let fitted = Ridge(alpha: params["alpha"]?.number ?? 1.0).fit(train, targets: trainRows.map { values[$0] })
            return Metrics.regression(validRows.map { values[$0] }, fitted.predict(valid))
        case ("knn", _):
            let k = params["k"].flatMap(intValue) ?? 5
            guard k <= trainRows.count else {
                throw TrainingError("k = \(k) is more than the \(trainRows.count) training rows of fold \(fold)")
            }
            let weights = KNearestNeighbors.Weights(rawValue: params["weights"]?.description ?? "uniform") ?? .uniform
            let estimator = KNearestNeighbors(k: k, weights: weights)
            switch dataset.target {
            case .classes(let labels, let names):
                let probabilities = estimator.classProbabilities(train: train, labels: trainRows.map { labels[$0] },
                                                                 classes: names.count, query: valid)
                return Metrics.classification(validRows.map { labels[$0] }, probabilities)
            case .values(let values):
                let predicted = estimator.regress(train: train, targets: trainRows.map { values[$0] }, query: valid)
                return Metrics.regression(validRows.map { values[$0] }, predicted)
            }
        default:
            throw TrainingError("model '\(model)' cannot train on this \(dataset.labels == nil ? "regression" : "classification") data")
        }
    }

    static func intValue(_ value: ParamValue) -> Int? {
        if case .int(let int) = value { return int }
        return nil
    }
}
