import SweepCore

extension KNearestNeighbors {
    /// `knn`: brute-force k nearest neighbours; `k` may not exceed a training fold's rows.
    static let builtin = BuiltinModel(
        ModelDescription(
            name: "knn", tasks: [.classification, .regression],
            parameters: [
                ModelParameter("k", .positiveInt, default: .int(5), atMostTrainingRows: true, simpler: .high),
                ModelParameter("weights", .choice(["uniform", "distance"]), default: .string("uniform")),
                ModelParameter("p", .positive, default: .int(2)),
            ])
    ) { arguments, x, target, _ throws(TrainingError) in
        let k = arguments.int("k")
        guard k <= x.rows else { throw TrainingError("k = \(k) is more than the \(x.rows) training rows") }
        let estimator = KNearestNeighbors(
            k: k, weights: Weights(rawValue: arguments.text("weights")) ?? .uniform, p: arguments.number("p"))
        switch target {
        case .classes(let labels, let count):
            return .knn(estimator, train: x, labels: labels, classes: count, values: nil)
        case .values(let values): return .knn(estimator, train: x, labels: nil, classes: nil, values: values)
        }
    }
}
