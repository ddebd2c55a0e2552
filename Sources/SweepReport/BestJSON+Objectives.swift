import SweepCore

/// best.json's fields for several objectives and constraints (absent for a plain sweep, so its
/// best.json stays as it was): `objectives`, the front as `pareto`, `refit_choice`, `constraints`.
extension BestJSON {
    struct Objectives: Encodable {
        let run: RunSummary

        enum Key: String, CodingKey { case objectives, pareto, refitChoice = "refit_choice", constraints }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: Key.self)
            if run.isMultiObjective {
                try container.encode(
                    run.objectives.map { ["metric": $0.metric, "goal": $0.goal.rawValue] }, forKey: .objectives)
                try container.encode(run.front.map { FrontTrial(run: run, summary: $0) }, forKey: .pareto)
                try container.encode(run.refitChoice, forKey: .refitChoice)
            }
            if !run.constraints.isEmpty {
                try container.encode(run.constraints.map(Bounds.init), forKey: .constraints)
            }
        }
    }

    /// One trial of the front: its number, parameters and every objective's mean.
    struct FrontTrial: Encodable {
        let run: RunSummary
        let summary: TrialSummary

        enum Key: String, CodingKey { case trial, params, objectives }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: Key.self)
            try container.encode(summary.trial.number, forKey: .trial)
            try container.encode(
                summary.trial.params.entries.reduce(into: [:]) { $0[$1.name] = Param($1.value) }, forKey: .params)
            let means = run.objectiveMeans(summary) ?? []
            try container.encode(
                Dictionary(uniqueKeysWithValues: zip(run.objectives.map(\.metric), means.map(number))),
                forKey: .objectives)
        }
    }

    /// A constraint as JSON: its metric and bounds (null when not given).
    struct Bounds: Encodable {
        let metric: String
        let min: Double?
        let max: Double?

        init(_ constraint: Constraint) { (metric, min, max) = (constraint.metric, constraint.min, constraint.max) }

        enum Key: String, CodingKey { case metric, min, max }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: Key.self)
            try container.encode(metric, forKey: .metric)
            try container.encode(min, forKey: .min)
            try container.encode(max, forKey: .max)
        }
    }
}
