import SweepCore

extension Ridge {
    /// `ridge`: least squares with an L2 penalty `alpha`.
    static let builtin = BuiltinModel(
        ModelDescription(
            name: "ridge", tasks: [.regression],
            parameters: [ModelParameter("alpha", .nonNegative, default: .double(1.0), simpler: .high)])
    ) { arguments, x, target, _ throws(TrainingError) in
        guard case .values(let values) = target else { throw TrainingError.wrongTask(target) }
        return .ridge(Ridge(alpha: arguments.number("alpha")).fit(x, targets: values))
    }

    /// `linear_regression`: ordinary least squares (ridge without a penalty).
    static let linearRegression = BuiltinModel(
        ModelDescription(
            name: "linear_regression", tasks: [.regression], parameters: [])
    ) { _, x, target, _ throws(TrainingError) in
        guard case .values(let values) = target else { throw TrainingError.wrongTask(target) }
        return .linear(Ridge(alpha: 0).fit(x, targets: values))
    }
}
