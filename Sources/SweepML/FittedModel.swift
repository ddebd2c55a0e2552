import Foundation
import SweepCore

/// What a model learns from: class indices (and how many classes) or numbers.
public enum TrainingTarget: Sendable {
    case classes([Int], count: Int)
    case values([Double])

    public var task: TaskType {
        if case .classes = self { .classification } else { .regression }
    }
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
                return .probabilities(
                    estimator.classProbabilities(train: train, labels: labels, classes: classes, query: x))
            }
            return .values(estimator.regress(train: train, targets: values ?? [], query: x))
        }
    }
}
