import Foundation

/// Above what a finding counts as drift (`sweep drift` options).
public struct DriftThresholds: Sendable, Codable, Equatable {
    /// PSI of a column (numbers: over the training deciles; categories: over the categories).
    public var psi = 0.2
    /// KS statistic of a numeric column.
    public var ks = 0.1
    /// Change of the missing-value rate (absolute: 0.05 is five percentage points).
    public var missing = 0.05
    /// Share of a categorical column's present values in categories unseen in training.
    public var unseen = 0.0
    /// How much worse than its CV mean the model may score on the new rows; nil: the larger of
    /// twice the CV standard deviation and 1 % of the CV mean's magnitude.
    public var metricTolerance: Double?

    public init() {}
}

/// A category of the new data that the training data never had, and how many rows have it.
public struct UnseenCategory: Sendable, Codable, Equatable {
    public var name: String
    public var count: Int
}

/// How one column of the new data compares with the training data.
public struct ColumnDrift: Sendable, Codable, Equatable {
    public var name: String
    /// "numeric" or "categorical".
    public var kind: String
    public var psi: Double?
    public var ks: Double?
    public var missingTrain: Double
    public var missingNew: Double
    public var meanTrain: Double?
    public var meanNew: Double?
    /// Most frequent first (at most 20 named; `unseenShare` counts them all).
    public var unseen: [UnseenCategory] = []
    public var unseenShare = 0.0
    /// Values of a numeric column that are not numbers (the model cannot score those rows).
    public var invalid = 0
    public var invalidExample: String?
    /// What passed its threshold: "psi", "ks", "missing", "unseen", "invalid".
    public var reasons: [String] = []

    public var drifted: Bool { !reasons.isEmpty }
}

/// The new values of one column, as read from the CSV.
public struct NewColumn: Sendable {
    /// Present values of a numeric column, sorted.
    public var sortedNumbers: [Double] = []
    /// Present values of a categorical column, counted.
    public var counts: [String: Int] = [:]
    public var missing = 0
    public var invalid = 0
    public var invalidExample: String?
    public var rows = 0

    public init() {}

    /// Reads `values` (texts) as a column of the kind `profile` says: numbers or categories.
    public init(texts: some Sequence<String>, numeric: Bool) {
        var numbers: [Double] = []
        for raw in texts {
            rows += 1
            let text = raw.trimmingSpaces()
            if Dataset.missingMarkers.contains(text) {
                missing += 1
            } else if !numeric {
                counts[text, default: 0] += 1
            } else if let value = Double(text), value.isFinite {
                numbers.append(value)
            } else {
                invalid += 1
                if invalidExample == nil { invalidExample = raw }
            }
        }
        sortedNumbers = numbers.sorted()
    }
}

/// The pure comparison of new columns with a training profile.
public enum Drift {
    /// Compares a column with its training profile and says what passed a threshold.
    public static func compare(_ profile: ColumnProfile, _ new: NewColumn, thresholds: DriftThresholds) -> ColumnDrift {
        let missingNew = new.rows > 0 ? Double(new.missing) / Double(new.rows) : 0
        var drift = ColumnDrift(
            name: profile.name, kind: profile.categorical == nil ? "numeric" : "categorical", psi: nil, ks: nil,
            missingTrain: profile.missingRate, missingNew: missingNew)
        if let categorical = profile.categorical {
            compareCategories(categorical, new, into: &drift)
        } else if let numeric = profile.numeric, !new.sortedNumbers.isEmpty {
            let actual = DriftStatistics.shares(
                DriftStatistics.binCounts(sorted: new.sortedNumbers, edges: numeric.edges))
            drift.psi = DriftStatistics.psi(expected: numeric.proportions, actual: actual)
            drift.ks = DriftStatistics.ks(sortedA: numeric.sketch, sortedB: new.sortedNumbers)
            drift.meanTrain = numeric.mean
            drift.meanNew = new.sortedNumbers.reduce(0, +) / Double(new.sortedNumbers.count)
        } else {
            drift.meanTrain = profile.numeric?.mean
        }
        drift.invalid = new.invalid
        drift.invalidExample = new.invalidExample
        if let psi = drift.psi, psi > thresholds.psi { drift.reasons.append("psi") }
        if let ks = drift.ks, ks > thresholds.ks { drift.reasons.append("ks") }
        if abs(missingNew - profile.missingRate) > thresholds.missing { drift.reasons.append("missing") }
        if !drift.unseen.isEmpty && drift.unseenShare > thresholds.unseen { drift.reasons.append("unseen") }
        if new.invalid > 0 { drift.reasons.append("invalid") }
        return drift
    }

    /// PSI over the training categories plus one bin for every unseen category together, and
    /// the unseen categories by name.
    static func compareCategories(_ profile: CategoricalProfile, _ new: NewColumn, into drift: inout ColumnDrift) {
        let known = profile.counts.keys.sorted()
        let newTotal = new.counts.values.reduce(0, +)
        let unseen = new.counts.filter { profile.counts[$0.key] == nil }
            .map { UnseenCategory(name: $0.key, count: $0.value) }
            .sorted { ($0.count, $1.name) > ($1.count, $0.name) }
        drift.unseen = Array(unseen.prefix(20))
        let unseenCount = unseen.reduce(0) { $0 + $1.count }
        drift.unseenShare = newTotal > 0 ? Double(unseenCount) / Double(newTotal) : 0
        guard profile.total > 0, newTotal > 0 else { return }
        let expected = DriftStatistics.shares(known.map { profile.counts[$0]! } + [0])
        let actual = DriftStatistics.shares(known.map { new.counts[$0] ?? 0 } + [unseenCount])
        drift.psi = DriftStatistics.psi(expected: expected, actual: actual)
    }

    /// Most drifted first: what passed a threshold, then by PSI, then by name.
    public static func worstFirst(_ columns: [ColumnDrift]) -> [ColumnDrift] {
        columns.sorted { a, b in
            if a.drifted != b.drifted { return a.drifted }
            let psiA = a.psi ?? -1, psiB = b.psi ?? -1
            if psiA != psiB { return psiA > psiB }
            return a.name < b.name
        }
    }
}
