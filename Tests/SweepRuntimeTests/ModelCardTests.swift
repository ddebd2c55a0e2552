import Foundation
import Testing

@testable import SweepCore
@testable import SweepML
@testable import SweepReport
@testable import SweepRuntime

/// The model card made from a run's facts: its numbers, the categories of categorical columns,
/// the optional holdout and nested estimates, MODEL.md, and model-card.json read back.
@Suite struct ModelCardTests {
    static let spec = """
        name: cards
        data: {path: data/train.csv, target: y, task: classification, drop: [id]}
        cv: {folds: 2, seed: 3, test_size: 0.25}
        trainer: {model: logistic_regression}
        space: {C: {values: [0.5, 2.5]}}
        objective: {metric: accuracy}
        """

    /// 8 rows: x numeric, color categorical (blue only in the held-out rows 6 and 7).
    static let csv = """
        id,x,color,y
        1,0.1,red,no
        2,0.9,green,yes
        3,0.2,red,no
        4,0.8,green,yes
        5,0.3,,no
        6,0.7,green,yes
        7,0.4,blue,no
        8,0.6,blue,yes
        """

    /// Trial 1 (C=2.5) is best: accuracy 0.75 and 1 on its two folds, with resource metrics.
    static func summary(
        holdout: [String: Double]? = ["accuracy": 0.5, "log_loss": .nan], moreObjectives: [Objective] = []
    ) -> RunSummary {
        let trials = [0.5, 2.5].enumerated().map {
            Trial(number: $0.offset, params: Params(["C": .double($0.element)]))
        }
        var records: [TaskID: TaskRecord] = [:]
        for (trial, scores) in [[0.5, 0.5], [0.75, 1]].enumerated() {
            for (fold, score) in scores.enumerated() {
                let task = TaskID(trial: trial, fold: fold)
                records[task] = TaskRecord(
                    task: task, status: .ok, worker: "w", host: "h", attempt: 1, duration: 1,
                    metrics: ["accuracy": score, "fit_seconds": 0.002, "predict_seconds": 0.0005, "model_bytes": 2048],
                    error: nil)
            }
        }
        var run = RunSummary(
            name: "cards", objective: Objective(metric: "accuracy", goal: .maximize),
            metricNames: ["accuracy", "fit_seconds", "predict_seconds", "model_bytes"], folds: 2, trials: trials,
            records: records, wallSeconds: 3, state: .finished, moreObjectives: moreObjectives)
        run.algorithm = "grid"
        run.refit = RefitOutcome(modelFile: "model.json", note: nil, holdout: holdout, holdoutRows: 2)
        return run
    }

    static func inputs(nested: ModelCard.Nested? = nil) throws -> ModelCardInputs {
        let spec = try SpecParser.parse(Self.spec, file: "cards.yaml", models: BuiltinModels.catalog)
        let dataset = try Dataset(csv: try CSVTable(parsing: csv), target: "y", classification: true, drop: ["id"])
        let file = try ModelFile.refit(
            model: BuiltinModels.named("logistic_regression")!, params: Params(["C": .double(2.5)]), dataset: dataset,
            targetName: "y", rows: Array(0..<6))
        return ModelCardInputs(
            summary: summary(), spec: spec, specFileName: "spec.yaml", specPath: "/p/cards.yaml", specText: Self.spec,
            dataSHA256: "abc", finishedAt: 1_796_300_000.75, trainedWith: "sweep 0.1.0 (commit 1234567)", dataRows: 8,
            model: .builtin(path: "model.json", sha256: "def", file: file), nested: nested, writtenBy: "sweep 9.9.9")
    }

