import SweepML
import Testing

@testable import SweepCore

/// `cv.outer` in the spec: what it accepts, and each thing it refuses with the reason and what
/// would work.
struct NestedSpecTests {
    static func spec(cv: String = "{folds: 5, outer: 3}", search: String = "{algorithm: grid}", extra: String = "")
        -> String
    {
        """
        data: {path: d.csv, target: y, task: classification}
        cv: \(cv)
        trainer: {model: logistic_regression}
        search: \(search)
        space:
          C: {values: [0.1, 1]}
        objective: {metric: accuracy, goal: maximize}
        \(extra)
        """
    }

    @Test func outerFoldsMultiplyTheTasksButNotTheScoredFolds() throws {
        let spec = try SpecParser.parse(Self.spec())
        #expect(spec.cv.outer == 3 && spec.scoredFolds == 5 && spec.taskFolds == 20)
        #expect(spec.validationNote?.contains("5 inner folds in each of 3 outer folds") == true)
        let plain = try SpecParser.parse(Self.spec(cv: "{folds: 5}"))
        #expect(plain.cv.outer == nil && plain.scoredFolds == 5 && plain.taskFolds == 5 && plain.validationNote == nil)
        for algorithm in ["random", "sobol"] {
            #expect(specProblems(Self.spec(search: "{algorithm: \(algorithm), trials: 4}")) == [])
        }
    }

    @Test func anAdaptiveSearchIsRefusedBecauseItWouldSeeOuterTestRows() {
        let problems = specProblems(Self.spec(search: "{algorithm: tpe, trials: 10}"))
        #expect(problems.count == 1, "\(problems)")
        #expect(problems.first?.contains("search.algorithm: tpe adapts its suggestions") == true, "\(problems)")
        #expect(
            problems.first?.contains("outer fold's test rows") == true
                && problems.first?.contains("Use grid, random or sobol") == true)
    }

    @Test func scoreDrivenStoppingIsRefused() {
        let racing = specProblems(Self.spec(extra: "early_stopping: racing"))
        #expect(
            racing.count == 1 && racing[0].contains("early_stopping: racing stops trials by their scores"), "\(racing)")
        let patience = specProblems(Self.spec(search: "{algorithm: random, trials: 9, stop_after_no_improvement: 3}"))
        #expect(patience.count == 1 && patience[0].contains("search.stop_after_no_improvement"), "\(patience)")
        let target = specProblems(
            Self.spec().replacingOccurrences(of: "goal: maximize}", with: "goal: maximize, target: 0.9}"))
        #expect(target.count == 1 && target[0].contains("objective.target"), "\(target)")
    }

    @Test func whatNestedCVCannotDoHonestlyIsRefusedWithTheFieldToChange() {
        let cases: [(String, String)] = [
            (
                "{folds: 5, outer: 3, test_size: 0.2}",
                "cv.test_size: nested CV (cv.outer) does not combine with a holdout share"
            ),
            (
                "{folds: 5, outer: 3, repeats: 2}",
                "cv.repeats: nested CV (cv.outer) does not combine with repeated folds"
            ),
            (
                "{folds: 5, outer: 3, time_series: true}",
                "cv.time_series: nested CV (cv.outer) does not combine with a time-series split: outer folds that keep time order are not supported yet"
            ),
            (
                "{folds: 5, outer: 3, group: g}",
                "cv.group: nested CV (cv.outer) does not combine with group folds: outer folds that keep whole groups are not supported yet"
            ),
            (
                "{folds: 1, outer: 3}",
                "cv.folds: nested CV needs an inner CV of at least 2 folds, e.g. cv: {folds: 5, outer: 3}"
            ),
            ("{folds: 5, outer: 1}", "cv.outer: expected an integer ≥ 2, got 1"),
            ("{folds: 5, outer: many}", "cv.outer: expected an integer ≥ 2"),
        ]
        for (cv, expected) in cases {
            let problems = specProblems(Self.spec(cv: cv))
            #expect(problems.count == 1 && problems[0].contains(expected), "\(cv): \(problems)")
        }
    }

    @Test func aCommandTrainerOrNoDataIsRefused() {
        let command = specProblems(
            """
            data: {path: d.csv, target: y, task: classification}
            cv: {folds: 3, outer: 2}
            trainer: {command: [python3, train.py]}
            search: {algorithm: grid}
            space:
              lr: {values: [0.1, 1]}
            objective: {metric: score, goal: maximize}
            """)
        #expect(command.count == 1 && command[0].contains("needs a built-in model (trainer.model)"), "\(command)")
        let noData = specProblems(
            """
            cv: {folds: 3, outer: 2}
            trainer: {command: [python3, train.py]}
            search: {algorithm: grid}
            space:
              lr: {values: [0.1, 1]}
            objective: {metric: score, goal: maximize}
            """)
        #expect(noData.contains { $0.contains("the sweep has no data") }, "\(noData)")
    }

    /// An absurd outer count is a problem the loader names (too few rows, the wire's limit), not a crash.
    @Test func anAbsurdOuterCountDoesNotOverflow() throws {
        let spec = try SpecParser.parse(Self.spec(cv: "{folds: 5, outer: \(Int.max)}"))
        #expect(spec.taskFolds == Int.max && spec.scoredFolds == 5)
        #expect(spec.cv.smallestOuterTrain(rows: 150) == 0 && spec.cv.nestedRowProblem(rows: 150) != nil)
    }

    @Test func severalObjectivesOrConstraintsAreRefused() {
        let constrained = specProblems(Self.spec(extra: "constraints:\n  - {metric: fit_seconds, max: 1}"))
        #expect(
            constrained.count == 1 && constrained[0].contains("remove the constraints or cv.outer"), "\(constrained)")
    }
}
