import Foundation
import SweepCore
import SweepML
import SweepReport

/// The model a card describes: a built-in model's `model.json`, or the files a command trainer's
/// refit left in `model/`.
enum CardModel {
    case builtin(path: String, sha256: String, file: ModelFile)
    case command(path: String, files: [ModelCard.File])
}

/// Everything a card is made of, read from run.db and the run directory (never the clock, so
/// writing the card again gives the same bytes).
struct ModelCardInputs {
    var summary: RunSummary
    var spec: Spec
    var specFileName: String
    var specPath: String
    var specText: String
    var dataSHA256: String?
    /// When the sweep ended (seconds since 1970).
    var finishedAt: Double?
    /// Recorded when the sweep ended (`ModelCardFacts`): nil for sweeps from before cards.
    var trainedWith: String?
    var dataRows: Int?
    var model: CardModel
    var nested: ModelCard.Nested?
    var writtenBy: String
}

extension ModelCard {
    /// The card of the inputs' best trial and model; nil when the sweep has no best trial.
    static func make(_ inputs: ModelCardInputs) -> ModelCard? {
        let summary = inputs.summary, spec = inputs.spec
        guard let best = summary.best, let objective = best.objective else { return nil }
        let builtin: ModelFile? = if case .builtin(_, _, let file) = inputs.model { file } else { nil }
        var card = ModelCard(
            name: summary.name, model: model(inputs), task: builtin?.task ?? spec.task.rawValue,
            target: builtin?.target ?? spec.data?.target,
            classes: builtin.flatMap { $0.classes.isEmpty ? nil : $0.classes },
            classCounts: builtin?.profile?.target.categorical?.counts,
            data: data(inputs, builtin: builtin),
            spec: SpecFacts(
                file: inputs.specFileName, source: inputs.specPath,
                sha256: ContentHash.sha256(Array(inputs.specText.utf8))),
            trial: best.trial.number, trials: summary.trials.count, params: params(best.trial.params),
            cv: Score(
                metric: spec.objective.metric, goal: spec.objective.goal.rawValue, mean: finite(objective.mean),
                std: objective.spread.flatMap(finite), folds: objective.count, scheme: scheme(spec)),
            otherObjectives: otherObjectives(summary, best: best, scheme: scheme(spec)),
            holdout: holdout(summary), nested: inputs.nested, cost: cost(best),
            features: builtin.map(features), trainedAt: inputs.finishedAt.map(isoDate),
            sweep: SweepFacts(trainedWith: inputs.trainedWith, cardWrittenBy: inputs.writtenBy),
            intendedUse: [], limitations: [])
        card.intendedUse = ModelCardUse.intended(card, summary: summary)
        card.limitations = ModelCardUse.limitations(card, spec: spec)
        return card
    }

    static func model(_ inputs: ModelCardInputs) -> Model {
        switch inputs.model {
        case .builtin(let path, let sha256, let file):
            return Model(kind: "builtin", path: path, name: file.model, sha256: sha256, files: nil)
        case .command(let path, let files):
            let command = inputs.spec.trainer.command?.template.arguments.joined(separator: " ") ?? "command"
            return Model(kind: "command", path: path, name: command, sha256: nil, files: files)
        }
    }

    static func data(_ inputs: ModelCardInputs, builtin: ModelFile?) -> DataFacts? {
        guard let data = inputs.spec.data else { return nil }
        let holdoutRows = inputs.summary.holdoutRows
        let searchRows = builtin?.trainingRows ?? inputs.dataRows.map { $0 - holdoutRows }
        let group = inputs.spec.cv.group.map { data.drop.contains($0) ? [] : [$0] } ?? []
        return DataFacts(
            file: data.path, sha256: inputs.dataSHA256, rows: inputs.dataRows ?? searchRows.map { $0 + holdoutRows },
            searchRows: searchRows, holdoutRows: holdoutRows, columns: builtin.map { $0.features.count + 1 },
            dropped: data.drop + group)
    }

    static func params(_ params: Params) -> [String: Value] {
        params.entries.reduce(into: [:]) { out, entry in
            out[entry.name] =
                switch entry.value {
                case .int(let int): .int(int)
                case .double(let double): .double(double)
                case .string(let string): .string(string)
                case .bool(let bool): .bool(bool)
                }
        }
    }

    /// How cross-validation split the rows, in words.
    static func scheme(_ spec: Spec) -> String {
        let cv = spec.cv
        if cv.timeSeries {
            return "time-series split into \(cv.folds) folds (train on the past, validate on the next block)"
        }
        var words = "\(cv.folds)-fold"
        if let group = cv.group {
            words += " group k-fold on column '\(group)'"
        } else if cv.stratified && spec.task == .classification {
            words += " stratified"
        }
        if cv.repeats > 1 { words += ", repeated \(cv.repeats) times" }
        if cv.shuffle { words += ", shuffled with seed \(cv.seed)" }
        return words
    }

    /// The means of a multi-objective sweep's other objectives (nil for one objective).
    static func otherObjectives(_ summary: RunSummary, best: TrialSummary, scheme: String) -> [Score]? {
        guard summary.isMultiObjective else { return nil }
        return summary.moreObjectives.map { objective in
            let stats = best.metrics[objective.metric]
            return Score(
                metric: objective.metric, goal: objective.goal.rawValue, mean: stats.flatMap { finite($0.mean) },
                std: stats?.spread.flatMap(finite), folds: stats?.count ?? 0, scheme: scheme)
        }
    }

    static func holdout(_ summary: RunSummary) -> Holdout? {
        guard let metrics = summary.holdout, summary.holdoutRows > 0 else { return nil }
        let finiteMetrics = metrics.compactMapValues(finite)
        return Holdout(
            rows: summary.holdoutRows, score: finiteMetrics[summary.objective.metric], metrics: finiteMetrics)
    }

    static func cost(_ best: TrialSummary) -> Cost? {
        ResourceCost(best).map {
            Cost(fitSeconds: $0.fitSeconds, predictSecondsPer1000Rows: $0.predictSeconds, modelBytes: $0.modelBytes)
        }
    }

    /// The model's feature columns with their kinds, categories, training ranges and missing shares.
    static func features(_ file: ModelFile) -> [Feature] {
        file.features.enumerated().map { index, name in
            let categories = trainedCategories(file, column: index)
            let profile = file.profile?.features.first { $0.name == name }
            let numeric = profile?.numeric
            return Feature(
                name: name, kind: categories == nil ? "numeric" : "categorical", categories: categories,
                min: numeric.flatMap { finite($0.min) }, max: numeric.flatMap { finite($0.max) },
                mean: numeric.flatMap { finite($0.mean) }, missingRate: profile.flatMap { finite($0.missingRate) })
        }
    }

    /// A categorical column's categories that the training rows held (the one-hot encoder's
    /// columns); nil for a numeric column.
    static func trainedCategories(_ file: ModelFile, column: Int) -> [String]? {
        guard file.categories.indices.contains(column), let names = file.categories[column] else { return nil }
        guard file.preprocessing.steps.indices.contains(column),
            case .categorical(_, let kept) = file.preprocessing.steps[column]
        else { return names }
        return kept.filter { names.indices.contains($0) }.map { names[$0] }
    }

    /// "2026-12-03T16:30:12Z".
    static func isoDate(_ seconds: Double) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: Date(timeIntervalSince1970: seconds.rounded(.down)))
    }
}

/// A finite number, or nil: JSON holds no NaN or infinity.
func finite(_ value: Double) -> Double? { value.isFinite ? value : nil }
