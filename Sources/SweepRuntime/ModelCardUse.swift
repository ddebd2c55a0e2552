import SweepCore
import SweepReport

/// The card's intended-use and limitations lines: only what the run shows to be true (how the
/// model was chosen and scored, on which rows, what it does with inputs it has not seen).
enum ModelCardUse {
    static func intended(_ card: ModelCard, summary: RunSummary) -> [String] {
        var lines: [String] = []
        let file = card.data.map { ModelCard.code($0.file) } ?? "the sweep's data"
        if let target = card.target {
            let what =
                card.task == TaskType.classification.rawValue
                ? "classifies \(ModelCard.code(target))" + (card.classes.map { " into \($0.count) classes" } ?? "")
                : "predicts \(ModelCard.code(target)) (regression)"
            let from = card.features.map { "from the \($0.count) feature columns under Features" } ?? "from its inputs"
            lines.append("It \(what) \(from), for rows like those of \(file).")
        }
        switch card.model.kind {
        case "builtin":
            lines.append(
                "Predict with `sweep predict \(card.model.path) NEW.csv`, or serve it with `sweep serve \(card.model.path)`."
            )
        default:
            lines.append(
                "The model is the files under \(ModelCard.code(card.model.path)) that the trainer \(ModelCard.code(card.model.name)) wrote in its refit (SWEEP_REFIT=1); load them as that program does."
            )
        }
        let chosen =
            summary.isMultiObjective
            ? "the Pareto front's best on `\(card.cv.metric)`"
            : "the best mean `\(card.cv.metric)` (\(card.cv.goal))"
        lines.append(
            "Chosen as \(chosen) of \(summary.trials.count) trials (\(summary.algorithm) search) under cross-validation: \(card.cv.scheme)."
        )
        return lines
    }

    static func limitations(_ card: ModelCard, spec: Spec) -> [String] {
        var lines: [String] = []
        let rows =
            card.data?.searchRows.map { "\($0) rows" } ?? (card.data == nil ? "the trainer's own data" : "the rows")
        let file = card.data.map { " from " + ModelCard.code($0.file) } ?? ""
        let drift =
            card.model.kind == "builtin"
            ? "run `sweep drift \(card.model.path) NEW.csv` on new data before trusting its predictions"
            : "compare new data with the training data before trusting its predictions"
        lines.append(
            "Scored by cross-validation on \(rows)\(file); not validated on data from another distribution: \(drift).")
        lines.append(estimateLine(card))
        if let counts = card.classCounts, let line = imbalanceLine(counts, metric: card.cv.metric) {
            lines.append(line)
        }
        if card.cv.folds < 2 { lines.append("One fold per trial: the CV score has no spread to judge it by.") }
        if spec.cv.timeSeries {
            lines.append("Validated on later blocks of the file's row order: it assumes new rows continue that order.")
        }
        if let features = card.features {
            let categorical = features.filter { $0.kind == "categorical" }.map { ModelCard.code($0.name) }
            if !categorical.isEmpty {
                lines.append(
                    "A category not seen in training (in \(categorical.joined(separator: ", "))) encodes as all zeros: the model knows nothing of it."
                )
            }
            if features.contains(where: { $0.kind == "numeric" }) {
                lines.append("Numbers outside the training ranges (Features) are extrapolation.")
            }
            lines.append(
                "Missing numbers are filled with the training rows' \(spec.data?.impute ?? "mean") (data.impute), missing categories with their most frequent one."
            )
        }
        return lines
    }

    /// Which score to believe: the best CV mean of several trials is optimistically biased in
    /// expectation (the best of noisy estimates); an unbiased one beside it says how much it was here.
    static func estimateLine(_ card: ModelCard) -> String {
        let best = card.cv.goal == "minimize" ? "lowest" : "highest"
        let biased =
            card.trials > 1
            ? "the CV score, the \(best) of \(card.trials) trials', is biased in its favour (it picked the trial)"
            : "the CV score is the only trial's"
        let unbiased: (what: String, score: Double)? =
            if let nested = card.nested, let mean = nested.mean {
                (
                    "Nested cross-validation estimates the whole search-and-refit at `\(card.cv.metric)` = \(format(mean)) over \(nested.folds.count) outer folds",
                    mean
                )
            } else if let holdout = card.holdout, let score = holdout.score {
                (
                    "The \(holdout.rows) held-out rows, scored once, give an unbiased estimate (`\(card.cv.metric)` = \(format(score)))",
                    score
                )
            } else { nil }
        guard let unbiased else {
            let which =
                card.nested != nil
                ? "Nested CV ran but gave no estimate (best.json's `nested.note` says why)"
                : "No rows were held out (cv.test_size) and no nested CV ran"
            return "\(which): \(biased), with no unbiased estimate beside it."
        }
        guard card.trials > 1, let cv = card.cv.mean else { return "\(unbiased.what); \(biased)." }
        let worse = card.cv.goal == "minimize" ? unbiased.score > cv : unbiased.score < cv
        return "\(unbiased.what); \(biased)"
            + (worse
                ? "." : ", though here the unbiased estimate came out no worse: the bias is small next to the noise.")
    }

    /// A class with under half the rows an even split would give it: a score like accuracy
    /// can look good while the model does poorly on that class.
    static func imbalanceLine(_ counts: [String: Int], metric: String) -> String? {
        let total = counts.values.reduce(0, +)
        guard counts.count > 1, total > 0,
            let rarest = counts.min(by: { ($0.value, $0.key) < ($1.value, $1.key) }),
            Double(rarest.value) * Double(counts.count) < 0.5 * Double(total)
        else { return nil }
        let share = Significant.format(Double(rarest.value) * 100 / Double(total), digits: 3)
        return
            "The classes are imbalanced: \(ModelCard.code(rarest.key)) has \(rarest.value) of \(total) training rows (\(share) %); `\(metric)` may look good while the model does poorly on it."
    }

    /// A number as the card shows it: up to 4 significant digits.
    static func format(_ value: Double) -> String { Significant.format(value) }
}
