import Foundation
import SweepCore

extension DecisionTree {
    /// The parameters of a tree, shared by `decision_tree` and `random_forest`. `criterion` and
    /// `max_features` have no declared default: they depend on the task (see `configured`).
    static let parameters = [
        ModelParameter("criterion", .choice(["gini", "entropy", "squared_error"])),
        ModelParameter("max_depth", .positiveInt, simpler: .low),
        ModelParameter("min_samples_split", .intAtLeast(2), default: .int(2), simpler: .high),
        ModelParameter("min_samples_leaf", .positiveInt, default: .int(1), simpler: .high),
        ModelParameter("max_features", .maxFeatures),
        ModelParameter("seed", .intAtLeast(0), default: .int(0)),
    ]

    /// `decision_tree`: CART, as scikit-learn's `DecisionTreeClassifier/Regressor`.
    static let builtin = BuiltinModel(
        ModelDescription(
            name: "decision_tree", tasks: [.classification, .regression], parameters: parameters)
    ) { arguments, x, target, _ throws(TrainingError) in
        var generator = SeededGenerator(seed: UInt64(arguments.int("seed")))
        return .tree(
            try configured(arguments, columns: x.columns, target: target, forest: false).fit(
                x, target: target, generator: &generator))
    }

    /// A tree from scikit-learn-named parameters. Forests default to sqrt(columns) candidate
    /// columns per split for classification and all of them for regression, as scikit-learn.
    static func configured(
        _ arguments: ModelArguments, columns: Int, target: TrainingTarget,
        forest: Bool
    ) throws(TrainingError) -> DecisionTree {
        let regression = target.task == .regression
        let criterionName = arguments["criterion"]?.description ?? (regression ? "squared_error" : "gini")
        guard let criterion = Criterion(rawValue: criterionName), (criterion == .squaredError) == regression else {
            throw TrainingError(
                "criterion '\(criterionName)' does not fit \(regression ? "regression (use squared_error)" : "classification (use gini or entropy)")"
            )
        }
        let maxFeatures: Int?
        switch arguments["max_features"] {
        case .string("sqrt")?: maxFeatures = max(1, Int(Double(columns).squareRoot()))
        case .string("log2")?: maxFeatures = max(1, Int(log2(Double(columns))))
        case .int(let count)?: maxFeatures = min(count, columns)
        case .double(let fraction)?: maxFeatures = max(1, Int(fraction * Double(columns)))
        default: maxFeatures = forest && !regression ? max(1, Int(Double(columns).squareRoot())) : nil
        }
        return DecisionTree(
            criterion: criterion, maxDepth: arguments.optionalInt("max_depth"),
            minSamplesSplit: arguments.int("min_samples_split"), minSamplesLeaf: arguments.int("min_samples_leaf"),
            maxFeatures: maxFeatures)
    }
}
