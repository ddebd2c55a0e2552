import SweepCore

/// A random forest (Breiman 2001), as scikit-learn's `RandomForestClassifier/Regressor`: trees on
/// bootstrap samples with random candidate columns per split; probabilities (or values) averaged.
public struct RandomForest: Sendable {
    public var trees = 100
    public var tree: DecisionTree
    public var bootstrap = true
    public var seed: UInt64 = 0

    public init(trees: Int = 100, tree: DecisionTree, bootstrap: Bool = true, seed: UInt64 = 0) {
        self.trees = trees
        self.tree = tree
        self.bootstrap = bootstrap
        self.seed = seed
    }

    public struct Fitted: Sendable, Codable {
        public let trees: [DecisionTree.Fitted]
        public let outputs: Int
        public let regression: Bool

        public func predict(_ x: Matrix) -> Prediction {
            var out = [Double](repeating: 0, count: x.rows * outputs)
            let weight = 1 / Double(trees.count)
            for tree in trees { tree.accumulate(x, into: &out, weight: weight) }
            return regression ? .values(out) : .probabilities(Matrix(rows: x.rows, columns: outputs, values: out))
        }
    }

    /// `onIteration(trees so far, forest so far)` is called after every tree; `.stop` ends the
    /// fit there (a cancelled task).
    public func fit(_ x: Matrix, target: TrainingTarget, onIteration: ((Int, () -> Fitted) -> FitControl)? = nil)
        -> Fitted
    {
        var generator = SeededGenerator(seed: seed)
        let x = x.roundedToFloat()  // once for all trees
        let ranks = FeatureRanks(x)
        let regression = if case .values = target { true } else { false }
        let outputs = if case .classes(_, let count) = target { count } else { 1 }
        var fitted: [DecisionTree.Fitted] = []
        fitted.reserveCapacity(trees)
        for _ in 0..<trees {
            let rows = bootstrap ? (0..<x.rows).map { _ in Int(generator.next() % UInt64(x.rows)) } : Array(0..<x.rows)
            fitted.append(tree.fit(x, ranks: ranks, target: target, rows: rows, generator: &generator))
            if let onIteration,
                onIteration(fitted.count, { Fitted(trees: fitted, outputs: outputs, regression: regression) }) == .stop
            {
                break
            }
        }
        return Fitted(trees: fitted, outputs: outputs, regression: regression)
    }
}
