import Testing

@testable import SweepCore
@testable import SweepRuntime

/// The progress line says when workers are paused after failures (issue 12 item 10).
struct ProgressLineTests {
    @Test func pausedWorkersAreSaid() throws {
        let spec = try SpecParser.parse(
            """
            trainer: {model: noop}
            space: {score: {values: [1, 2]}}
            objective: {metric: score, goal: maximize}
            """)
        let line = ProgressLine(spec: spec, trials: 2)
        #expect(!line.text(running: 1, workers: 2, elapsed: 3).contains("paused"))
        #expect(
            line.text(running: 1, workers: 2, elapsed: 3, paused: 1).contains(
                "· 1 running · 2 workers (1 paused after failures) ·"))
    }

    /// The best so far is feasible; a multi-objective sweep shows its front's size.
    @Test func theBestSoFarMeetsTheConstraintsAndTheFrontIsCounted() throws {
        let spec = try SpecParser.parse(
            """
            trainer: {command: [run, "{x}"]}
            space: {x: {uniform: [0, 1]}}
            search: {algorithm: random, trials: 3}
            cv: {folds: 2}
            objectives: [{metric: accuracy, goal: maximize}, {metric: seconds, goal: minimize}]
            constraints: [{metric: ms, max: 10}]
            """)
        var line = ProgressLine(spec: spec, trials: 3)
        for (trial, accuracy, seconds, ms) in [(0, 0.8, 2.0, 5.0), (1, 0.99, 1.0, 50.0), (2, 0.7, 1.0, 5.0)] {
            for fold in 0..<2 {
                line.add(
                    TaskRecord(
                        task: TaskID(trial: trial, fold: fold), status: .ok, worker: "w", host: "h", attempt: 1,
                        duration: 1, metrics: ["accuracy": accuracy, "seconds": seconds, "ms": ms], error: nil))
            }
        }
        let text = line.text(running: 0, workers: 1, elapsed: 1)
        #expect(text.contains("· pareto front of 2 · best accuracy 0.8 (trial 0)"), "\(text)")
        // A trial equal to one on the front is on it too, as in best.json and report.md.
        for fold in 0..<2 {
            line.add(
                TaskRecord(
                    task: TaskID(trial: 3, fold: fold), status: .ok, worker: "w", host: "h", attempt: 1,
                    duration: 1, metrics: ["accuracy": 0.8, "seconds": 2.0, "ms": 5.0], error: nil))
        }
        let equal = line.text(running: 0, workers: 1, elapsed: 1)
        #expect(equal.contains("· pareto front of 3 ·"), "\(equal)")
    }
}
