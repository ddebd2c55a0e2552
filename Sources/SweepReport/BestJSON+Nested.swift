import SweepCore

/// best.json's `nested` field (a sweep with cv.outer, once its estimate is recorded): the
/// nested estimate's mean and std over outer folds, each outer fold's score, and the
/// parameters its inner search chose.
extension BestJSON {
    struct NestedField: Encodable {
        let run: RunSummary

        enum Key: String, CodingKey { case nested }
        enum NestedKey: String, CodingKey {
            case metric, goal, mean, std, folds, chosen, trials, note
            case innerMeans = "inner_means", innerFolds = "inner_folds"
        }

        func encode(to encoder: any Encoder) throws {
            guard let nested = run.nested else { return }
            var outer = encoder.container(keyedBy: Key.self)
            var container = outer.nestedContainer(keyedBy: NestedKey.self, forKey: .nested)
            try container.encode(nested.metric, forKey: .metric)
            try container.encode(nested.goal, forKey: .goal)
            let estimate = nested.estimate
            try container.encode(estimate.map(\.mean).flatMap(number), forKey: .mean)
            try container.encode(estimate.map(\.std).flatMap(number), forKey: .std)
            try container.encode(nested.folds.map { $0.score.flatMap(number) }, forKey: .folds)
            try container.encode(
                nested.folds.map { fold in
                    fold.trial.flatMap { trial in
                        run.trials.first { $0.number == trial }?.params.entries.reduce(into: [:]) {
                            $0[$1.name] = Param($1.value)
                        }
                    }
                }, forKey: .chosen)
            try container.encode(nested.folds.map(\.trial), forKey: .trials)
            try container.encode(nested.folds.map { $0.innerMean.flatMap(number) }, forKey: .innerMeans)
            try container.encode(nested.innerFolds, forKey: .innerFolds)
            try container.encode(nested.note, forKey: .note)
        }
    }
}
