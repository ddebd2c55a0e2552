import Foundation
import SweepCore

/// `best.json`: the winning trial, its per-fold objective and every metric's mean and std.
/// Encoded with sorted keys, so the same run gives the same bytes; non-finite numbers are null.
public enum BestJSON {
    public static func render(_ run: RunSummary) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data: Data
        if let best = run.best, let objective = best.objective {
            data = try encoder.encode(Best(run: run, best: best, objective: objective))
        } else {
            data = try encoder.encode(NoBest(run: run))
        }
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    /// A finite number, or nil (JSON null) for NaN and the infinities, which JSON cannot hold.
    static func number(_ value: Double) -> Double? { value.isFinite ? value : nil }

    struct Best: Encodable {
        let run: RunSummary
        let best: TrialSummary
        let objective: MeanStd

        enum Key: String, CodingKey {
            case trial, params, metric, goal, mean, std, folds, metrics, model, holdout
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: Key.self)
            try container.encode(best.trial.number, forKey: .trial)
            try container.encode(
                best.trial.params.entries.reduce(into: [:]) { $0[$1.name] = Param($1.value) }, forKey: .params)
            try container.encode(run.objective.metric, forKey: .metric)
            try container.encode(run.objective.goal.rawValue, forKey: .goal)
            try container.encode(number(objective.mean), forKey: .mean)
            try container.encode(objective.spread.flatMap(number), forKey: .std)  // null for one fold
            try container.encode(best.foldScores.map(number), forKey: .folds)
            let metrics = run.metricNames.reduce(into: [String: Stats]()) { metrics, name in
                if let stats = best.metrics[name] {
                    metrics[name] = Stats(mean: number(stats.mean), std: stats.spread.flatMap(number))
                }
            }
            try container.encode(metrics, forKey: .metrics)
            try container.encode(run.modelFile, forKey: .model)  // null when there is none: the field is always there
            try container.encode(
                run.holdout.map { Holdout(rows: run.holdoutRows, metrics: $0.mapValues(number)) }, forKey: .holdout)
            try Objectives(run: run).encode(to: encoder)
            try NestedField(run: run).encode(to: encoder)
        }
    }

    /// What best.json says when no trial succeeded.
    struct NoBest: Encodable {
        let run: RunSummary

        enum Key: String, CodingKey { case trial, metric, goal, error }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: Key.self)
            try container.encodeNil(forKey: .trial)
            try container.encode(run.objective.metric, forKey: .metric)
            try container.encode(run.objective.goal.rawValue, forKey: .goal)
            try container.encode(
                run.ranked.isEmpty ? "no trial succeeded" : "no trial met the constraints", forKey: .error)
            try Objectives(run: run).encode(to: encoder)
        }
    }

    struct Stats: Encodable {
        let mean: Double?
        let std: Double?

        enum Key: String, CodingKey { case mean, std }

        /// Both fields always, null when not finite.
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: Key.self)
            try container.encode(mean, forKey: .mean)
            try container.encode(std, forKey: .std)
        }
    }

    struct Holdout: Encodable {
        let rows: Int
        let metrics: [String: Double?]
    }

    /// A hyperparameter value as JSON: a number, a string or a boolean, as the spec wrote it.
    struct Param: Encodable {
        let value: ParamValue

        init(_ value: ParamValue) { self.value = value }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            switch value {
            case .int(let int): try container.encode(int)
            case .double(let double): try container.encode(number(double))
            case .string(let string): try container.encode(string)
            case .bool(let bool): try container.encode(bool)
            }
        }
    }
}
