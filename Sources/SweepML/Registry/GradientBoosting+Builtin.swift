import SweepCore

extension GradientBoosting {
    /// `gradient_boosting`: histogram-based, as scikit-learn's `HistGradientBoosting…`; reports
    /// every iteration's validation metrics while it fits, so early stopping can end it.
    static let builtin = BuiltinModel(
        ModelDescription(
            name: "gradient_boosting", tasks: [.classification, .regression],
            parameters: [
                ModelParameter("learning_rate", .positive, default: .double(0.1)),
                ModelParameter("max_iter", .positiveInt, default: .int(100), simpler: .low),
                ModelParameter("max_leaf_nodes", .intAtLeast(2), default: .int(31), simpler: .low),
                ModelParameter("max_depth", .positiveInt, simpler: .low),
                ModelParameter("min_samples_leaf", .positiveInt, default: .int(20), simpler: .high),
                ModelParameter("l2_regularization", .nonNegative, default: .double(0), simpler: .high),
                ModelParameter("max_bins", .intAtLeast(2), default: .int(255)),
                ModelParameter("early_stopping", .boolean, default: .bool(false)),
                ModelParameter("seed", .intAtLeast(0), default: .int(0)),
            ],
            reportsProgress: true)
    ) { arguments, x, target, onIteration throws(TrainingError) in
        var booster = GradientBoosting()
        booster.learningRate = arguments.number("learning_rate")
        booster.maxIterations = arguments.int("max_iter")
        booster.maxLeafNodes = arguments.int("max_leaf_nodes")
        booster.maxDepth = arguments.optionalInt("max_depth")
        booster.minSamplesLeaf = arguments.int("min_samples_leaf")
        booster.l2Regularization = arguments.number("l2_regularization")
        booster.maxBins = min(255, arguments.int("max_bins"))  // bins are bytes, as in scikit-learn
        booster.earlyStopping = arguments.flag("early_stopping")
        booster.seed = UInt64(arguments.int("seed"))
        return .boosting(
            booster.fit(
                x, target: target,
                onIteration: onIteration.map { callback in
                    { step, model in callback(step) { .boosting(model()) } }
                }))
    }
}
