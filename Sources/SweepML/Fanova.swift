import SweepCore

/// Functional ANOVA on a random-forest surrogate (Hutter, Hoos & Leyton-Brown 2014, "An
/// Efficient Approach for Assessing Hyperparameter Importance"), as optuna's
/// `FanovaImportanceEvaluator`: a regression forest of our own trees (64 trees, max_depth 64,
/// min_samples_split 2, min_samples_leaf 1, bootstrap, all columns per split: scikit-learn's
/// defaults that optuna keeps) is fitted to the encoded parameters; in each tree, a parameter's
/// importance is the variance of the tree's prediction marginalised over every other parameter
/// (uniformly over the search box), as a fraction of the tree's total variance; the fractions are
/// averaged over trees with some variance, and the averages normalised to sum to 1.
public enum Fanova {
    public static let trees = 64
    public static let maxDepth = 64

    /// `x`: one row per trial, columns encoded (a categorical as one-hot columns in [0, 1]);
    /// `bounds`: each column's range; `groups`: the columns of each parameter. Returns one
    /// importance per group (summing to 1), or nil when no tree has any variance (every target
    /// the same) or the shapes disagree.
    public static func importances(
        x: Matrix, y: [Double], bounds: [(low: Double, high: Double)], groups: [[Int]], seed: UInt64 = 0
    ) -> [Double]? {
        guard x.rows == y.count, x.rows >= 2, bounds.count == x.columns, !groups.isEmpty,
            groups.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0 >= 0 && $0 < x.columns } })
        else { return nil }
        let forest = RandomForest(
            trees: trees,
            tree: DecisionTree(criterion: .squaredError, maxDepth: maxDepth, minSamplesSplit: 2, minSamplesLeaf: 1),
            bootstrap: true, seed: seed
        ).fit(x, target: .values(y))
        let fanovaTrees = forest.trees.map { FanovaTree($0, bounds: bounds) }
        let varied = fanovaTrees.filter { $0.variance > 0 }
        guard !varied.isEmpty else { return nil }
        let raw = groups.map { group in
            varied.reduce(0.0) { $0 + max(0, $1.marginalVariance(group)) / $1.variance } / Double(varied.count)
        }
        let total = raw.reduce(0, +)
        guard total > 0, total.isFinite else { return raw.map { _ in 1 / Double(raw.count) } }
        return raw.map { $0 / total }
    }
}
