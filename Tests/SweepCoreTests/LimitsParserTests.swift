import Testing

@testable import SweepCore

/// `limits.max_lost` (issue 12 item 4): parsed beside max_attempts, validated, default 10.
struct LimitsParserTests {
    let base = """
        trainer: {model: noop}
        space: {score: {values: [1, 2]}}
        objective: {metric: score, goal: maximize}
        """

    @Test func maxLostDefaultsToTenAndIsRead() throws {
        #expect(try SpecParser.parse(base).limits.maxLost == 10)
        let spec = try SpecParser.parse(base + "\nlimits: {max_attempts: 2, max_lost: 4}")
        #expect(spec.limits.maxLost == 4 && spec.limits.maxAttempts == 2)
    }

    @Test func maxLostMustBeAPositiveInteger() {
        let found = specProblems(base + "\nlimits: {max_lost: 0}")
        #expect(found.contains("line 4: limits.max_lost: expected an integer ≥ 1, got 0"), "\(found)")
    }
}
