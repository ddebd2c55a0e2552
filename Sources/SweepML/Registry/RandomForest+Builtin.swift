import SweepCore

extension RandomForest {
    /// `random_forest`: bagged trees, as scikit-learn's `RandomForestClassifier/Regressor`. It can
    /// be stopped between trees but reports no progress (a forest of the first trees says little).
    static let builtin = BuiltinModel(
        ModelDescription(
            name: "random_forest", tasks: [.classification, .regression],
            parameters: DecisionTree.parameters + [
                ModelParameter("n_estimators", .positiveInt, default: .int(100), simpler: .low),
                ModelParameter("bootstrap", .boolean, default: .bool(true)),
            ])
    ) { arguments, x, target, onIteration throws(TrainingError) in
        let forest = RandomForest(
            trees: arguments.int("n_estimators"),
            tree: try DecisionTree.configured(arguments, columns: x.columns, target: target, forest: true),
            bootstrap: arguments.flag("bootstrap"), seed: UInt64(arguments.int("seed")))
        return .forest(
            forest.fit(
                x, target: target,
                onIteration: onIteration.map { callback in
                    { step, model in callback(step) { .forest(model()) } }
                }))
    }
}
