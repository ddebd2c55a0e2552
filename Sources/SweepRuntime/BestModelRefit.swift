import Foundation
import Logging
import SweepCore
import SweepML

/// Refits the best configuration of a built-in model on every search row into `model.json`,
/// and scores the held-out rows (cv.test_size) with it once.
enum BestModelRefit {
    struct Outcome {
        var file: String?
        /// Why no model file was written, when the user might expect one.
        var note: String?
        var holdout: [String: Double]?
    }

    static func run(_ best: TrialSummary, sweep: LoadedSweep, directory: String, logger: Logger) -> Outcome {
        let spec = sweep.spec
        guard spec.refit else { return Outcome(note: "refit: false in the spec") }
        guard let model = spec.trainer.model.flatMap({ BuiltinModels.named($0.name) }), model.description.needsData,
            let dataset = sweep.dataset, let data = spec.data
        else {
            return Outcome(note: spec.trainer.isCommand ? "a command trainer's model is its program's to save" : nil)
        }
        do {
            let file = try ModelFile.refit(
                model: model, params: best.trial.params, dataset: dataset, targetName: data.target,
                imputation: Preprocessor.Imputation(rawValue: data.impute) ?? .mean,
                rows: sweep.plan.searchRows, cv: estimate(best, objective: spec.objective))
            try file.encoded().write(to: URL(fileURLWithPath: directory).appendingPathComponent("model.json"))
            let holdout = sweep.plan.holdout
            return Outcome(file: "model.json", holdout: holdout.isEmpty ? nil : file.score(dataset, rows: holdout))
        } catch {
            logger.warning("could not refit the best configuration: \(error)")
            return Outcome(note: "refit failed: \(error)")
        }
    }

    /// The CV estimate recorded in the model file, for `sweep drift` to compare new data with.
    static func estimate(_ best: TrialSummary, objective: Objective) -> CVEstimate? {
        guard let score = best.objective, score.mean.isFinite else { return nil }
        return CVEstimate(
            metric: objective.metric, goal: objective.goal.rawValue, mean: score.mean,
            std: score.std.isFinite ? score.std : 0, folds: score.count,
            metrics: best.metrics.compactMapValues { $0.mean.isFinite ? $0.mean : nil })
    }
}
