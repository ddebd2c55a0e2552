import Foundation

/// A summary of the rows a model was fitted on, kept in its model file so that new data can be
/// compared with the training data later (`sweep drift`) without the training CSV.
public struct DataProfile: Sendable, Codable, Equatable {
    /// Training rows summarised.
    public var rows: Int
    /// One per model feature, in the model's feature order.
    public var features: [ColumnProfile]
    /// The target column: class frequencies (classification) or numbers (regression).
    public var target: ColumnProfile
    /// The sweep's cross-validated estimate of the model's quality (nil when unknown).
    public var cv: CVEstimate?

    public init(rows: Int, features: [ColumnProfile], target: ColumnProfile, cv: CVEstimate? = nil) {
        self.rows = rows
        self.features = features
        self.target = target
        self.cv = cv
    }
}

/// One column's training distribution: numbers or category counts, and how often it was missing.
public struct ColumnProfile: Sendable, Codable, Equatable {
    public var name: String
    /// Share of rows where the value was missing (empty, NA, NaN, …).
    public var missingRate: Double
    public var numeric: NumericProfile?
    public var categorical: CategoricalProfile?

    public init(
        name: String, missingRate: Double, numeric: NumericProfile? = nil, categorical: CategoricalProfile? = nil
    ) {
        self.name = name
        self.missingRate = missingRate
        self.numeric = numeric
        self.categorical = categorical
    }
}

/// The present values of a numeric column: moments, quantile bins for PSI, and a bounded
/// sorted sketch for the KS statistic.
public struct NumericProfile: Sendable, Codable, Equatable {
    /// Present (non-missing) values.
    public var count: Int
    public var mean: Double
    /// Population standard deviation.
    public var std: Double
    public var min: Double
    public var max: Double
    /// Interior bin edges, ascending and distinct: the bins are (−∞, e₀], (e₀, e₁], …, (eₖ, ∞).
    public var edges: [Double]
    /// Share of the present training values in each bin (edges.count + 1 of them).
    public var proportions: [Double]
    /// Sorted: every present value when there are at most `sketchSize`, else `sketchSize` evenly
    /// spaced order statistics (each standing for an equal share of the values).
    public var sketch: [Double]

    /// Bins for PSI: deciles, as the usual PSI practice.
    public static let bins = 10
    /// Sketch bound. Evenly spaced order statistics keep the training ECDF within 1/1000 of the
    /// truth everywhere, so the KS statistic computed from them is off by at most 0.001 — where
    /// 101 quantiles would allow 0.01 (a tenth of a 0.1 threshold) and a random sample of 1,000
    /// about 0.04. At ~20 KB of JSON per feature, it costs less than most fitted models.
    public static let sketchSize = 1000

    /// Profiles `values` (present values only; NaN must be filtered out before).
    public init?(values: [Double]) {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let n = Double(sorted.count)
        count = sorted.count
        let mean = sorted.reduce(0, +) / n
        self.mean = mean
        std = (sorted.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / n).squareRoot()
        min = sorted[0]
        max = sorted[sorted.count - 1]
        var edges: [Double] = []
        for k in 1..<Self.bins {
            let edge = DriftStatistics.quantile(sorted: sorted, Double(k) / Double(Self.bins))
            if edge != edges.last { edges.append(edge) }
        }
        self.edges = edges
        proportions = DriftStatistics.binCounts(sorted: sorted, edges: edges).map { Double($0) / n }
        sketch = Self.sketch(sorted: sorted)
    }

    /// At most `sketchSize` values of `sorted`: all of them, or the order statistics at the
    /// middles of `sketchSize` equal shares.
    static func sketch(sorted: [Double]) -> [Double] {
        guard sorted.count > sketchSize else { return sorted }
        return (0..<sketchSize).map { i in
            sorted[Int((Double(i) + 0.5) * Double(sorted.count) / Double(sketchSize))]
        }
    }
}

/// A categorical column's present values: how many rows had each category.
public struct CategoricalProfile: Sendable, Codable, Equatable {
    public var counts: [String: Int]

    public init(counts: [String: Int]) { self.counts = counts }

    public var total: Int { counts.values.reduce(0, +) }
}

/// What the sweep's validation said about the model's configuration: the objective's mean and
/// spread over the folds, and every other metric's mean.
public struct CVEstimate: Sendable, Codable, Equatable {
    public var metric: String
    /// "maximize" or "minimize".
    public var goal: String
    public var mean: Double
    public var std: Double
    public var folds: Int
    public var metrics: [String: Double]

    public init(metric: String, goal: String, mean: Double, std: Double, folds: Int, metrics: [String: Double] = [:]) {
        self.metric = metric
        self.goal = goal
        self.mean = mean
        self.std = std
        self.folds = folds
        self.metrics = metrics
    }
}

extension DataProfile {
    /// The profile of `rows` of `dataset` (its encoded form: category indices, NaN for missing).
    public init(dataset: Dataset, rows: [Int], targetName: String, cv: CVEstimate? = nil) {
        let n = Double(Swift.max(rows.count, 1))
        var columns: [ColumnProfile] = []
        for column in 0..<dataset.columns {
            let values = rows.map { dataset.features[$0 * dataset.columns + column] }
            let present = values.filter { !$0.isNaN }
            var profile = ColumnProfile(
                name: dataset.featureNames[column], missingRate: Double(values.count - present.count) / n)
            if let names = dataset.categories[column] {
                var counts: [String: Int] = [:]
                for value in present { counts[names[Int(value)], default: 0] += 1 }
                profile.categorical = CategoricalProfile(counts: counts)
            } else {
                profile.numeric = NumericProfile(values: present)
            }
            columns.append(profile)
        }
        var target = ColumnProfile(name: targetName, missingRate: 0)
        switch dataset.target {
        case .classes(let labels, let names):
            var counts: [String: Int] = [:]
            for row in rows { counts[names[labels[row]], default: 0] += 1 }
            target.categorical = CategoricalProfile(counts: counts)
        case .values(let values):
            target.numeric = NumericProfile(values: rows.map { values[$0] })
        }
        self.init(rows: rows.count, features: columns, target: target, cv: cv)
    }
}
