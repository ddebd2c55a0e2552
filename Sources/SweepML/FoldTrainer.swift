import SweepCore

/// A training failure caused by the configuration or data, said plainly.
public struct TrainingError: Error, Sendable, Equatable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }

    /// A target of a task the model does not do (its fit is only called for its own tasks).
    static func wrongTask(_ target: TrainingTarget) -> TrainingError {
        TrainingError("cannot train on \(target.task) data")
    }
}

/// Fits a built-in model on one fold's training rows and scores it on the validation rows.
/// Preprocessing (imputation, standardisation, one-hot encoding) is fitted on the training rows only.
public enum FoldTrainer {
    /// The fold's preprocessing: fitted on its training rows only, so no statistic of the
    /// validation rows leaks into training.
    public static func preprocessor(_ dataset: Dataset, trainRows: [Int], imputation: Preprocessor.Imputation)
        -> Preprocessor
    {
        Preprocessor(fitting: Matrix(dataset, rows: trainRows), categories: dataset.categories, imputation: imputation)
    }

    /// The task's metrics. `onIteration(step, metrics)`: iterative models call it after every
    /// iteration or epoch, with the validation metrics of the model so far (computed only when
    /// asked for; restricted to `progressMetrics` when given); `.stop` ends the fit ("cancelled").
    /// A model that needs no data runs from its parameters alone.
    public static func evaluate(
        model: BuiltinModel, params: Params, dataset: Dataset?, plan: FoldPlan, fold: Int,
        imputation: Preprocessor.Imputation = .mean, progressMetrics: [String] = [],
        onIteration: ((_ step: Int, _ metrics: () -> [String: Double]) -> FitControl)? = nil
    )
        throws(TrainingError) -> [String: Double]
    {
        if let metrics = model.runWithoutData(params: params) { return metrics }
        guard let dataset else { throw TrainingError("model '\(model.name)' needs data; the sweep has none") }
        let (trainRows, validRows) = plan.split(fold)
        guard !trainRows.isEmpty, !validRows.isEmpty else {
            throw TrainingError("fold \(fold) has no training or no validation rows")
        }
        let rawTrain = Matrix(dataset, rows: trainRows)
        let preprocessor = Self.preprocessor(dataset, trainRows: trainRows, imputation: imputation)
        let train = preprocessor.transform(rawTrain)
        let valid = preprocessor.transform(Matrix(dataset, rows: validRows))
        func score(_ prediction: Prediction) -> [String: Double]? {
            switch (prediction, dataset.target) {
            case (.probabilities(let probabilities), .classes(let labels, _)):
                Metrics.classification(validRows.map { labels[$0] }, probabilities)
            case (.values(let predicted), .values(let values)):
                Metrics.regression(validRows.map { values[$0] }, predicted)
            default: nil
            }
        }
        let iterations: IterationCallback? = onIteration.map { callback in
            { step, snapshot in
                callback(step) {
                    let metrics = score(snapshot().predict(valid)) ?? [:]
                    return progressMetrics.isEmpty ? metrics : metrics.filter { progressMetrics.contains($0.key) }
                }
            }
        }
        let fitted: FittedModel
        let clock = ContinuousClock()
        let fitStarted = clock.now
        do {
            fitted = try model.fit(
                params: params, x: train, target: dataset.target(rows: trainRows), onIteration: iterations)
        } catch {
            throw TrainingError("fold \(fold): \(error.message)")
        }
        let fitSeconds = Self.seconds(clock.now - fitStarted)
        let predictStarted = clock.now
        let prediction = fitted.predict(valid)
        let predictSeconds = Self.seconds(clock.now - predictStarted)
        guard var metrics = score(prediction) else {
            throw TrainingError("model '\(model.name)' predicted the wrong kind of target")
        }
        metrics["fit_seconds"] = fitSeconds
        metrics["predict_seconds"] = predictSeconds * 1000 / Double(validRows.count)
        metrics["model_bytes"] = Double(EncodedSize.of(fitted))
        return metrics
    }

    /// The resource metrics every built-in model reports (objectives or constraints like any other).
    public static let resourceMetrics = ["fit_seconds", "predict_seconds", "model_bytes"]

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
    }
}

extension Dataset {
    /// The target of some rows, as a model trains on it.
    public func target(rows: [Int]) -> TrainingTarget {
        switch target {
        case .classes(let labels, let names): .classes(rows.map { labels[$0] }, count: names.count)
        case .values(let values): .values(rows.map { values[$0] })
        }
    }
}
