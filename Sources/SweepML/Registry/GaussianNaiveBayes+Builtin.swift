import SweepCore

extension GaussianNaiveBayes {
    /// `gaussian_nb`: Gaussian naive Bayes, as scikit-learn's `GaussianNB`.
    static let builtin = BuiltinModel(
        ModelDescription(
            name: "gaussian_nb", tasks: [.classification],
            parameters: [ModelParameter("var_smoothing", .nonNegative, default: .double(1e-9))])
    ) { arguments, x, target, _ throws(TrainingError) in
        guard case .classes(let labels, let count) = target else { throw TrainingError.wrongTask(target) }
        return .gaussianNB(
            GaussianNaiveBayes(varSmoothing: arguments.number("var_smoothing")).fit(x, labels: labels, classes: count))
    }
}
