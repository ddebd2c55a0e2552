import Foundation
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
    case linear(Ridge.Fitted)
    case gaussianNB(GaussianNaiveBayes.Fitted)
    case tree(DecisionTree.Fitted)
    case forest(RandomForest.Fitted)
    case boosting(GradientBoosting.Fitted)
    case mlp(MultilayerPerceptron.Fitted)

    public func predict(_ x: Matrix) -> Prediction {
        switch self {
        case .logisticRegression(let fitted):
            return .probabilities(fitted.probabilities(x))
        case .ridge(let fitted), .linear(let fitted):
            return .values(fitted.predict(x))
        case .gaussianNB(let fitted):
            return .probabilities(fitted.probabilities(x))
        case .tree(let fitted):
            return fitted.predict(x)
        case .forest(let fitted):
            return fitted.predict(x)
        case .boosting(let fitted):
            return fitted.predict(x)
        case .mlp(let fitted):
            return fitted.predict(x)
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
    /// `onIteration(step, model so far)`: iterative models (gradient boosting, mlp) call it after
    /// each iteration or epoch, so the caller can report intermediate validation scores.
    /// `shouldStop`: asked between iterations or epochs; true ends the fit with "cancelled".
    public static func fit(model: String, params: Params, x: Matrix, target: TrainingTarget,
                           onIteration: ((Int, FittedModel) -> Void)? = nil,
                           shouldStop: (() -> Bool)? = nil) throws(TrainingError) -> FittedModel {
        let fitted = try fitModel(model: model, params: params, x: x, target: target, onIteration: onIteration, shouldStop: shouldStop)
        if shouldStop?() == true { throw TrainingError("cancelled") }
        return fitted
    }

    static func fitModel(model: String, params: Params, x: Matrix, target: TrainingTarget,
                         onIteration: ((Int, FittedModel) -> Void)?, shouldStop: (() -> Bool)?) throws(TrainingError) -> FittedModel {
        switch (model, target) {
        case ("logistic_regression", .classes(let labels, let count)):
            let C = params["penalty"]?.description == "none" ? Double.infinity : params["C"]?.number ?? 1.0
            let estimator = LogisticRegression(C: C, maxIterations: int(params["max_iter"]) ?? 100,
                                               tolerance: params["tol"]?.number ?? 1e-4,
                                               balanced: params["class_weight"]?.description == "balanced")
            return .logisticRegression(estimator.fit(x, labels: labels, classes: count))
        case ("ridge", .values(let values)):
            return .ridge(Ridge(alpha: params["alpha"]?.number ?? 1.0).fit(x, targets: values))
        case ("linear_regression", .values(let values)):
            return .linear(Ridge(alpha: 0).fit(x, targets: values))
        case ("lasso", .values(let values)), ("elastic_net", .values(let values)):
            let estimator = ElasticNet(alpha: params["alpha"]?.number ?? 1.0,
                                       l1Ratio: model == "lasso" ? 1 : params["l1_ratio"]?.number ?? 0.5,
                                       maxIterations: int(params["max_iter"]) ?? 1000, tolerance: params["tol"]?.number ?? 1e-4)
            return .linear(estimator.fit(x, targets: values))
        case ("gaussian_nb", .classes(let labels, let count)):
            return .gaussianNB(GaussianNaiveBayes(varSmoothing: params["var_smoothing"]?.number ?? 1e-9).fit(x, labels: labels, classes: count))
        case ("decision_tree", _):
            var generator = SeededGenerator(seed: UInt64(int(params["seed"]) ?? 0))
            return .tree(try tree(params, columns: x.columns, target: target, forest: false).fit(x, target: target, generator: &generator))
        case ("gradient_boosting", _):
            var booster = GradientBoosting()
            booster.learningRate = params["learning_rate"]?.number ?? 0.1
            booster.maxIterations = int(params["max_iter"]) ?? 100
            booster.maxLeafNodes = int(params["max_leaf_nodes"]) ?? 31
            booster.maxDepth = int(params["max_depth"])
            booster.minSamplesLeaf = int(params["min_samples_leaf"]) ?? 20
            booster.l2Regularization = params["l2_regularization"]?.number ?? 0
            booster.maxBins = min(255, int(params["max_bins"]) ?? 255)  // bins are bytes, as in scikit-learn
            booster.earlyStopping = params["early_stopping"] == .bool(true)
            booster.seed = UInt64(int(params["seed"]) ?? 0)
            let fitted = booster.fit(x, target: target, shouldStop: shouldStop)
            if let onIteration {
                for stage in 1...max(1, fitted.iterations) {
                    if shouldStop?() == true { break }
                    onIteration(stage, .boosting(fitted.staged(stage)))
                }
            }
            return .boosting(fitted)
        case ("mlp", _):
            var network = MultilayerPerceptron()
            switch params["hidden_layer_sizes"] {
            case .int(let width)?: network.hiddenLayers = [width]
            case .string(let text)?: network.hiddenLayers = text.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
            default: break
            }
            network.activation = MultilayerPerceptron.Activation(rawValue: params["activation"]?.description ?? "relu") ?? .relu
            network.alpha = params["alpha"]?.number ?? 1e-4
            network.learningRate = params["learning_rate_init"]?.number ?? 1e-3
            network.batchSize = int(params["batch_size"])
            network.maxEpochs = int(params["max_iter"]) ?? 200
            network.tolerance = params["tol"]?.number ?? 1e-4
            network.earlyStopping = params["early_stopping"] == .bool(true)
            network.seed = UInt64(int(params["seed"]) ?? 0)
            return .mlp(network.fit(x, target: target, onEpoch: onIteration.map { report in { epoch, snapshot in report(epoch, .mlp(snapshot)) } },
                                    shouldStop: shouldStop))
        case ("random_forest", _):
            let forest = RandomForest(trees: int(params["n_estimators"]) ?? 100, tree: try tree(params, columns: x.columns, target: target, forest: true),
                                      bootstrap: params["bootstrap"] != .bool(false), seed: UInt64(int(params["seed"]) ?? 0))
            return .forest(forest.fit(x, target: target, shouldStop: shouldStop))
        case ("knn", _):
            let k = int(params["k"]) ?? 5
            guard k <= x.rows else { throw TrainingError("k = \(k) is more than the \(x.rows) training rows") }
            let estimator = KNearestNeighbors(k: k, weights: KNearestNeighbors.Weights(rawValue: params["weights"]?.description ?? "uniform") ?? .uniform,
                                              p: params["p"]?.number ?? 2)
            switch target {
            case .classes(let labels, let count): return .knn(estimator, train: x, labels: labels, classes: count, values: nil)
            case .values(let values): return .knn(estimator, train: x, labels: nil, classes: nil, values: values)
            }
        default:
            let kind = if case .classes = target { "classification" } else { "regression" }
            throw TrainingError("model '\(model)' cannot train on \(kind) data")
        }
    }

    /// A tree from scikit-learn-named parameters. Forests default to sqrt(columns) candidate
    /// columns per split for classification and all of them for regression, as scikit-learn.
    static func tree(_ params: Params, columns: Int, target: TrainingTarget, forest: Bool) throws(TrainingError) -> DecisionTree {
        let regression = if case .values = target { true } else { false }
        let criterionName = params["criterion"]?.description ?? (regression ? "squared_error" : "gini")
        guard let criterion = DecisionTree.Criterion(rawValue: criterionName), (criterion == .squaredError) == regression else {
            throw TrainingError("criterion '\(criterionName)' does not fit \(regression ? "regression (use squared_error)" : "classification (use gini or entropy)")")
        }
        let maxFeatures: Int?
        switch params["max_features"] {
        case .string("sqrt")?: maxFeatures = max(1, Int(Double(columns).squareRoot()))
        case .string("log2")?: maxFeatures = max(1, Int(log2(Double(columns))))
        case .int(let count)?: maxFeatures = min(count, columns)
        case .double(let fraction)?: maxFeatures = max(1, Int(fraction * Double(columns)))
        default: maxFeatures = forest && !regression ? max(1, Int(Double(columns).squareRoot())) : nil
        }
        return DecisionTree(criterion: criterion, maxDepth: int(params["max_depth"]), minSamplesSplit: int(params["min_samples_split"]) ?? 2,
                            minSamplesLeaf: int(params["min_samples_leaf"]) ?? 1, maxFeatures: maxFeatures)
    }

    static func int(_ value: ParamValue?) -> Int? {
        if case .int(let int)? = value { return int }
        return nil
    }
}
