import Testing

@testable import SweepCore
@testable import SweepRuntime

/// With nested CV the progress line counts every task toward the total, but a trial's score
/// (the best so far) comes from its scored folds alone.
struct NestedProgressTests {
    @Test func theBestSoFarIgnoresNestedTasksWhichStillCount() throws {
        let spec = try SpecParser.parse(
            """
            data: {path: d.csv, target: y, task: classification}
            cv: {folds: 2, outer: 2}
            trainer: {model: logistic_regression}
            space: {C: {values: [0.1, 1]}}
            objective: {metric: accuracy, goal: maximize}
            """)
        var line = ProgressLine(spec: spec, trials: 2)
        #expect(line.total == 12, "2 trials × (1 + 2 outer) × 2 folds")
        // Trial 0 is better on its scored folds; its nested tasks score far lower, one fails.
        for (trial, scored, nested) in [(0, 0.9, 0.1), (1, 0.8, 0.99)] {
            for fold in 0..<6 {
                let failed = trial == 0 && fold == 5
                line.add(
                    TaskRecord(
                        task: TaskID(trial: trial, fold: fold), status: failed ? .failed : .ok, worker: "w",
                        host: "h", attempt: 1, duration: 1,
                        metrics: failed ? [:] : ["accuracy": fold < 2 ? scored : nested],
                        error: nil))
            }
        }
        #expect(line.best?.trial == 0 && line.best?.mean == 0.9)
        #expect(line.succeeded == 11 && line.failed == 1)
    }
}