    @Test func theCardSaysWhatTheRunAndTheModelFileSay() throws {
        let card = try #require(ModelCard.make(try Self.inputs()))
        #expect(card.trial == 1 && card.trials == 2 && card.params == ["C": .double(2.5)])
        #expect(
            card.limitations.contains {
                $0.hasSuffix("; the CV score, the highest of 2 trials', is biased in its favour (it picked the trial).")
            })
        #expect(card.cv.mean == 0.875 && card.cv.std == 0.125 && card.cv.folds == 2)
        #expect(card.cv.scheme == "2-fold stratified, shuffled with seed 3")
        #expect(card.holdout == ModelCard.Holdout(rows: 2, score: 0.5, metrics: ["accuracy": 0.5]), "NaN is left out")
        #expect(card.nested == nil)
        #expect(card.cost == ModelCard.Cost(fitSeconds: 0.002, predictSecondsPer1000Rows: 0.0005, modelBytes: 2048))
        let data = try #require(card.data)
        #expect(data.rows == 8 && data.searchRows == 6 && data.holdoutRows == 2 && data.columns == 3)
        #expect(data.dropped == ["id"] && data.file == "data/train.csv" && data.sha256 == "abc")
        #expect(card.classes == ["no", "yes"] && card.target == "y" && card.task == "classification")
        #expect(card.classCounts == ["no": 3, "yes": 3] && !card.limitations.contains { $0.contains("imbalanced") })
        #expect(
            card.markdown.contains("classifying `y` into 2 classes (training rows: no 3, yes 3)"), "\(card.markdown)")
        #expect(card.trainedAt == "2026-12-03T12:13:20Z")
        #expect(card.sweep.trainedWith == "sweep 0.1.0 (commit 1234567)" && card.sweep.cardWrittenBy == "sweep 9.9.9")
        #expect(card.model.sha256 == "def" && card.model.name == "logistic_regression")
    }

    /// Categories as trained: blue is only in the held-out rows, so the model never saw it.
    @Test func categoricalColumnsListTheCategoriesTheModelWasTrainedWith() throws {
        let card = try #require(ModelCard.make(try Self.inputs()))
        let features = try #require(card.features)
        #expect(features.map(\.name) == ["x", "color"])
        #expect(features[0].kind == "numeric" && features[0].min == 0.1 && features[0].max == 0.9)
        #expect(features[1].kind == "categorical" && features[1].categories == ["green", "red"])
        #expect(features[1].missingRate.map { abs($0 - 1.0 / 6) < 1e-12 } == true)
        #expect(card.limitations.contains { $0.hasPrefix("A category not seen in training (in `color`)") })
        let markdown = card.markdown
        #expect(markdown.contains("| color | categorical | green, red | 16.7 % |"), "\(markdown)")
        #expect(markdown.contains("| x | numeric | 0.1 to 0.9 (mean 0.5) | 0 % |"), "\(markdown)")
    }

    @Test func markdownShowsTheScoresCostAndDataForPeople() throws {
        let markdown = try #require(ModelCard.make(try Self.inputs())).markdown
        #expect(markdown.hasPrefix("# Model card: cards\n\n`model.json`: `logistic_regression`, classifying `y` into"))
        #expect(markdown.contains("when the sweep ended, 2026-12-03 12:13:20 UTC; trained with sweep 0.1.0"))
        #expect(markdown.contains("| 2-fold CV of the chosen trial (maximize) | 0.875 | ± 0.125 | 6 |"), "\(markdown)")
        #expect(markdown.contains("| held-out rows, scored once by the refitted model | 0.5 | — | 2 |"), "\(markdown)")
        #expect(!markdown.contains("nested"))
        #expect(markdown.contains("fit 2 ms, predict 500 µs per 1,000 rows, model 2.05 KB"), "\(markdown)")
        #expect(markdown.contains("- 8 rows × 3 columns (2 features and the target): 6 searched by CV, 2 held out"))
        #expect(markdown.contains("- Not used: `id`"))
        #expect(markdown.contains("The 2 held-out rows, scored once, give an unbiased estimate"))
    }

    @Test func aNestedEstimateIsShownWhenTheRunHasOne() throws {
        let nested = ModelCard.Nested(mean: 0.8, std: 0.05, folds: [0.75, 0.85])
        let card = try #require(ModelCard.make(try Self.inputs(nested: nested)))
        #expect(card.nested == nested)
        #expect(card.markdown.contains("| nested CV over 2 outer folds | 0.8 | ± 0.05 | 6 |"), "\(card.markdown)")
        #expect(card.limitations.contains { $0.hasPrefix("Nested cross-validation estimates") })
    }

    /// A class with under half an even split's rows is said; a mild imbalance is not.
    @Test func aRareClassIsALimitation() {
        #expect(
            ModelCardUse.imbalanceLine(["a": 60, "b": 30, "c": 10], metric: "accuracy")
                == "The classes are imbalanced: `c` has 10 of 100 training rows (10 %); `accuracy` may look good while the model does poorly on it."
        )
        #expect(ModelCardUse.imbalanceLine(["a": 60, "b": 40], metric: "accuracy") == nil)
        #expect(ModelCardUse.imbalanceLine(["a": 5], metric: "accuracy") == nil)
    }

    /// A multi-objective sweep's card names the front's best and its other objectives' means.
    @Test func aMultiObjectiveCardGivesEveryObjective() throws {
        var inputs = try Self.inputs()
        inputs.summary = Self.summary(moreObjectives: [Objective(metric: "fit_seconds", goal: .minimize)])
        let card = try #require(ModelCard.make(inputs))
        #expect(card.trial == 1 && card.cv.metric == "accuracy")
        #expect(
            card.otherObjectives == [
                ModelCard.Score(
                    metric: "fit_seconds", goal: "minimize", mean: 0.002, std: 0, folds: 2, scheme: card.cv.scheme)
            ])
        #expect(
            card.intendedUse.contains { $0.hasPrefix("Chosen as the Pareto front's best on `accuracy` of 2 trials") })
        #expect(card.markdown.contains("\nThe other objectives, by the same CV: `fit_seconds` 0.002 ± 0 (minimize).\n"))
        #expect(try #require(ModelCard.make(try Self.inputs())).otherObjectives == nil)
    }

    /// best.json's `nested` object, as the nested-CV sweep writes it; none without one.
    @Test func theNestedEstimateIsReadFromBestJSON() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("card-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect(ModelCardFiles.nested(directory: directory.path) == nil)
        try #"{"trial": 1, "nested": {"mean": 0.8, "std": 0.05, "folds": [0.75, 0.85], "chosen": [{"C": 2}]}}"#.write(
            to: directory.appendingPathComponent("best.json"), atomically: true, encoding: .utf8)
        #expect(
            ModelCardFiles.nested(directory: directory.path)
                == ModelCard.Nested(mean: 0.8, std: 0.05, folds: [0.75, 0.85]))
    }

    @Test func noBestTrialMakesNoCard() throws {
        var inputs = try Self.inputs()
        inputs.summary = RunSummary(
            name: "cards", objective: Objective(metric: "accuracy", goal: .maximize), metricNames: ["accuracy"],
            folds: 2, trials: [], records: [:], wallSeconds: 1, state: .finished)
        #expect(ModelCard.make(inputs) == nil)
    }

    /// model-card.json reads back as the same card, with its schema's name and version; other
    /// files and newer versions are refused saying what they are.
    @Test func theJSONDecodesWithItsSchemaVersion() throws {
        let card = try #require(ModelCard.make(try Self.inputs()))
        let text = try card.json()
        #expect(text == (try card.json()), "the same card gives the same bytes")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(object["format"] as? String == "sweep-model-card" && object["version"] as? Int == 1)
        #expect((object["data"] as? [String: Any])?["search_rows"] as? Int == 6)
        #expect((object["cost"] as? [String: Any])?["predict_seconds_per_1000_rows"] as? Double == 0.0005)
        let decoded = try ModelCard.decode(Data(text.utf8), path: "model-card.json")
        #expect(decoded == card)
        var newer = object
        newer["version"] = 2
        let newerData = try JSONSerialization.data(withJSONObject: newer)
        #expect(throws: ModelCardError("card.json is a version 2 model card; this sweep reads versions 1 to 1")) {
            try ModelCard.decode(newerData, path: "card.json")
        }
        #expect(
            throws: ModelCardError("best.json is not a sweep model card (model-card.json from a run directory)")
        ) { try ModelCard.decode(Data(#"{"trial": 1}"#.utf8), path: "best.json") }
    }
}
