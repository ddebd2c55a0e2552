import SweepCore

extension LogisticRegression {
    /// `logistic_regression`: multinomial, L-BFGS, as scikit-learn's `LogisticRegression`.
    static let builtin = BuiltinModel(
        ModelDescription(
            name: "logistic_regression", tasks: [.classification],
            parameters: [
                ModelParameter("C", .positive, default: .double(1.0), simpler: .low),
                ModelParameter("penalty", .choice(["l2", "none"]), default: .string("l2")),
                ModelParameter("max_iter", .positiveInt, default: .int(100)),
                ModelParameter("tol", .positive, default: .double(1e-4)),
                ModelParameter("class_weight", .choice(["none", "balanced"]), default: .string("none")),
            ])
    ) { arguments, x, target, onIteration throws(TrainingError) in
        guard case .classes(let labels, let count) = target else { throw TrainingError.wrongTask(target) }
        let estimator = LogisticRegression(
            C: arguments.text("penalty") == "none" ? .infinity : arguments.number("C"),
            maxIterations: arguments.int("max_iter"), tolerance: arguments.number("tol"),
            balanced: arguments.text("class_weight") == "balanced")
        return .logisticRegression(estimator.fit(x, labels: labels, classes: count, onIteration: onIteration))
    }
}
