import SweepCore

/// The registry of built-in models: the one list the spec parser (through `catalog`), the worker
/// and the CLI ask. A model's name is written only in its own `…+Builtin.swift` file.
public enum BuiltinModels {
    /// In the order the README and error messages list them.
    public static let all: [BuiltinModel] = [
        LogisticRegression.builtin, Ridge.linearRegression, Ridge.builtin, ElasticNet.lasso, ElasticNet.builtin,
        KNearestNeighbors.builtin, GaussianNaiveBayes.builtin, DecisionTree.builtin, RandomForest.builtin,
        GradientBoosting.builtin, MultilayerPerceptron.builtin, NoopModel.builtin,
    ]

    /// What the spec parser needs to know of every model.
    public static let catalog = ModelCatalog(all.map(\.description))

    public static func named(_ name: String) -> BuiltinModel? { all.first { $0.name == name } }
}

extension SpecParser {
    /// Parses a spec against the built-in models of this registry.
    public static func parse(_ text: String, file: String = "spec", defaultName: String = "sweep") throws(SpecError)
        -> Spec
    {
        try parse(text, file: file, defaultName: defaultName, models: BuiltinModels.catalog)
    }
}
