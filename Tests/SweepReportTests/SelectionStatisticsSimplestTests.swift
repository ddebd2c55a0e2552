import SweepCore
import Testing

@testable import SweepReport

/// The simplest trial within one standard error of the best, where the space gives an order.
@Suite struct SelectionStatisticsSimplestTests {
    static let space = [
        Dimension(name: "C", kind: .logUniform(0.001, 100), simpler: .low),
        Dimension(name: "max_depth", kind: .int(1, 12), simpler: .low),
        Dimension(name: "kernel", kind: .values([.string("rbf"), .string("linear")])),
    ]

    /// Best 0.85 with SE 0.05/√3 ≈ 0.029: trials 1 and 2 within, 3 far behind.
    static let run = statisticsRun(
        [[0.80, 0.90, 0.85], [0.79, 0.89, 0.84], [0.785, 0.885, 0.835], [0.70, 0.70, 0.70]],
        params: [
            ["C": .double(10), "max_depth": .int(5), "kernel": .string("rbf")],
            ["C": .double(0.1), "max_depth": .int(8), "kernel": .string("rbf")],
            ["C": .double(0.1), "max_depth": .int(3), "kernel": .string("linear")],
            ["C": .double(0.01), "max_depth": .int(2), "kernel": .string("rbf")],
        ])

    @Test func simplestIsLowestOnTheFirstOrderedParameterTiesByTheNext() throws {
        let stats = try #require(SelectionStatistics.compute(Self.run, space: Self.space))
        #expect(stats.withinOneStandardError == [0, 1, 2])
        #expect(stats.simplest == 2)
        #expect(stats.simplestReason == "lowest C (0.1), then lowest max_depth (3)")
        #expect(stats.comparisons.map(\.withinOneStandardError) == [true, true, false])
    }

    @Test func sentencesSayItInWords() throws {
        let stats = try #require(SelectionStatistics.compute(Self.run, space: Self.space, runnersUp: 2))
        #expect(
            stats.sentences == [
                "Trial 0 vs trial 1: 0.01 better on average over 3 shared folds; the same margin on every fold (paired t-test: no spread, p = 0).",
                "Trial 0 vs trial 2: 0.015 better on average over 3 shared folds; the same margin on every fold (paired t-test: no spread, p = 0).",
                "Folds share most of their training rows, so these p-values are optimistic (Nadeau & Bengio 2003): read a small one as a hint, not a proof.",
                "Trials 1, 2 are within one standard error (0.02887) of the best; the simplest of them is trial 2 (lowest C (0.1), then lowest max_depth (3)).",
            ])
        let tested = try #require(
            SelectionStatistics.compute(statisticsRun([[0.9, 0.8, 0.7], [0.5, 0.6, 0.4]]), space: []))
        #expect(
            tested.sentences == [
                "Trial 0 vs trial 1: 0.3 better on average over 3 shared folds; paired t-test t = 5.196, p = 0.0351.",
                "Folds share most of their training rows, so these p-values are optimistic (Nadeau & Bengio 2003): read a small one as a hint, not a proof.",
                "No other trial is within one standard error (0.05774) of the best.",
            ])
    }

    @Test func highEndAndASingleDeciderReadAsOneReason() throws {
        var space = Self.space
        space[0].simpler = .high
        let stats = try #require(SelectionStatistics.compute(Self.run, space: space))
        #expect(stats.simplest == 0 && stats.simplestReason == "highest C (10)")
    }

    @Test func noOrderNoSimplest() throws {
        let unordered = Self.space.map { dimension -> Dimension in
            var plain = dimension
            plain.simpler = nil
            return plain
        }
        let stats = try #require(SelectionStatistics.compute(Self.run, space: unordered))
        #expect(stats.withinOneStandardError == [0, 1, 2] && stats.simplest == nil && stats.simplestReason == nil)
    }

    @Test func aMissingConditionalValueCountsAsLeastSimple() throws {
        let run = statisticsRun(
            [[0.80, 0.90, 0.85], [0.79, 0.89, 0.84]],
            params: [["max_depth": .int(5)], ["C": .double(0.1), "max_depth": .int(8)]])
        let stats = try #require(SelectionStatistics.compute(run, space: Self.space))
        #expect(stats.simplest == 1 && stats.simplestReason == "lowest C (0.1)")
    }

    @Test func onlyTheBestWithinHasNoSimplest() throws {
        let run = statisticsRun(
            [[0.80, 0.81, 0.80], [0.5, 0.5, 0.6]], params: [["C": .double(10)], ["C": .double(0.1)]])
        let stats = try #require(SelectionStatistics.compute(run, space: Self.space))
        #expect(stats.withinOneStandardError == [0] && stats.simplest == nil)
    }
}
