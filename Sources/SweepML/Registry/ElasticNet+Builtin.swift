import SweepCore

extension ElasticNet {
    /// `elastic_net`: coordinate descent on an L1 + L2 penalty, as scikit-learn's `ElasticNet`.
    static let builtin = BuiltinModel(
        ModelDescription(
            name: "elastic_net", tasks: [.regression],
            parameters: [
                ModelParameter("alpha", .positive, default: .double(1.0), simpler: .high),
                ModelParameter("l1_ratio", .unitInterval, default: .double(0.5)),
                ModelParameter("max_iter", .positiveInt, default: .int(1000)),
                ModelParameter("tol", .positive, default: .double(1e-4)),
            ])
    ) { arguments, x, target, onIteration throws(TrainingError) in
        try fitPenalised(arguments, l1Ratio: arguments.number("l1_ratio"), x, target, onIteration)
    }

    /// `lasso`: the elastic net with only the L1 penalty.
    static let lasso = BuiltinModel(
        ModelDescription(
            name: "lasso", tasks: [.regression],
            parameters: [
                ModelParameter("alpha", .positive, default: .double(1.0), simpler: .high),
                ModelParameter("max_iter", .positiveInt, default: .int(1000)),
                ModelParameter("tol", .positive, default: .double(1e-4)),
            ])
    ) { arguments, x, target, onIteration throws(TrainingError) in
        try fitPenalised(arguments, l1Ratio: 1, x, target, onIteration)
    }

    /// The shared fit of lasso and elastic net.
    static func fitPenalised(
        _ arguments: ModelArguments, l1Ratio: Double, _ x: Matrix, _ target: TrainingTarget,
        _ onIteration: IterationCallback?
    ) throws(TrainingError) -> FittedModel {
        guard case .values(let values) = target else { throw TrainingError.wrongTask(target) }
        let estimator = ElasticNet(
            alpha: arguments.number("alpha"), l1Ratio: l1Ratio, maxIterations: arguments.int("max_iter"),
            tolerance: arguments.number("tol"))
        return .linear(estimator.fit(x, targets: values, onIteration: onIteration))
    }
}
