import Foundation
import SweepCore

/// What a trial's model costs, from the resource metrics its tasks reported (built-in models
/// always; command trainers when they report the same names): seconds to fit a fold, seconds to
/// predict 1,000 rows and the fitted model's bytes, each a mean over the trial's folds. The
/// report and the model card show it in human units.
public struct ResourceCost: Sendable, Equatable {
    public static let fitMetric = "fit_seconds"
    public static let predictMetric = "predict_seconds"
    public static let bytesMetric = "model_bytes"

    public var fitSeconds: Double?
    /// Per 1,000 rows.
    public var predictSeconds: Double?
    public var modelBytes: Double?

    public init(fitSeconds: Double?, predictSeconds: Double?, modelBytes: Double?) {
        self.fitSeconds = fitSeconds
        self.predictSeconds = predictSeconds
        self.modelBytes = modelBytes
    }

    /// The trial's cost, or nil when its tasks reported none of the three metrics.
    public init?(_ summary: TrialSummary) {
        func mean(_ name: String) -> Double? {
            summary.metrics[name].map(\.mean).flatMap { $0.isFinite ? $0 : nil }
        }
        self.init(
            fitSeconds: mean(Self.fitMetric), predictSeconds: mean(Self.predictMetric),
            modelBytes: mean(Self.bytesMetric))
        if fitSeconds == nil && predictSeconds == nil && modelBytes == nil { return nil }
    }

    /// "fit 12.3 ms, predict 0.81 ms per 1,000 rows, model 4.2 KB" (the parts that are known).
    public var words: String {
        var parts: [String] = []
        if let fitSeconds { parts.append("fit \(Self.seconds(fitSeconds))") }
        if let predictSeconds { parts.append("predict \(Self.seconds(predictSeconds)) per 1,000 rows") }
        if let modelBytes { parts.append("model \(Self.bytes(modelBytes))") }
        return parts.joined(separator: ", ")
    }

    /// Seconds in the unit that reads best: "420 µs", "12.3 ms", "1.5 s" (3 significant digits;
    /// the thresholds sit where rounding would otherwise print "1e+03 µs").
    public static func seconds(_ value: Double) -> String {
        if value == 0 { return "0 s" }
        if abs(value) < 0.9995e-3 { return Significant.format(value * 1e6, digits: 3) + " µs" }
        if abs(value) < 0.9995 { return Significant.format(value * 1e3, digits: 3) + " ms" }
        return Significant.format(value, digits: 3) + " s"
    }

    /// Bytes in decimal units: "812 B", "4.2 KB", "1.31 MB", "2.05 GB" (3 significant digits).
    public static func bytes(_ value: Double) -> String {
        let units = ["B", "KB", "MB", "GB", "TB"]
        var scaled = value, unit = 0
        while abs(scaled) >= 999.5 && unit < units.count - 1 {
            scaled /= 1000
            unit += 1
        }
        let rounded = unit == 0 ? scaled.rounded() : scaled
        return Significant.format(rounded, digits: 3) + " " + units[unit]
    }
}

extension RunSummary {
    /// Whether any succeeded trial reported a fit time: the trials tables then show a "fit" column.
    public var hasFitSeconds: Bool {
        ranked.contains { $0.metrics[ResourceCost.fitMetric].map { $0.mean.isFinite } ?? false }
    }

    /// A trial's mean fit time in human units, or "—".
    public func fitCell(_ summary: TrialSummary) -> String {
        summary.metrics[ResourceCost.fitMetric].map(\.mean).flatMap { $0.isFinite ? ResourceCost.seconds($0) : nil }
            ?? "—"
    }
}
