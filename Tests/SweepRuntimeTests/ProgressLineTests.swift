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
}
