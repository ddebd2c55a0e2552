import Foundation
import Logging
import SweepCore
import SweepML
import SweepReport

/// Nested CV's outer loop, at the end of a complete sweep with cv.outer: for each outer fold,
/// the trial its inner CV chose (`NestedSelection`) is refitted on the fold's training rows
/// (the built-in model, preprocessing as `ModelFile.refit`) and scored once on its test rows.
enum NestedEstimate {
    /// Computes the outcome from run.db's counted tasks and records it there (nothing without cv.outer).
    /// `summary`: those tasks, already read (the end of a sweep has them: its trials and results
    /// no longer change).
    static func record(
        sweep: LoadedSweep, database: RunDatabase, directory: String, logger: Logger, summary known: RunSummary? = nil
    ) throws {
        guard sweep.spec.cv.outer != nil else { return }
        let summary = try known ?? RunReport.load(directory: directory)
        try database.recordNested(run(summary, sweep: sweep, logger: logger))
    }

    static func run(_ summary: RunSummary, sweep: LoadedSweep, logger: Logger) -> NestedOutcome {
        let spec = sweep.spec
        let outer = spec.cv.outer ?? 0
        var outcome = NestedOutcome(
            metric: spec.objective.metric, goal: spec.objective.goal.rawValue, innerFolds: spec.scoredFolds, folds: [])
        let choices = NestedSelection.choose(
            trials: summary.trials, records: summary.records, innerFolds: spec.scoredFolds, outer: outer,
            objective: spec.objective.metric, goal: spec.objective.goal)
        guard let model = spec.trainer.model.flatMap({ BuiltinModels.named($0.name) }), let dataset = sweep.dataset,
            let data = spec.data
        else {
            outcome.note = "nested CV needs a built-in model and data"
            return outcome
        }
        var notes: [String] = []
        for (fold, choice) in choices.enumerated() {
            let (train, test) = sweep.plan.outerSplit(fold)
            var result = NestedOutcome.Fold(
                trial: choice?.trial, innerMean: choice?.innerMean, score: nil, trainRows: train.count,
                testRows: test.count)
            guard let choice, let trial = summary.trials.first(where: { $0.number == choice.trial }) else {
                notes.append(
                    "outer fold \(fold): no trial has a '\(spec.objective.metric)' score on every one of its inner folds (a metric like roc_auc is undefined where a validation fold holds a single class)"
                )
                outcome.folds.append(result)
                continue
            }
            do {
                let file = try ModelFile.refit(
                    model: model, params: trial.params, dataset: dataset, targetName: data.target,
                    imputation: Preprocessor.Imputation(rawValue: data.impute) ?? .mean, rows: train)
                result.score = file.score(dataset, rows: test)[spec.objective.metric]
                if result.score == nil {
                    notes.append(
                        "outer fold \(fold): '\(spec.objective.metric)' is undefined on its \(test.count) test rows (e.g. they hold a single class)"
                    )
                }
            } catch {
                logger.warning("nested CV: could not refit trial \(trial.number) for outer fold \(fold): \(error)")
                notes.append("outer fold \(fold): refitting trial \(trial.number) failed: \(error)")
            }
            outcome.folds.append(result)
        }
        if !notes.isEmpty { outcome.note = notes.joined(separator: "; ") }
        return outcome
    }
}
