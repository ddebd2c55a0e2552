import Foundation
import SweepCore

/// The model's objective on the new rows against its cross-validated estimate.
public struct MetricDrift: Sendable, Codable, Equatable {
    public var metric: String
    public var goal: String
    public var cvMean: Double
    public var cvStd: Double
    public var new: Double
    /// The new value's standard error, from its spread over 10 interleaved blocks of the rows.
    public var standardError: Double?
    /// Rows scored (rows with a missing or unknown target are left out).
    public var rows: Int
    public var tolerance: Double
    /// new − CV mean.
    public var change: Double
    public var worse: Bool
}

/// Everything `sweep drift` found: per column, the target, the model's metric and the verdict.
public struct DriftReport: Sendable, Codable, Equatable {
    public var model: String
    public var trainingRows: Int
    public var newRows: Int
    public var thresholds: DriftThresholds
    /// The model's features, most drifted first.
    public var features: [ColumnDrift]
    /// The target column, when the new data has it.
    public var target: ColumnDrift?
    public var metric: MetricDrift?
    /// Why the metric was not compared, when it was not.
    public var metricNote: String?
    public var drifted: Bool
    public var verdict: String
}

extension DriftReport {
    /// Compares a CSV table with the profile recorded in `file` (which must have one).
    public init(file: ModelFile, profile: DataProfile, table: CSVTable, thresholds: DriftThresholds)
        throws(PredictError)
    {
        let missing = file.features.filter { !table.header.contains($0) }
        guard missing.isEmpty else {
            throw PredictError(
                "the CSV lacks \(missing.count) of the model's \(file.features.count) feature columns: \(missing.joined(separator: ", ")) (the model expects: \(file.features.joined(separator: ", ")))"
            )
        }
        let columns = zip(file.features, profile.features).map { name, column in
            let index = table.header.firstIndex(of: name)!
            let new = NewColumn(texts: table.rows.lazy.map { $0[index] }, numeric: column.categorical == nil)
            return Drift.compare(column, new, thresholds: thresholds)
        }
        var target: ColumnDrift?
        var metric: MetricDrift?
        var note: String? = "the CSV has no '\(file.target)' column: the model's metric is not compared"
        if let index = table.header.firstIndex(of: file.target) {
            let new = NewColumn(
                texts: table.rows.lazy.map { $0[index] }, numeric: profile.target.categorical == nil)
            target = Drift.compare(profile.target, new, thresholds: thresholds)
            (metric, note) = Self.compareMetric(file: file, profile: profile, table: table, targetColumn: index)
            if let tolerance = thresholds.metricTolerance, var found = metric {
                found.tolerance = tolerance
                found.worse = Self.isWorse(found, tolerance: tolerance)
                metric = found
            }
        }
        self.init(
            model: file.model, trainingRows: profile.rows, newRows: table.rows.count, thresholds: thresholds,
            features: Drift.worstFirst(columns), target: target, metric: metric, metricNote: note, drifted: false,
            verdict: "")
        (drifted, verdict) = Self.verdict(features: features, target: target, metric: metric)
    }

    static func isWorse(_ metric: MetricDrift, tolerance: Double) -> Bool {
        metric.goal == Goal.minimize.rawValue
            ? metric.new > metric.cvMean + tolerance : metric.new < metric.cvMean - tolerance
    }

    /// The model's own scoring (as `ModelFile.score`) on the rows whose target it knows. The
    /// default tolerance also allows twice the metric's standard error on these rows, so that a
    /// small new sample is not flagged for its noise alone.
    static func compareMetric(file: ModelFile, profile: DataProfile, table: CSVTable, targetColumn: Int) -> (
        MetricDrift?, String?
    ) {
        guard let cv = profile.cv else { return (nil, "the model file records no CV estimate to compare with") }
        let prediction: Prediction
        do { prediction = try file.predict(table).prediction } catch {
            return (nil, "the rows cannot be scored: \(error)")
        }
        let scored = ScoredRows(
            prediction, targets: table.rows.map { $0[targetColumn].trimmingSpaces() }, classNames: file.classes)
        guard let value = scored.metric(cv.metric) else {
            return (
                nil,
                scored.count == 0
                    ? "no row has a known target value to score"
                    : "the model's \(cv.metric) cannot be computed on these rows"
            )
        }
        let error = scored.standardError(cv.metric)
        let tolerance = Swift.max(2 * cv.std, 0.01 * abs(cv.mean), 2 * (error ?? 0))
        var drift = MetricDrift(
            metric: cv.metric, goal: cv.goal, cvMean: cv.mean, cvStd: cv.std, new: value, standardError: error,
            rows: scored.count, tolerance: tolerance, change: value - cv.mean, worse: false)
        drift.worse = isWorse(drift, tolerance: tolerance)
        return (drift, nil)
    }

    /// Drifted when any feature or the target passed a threshold, or the model scores worse.
    static func verdict(features: [ColumnDrift], target: ColumnDrift?, metric: MetricDrift?) -> (Bool, String) {
        var parts: [String] = []
        let drifted = features.filter(\.drifted)
        if !drifted.isEmpty {
            parts.append(
                "\(drifted.count) of \(features.count) features drifted (\(drifted.map(\.name).joined(separator: ", ")))"
            )
        }
        if let target, target.drifted { parts.append("the target '\(target.name)' drifted") }
        if let metric, metric.worse {
            parts.append(
                "the model's \(metric.metric) worsened from \(format(metric.cvMean)) (CV) to \(format(metric.new))")
        }
        guard !parts.isEmpty else {
            return (false, "no drift: every statistic is within its threshold")
        }
        return (true, "drift: " + parts.joined(separator: "; "))
    }

    static func format(_ value: Double) -> String { String(format: "%.4g", value) }
}
