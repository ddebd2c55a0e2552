import SweepCore
import SweepML
import Testing

@testable import SweepReport

/// `ParameterImportance.fanova` over a run's finished trials: encoding, edge cases, the method.
@Suite struct SelectionStatisticsImportanceTests {
    static func random(_ count: Int, seed: UInt64) -> [Double] {
        var state = seed &+ 0x9E37_79B9_7F4A_7C15
        return (0..<count).map { _ in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Double(state >> 11) / Double(1 << 53)
        }
    }

    static let space = [
        Dimension(name: "x", kind: .uniform(0, 1)),
        Dimension(name: "y", kind: .logUniform(0.01, 1)),
        Dimension(name: "kind", kind: .values([.string("a"), .string("b")])),
        Dimension(name: "fixed", kind: .constant(.int(3))),
        Dimension(name: "one", kind: .values([.int(7)])),
    ]

    /// Score 2·x + (kind b: 2) + 0·y on every fold: kind explains about 3/4 of the variance, x 1/4.
    static func run(_ count: Int) -> RunSummary {
        let (xs, ys, ks) = (random(count, seed: 1), random(count, seed: 2), random(count, seed: 3))
        let params = (0..<count).map { i -> [String: ParamValue] in
            [
                "x": .double(xs[i]), "y": .double(0.01 + ys[i] * 0.99), "kind": .string(ks[i] < 0.5 ? "a" : "b"),
                "fixed": .int(3), "one": .int(7),
            ]
        }
        let scores = (0..<count).map { i in Array(repeating: 2 * xs[i] + (ks[i] < 0.5 ? 0 : 2), count: 2) }
        return statisticsRun(scores, params: params)
    }

    @Test func ranksByExplainedVarianceAndSaysHow() throws {
        let importance = try #require(ParameterImportance.fanova(Self.run(40), space: Self.space))
        #expect(importance.values.map(\.name) == ["kind", "x", "y", "one"], "\(importance.values)")
        #expect(importance.values[0].importance > 0.5 && importance.values[2].importance < 0.05, "\(importance.values)")
        #expect(abs(importance.values.map(\.importance).reduce(0, +) - 1) < 1e-9)
        #expect(importance.values.last?.importance == 0, "a single-valued parameter scores 0, as in optuna")
        #expect(importance.method.hasPrefix("fANOVA (Hutter et al. 2014) on a random-forest surrogate of 64 trees"))
        #expect(importance.method.contains("40 finished trials"))
        #expect(ParameterImportance.fanova(Self.run(40), space: Self.space, seed: 0) == importance, "deterministic")
    }

    /// A huge sweep's report fits the surrogate on a seeded sample, and says so.
    @Test func aHugeSweepIsSampledAndTheMethodSaysSo() throws {
        let count = ParameterImportance.mostFanovaTrials + 500
        let sample = ParameterImportance.sample(Array(0..<count), seed: 0)
        #expect(sample.count == ParameterImportance.mostFanovaTrials && sample == sample.sorted())
        #expect(Set(sample).count == sample.count && sample.last! > ParameterImportance.mostFanovaTrials)
        #expect(ParameterImportance.sample(Array(0..<count), seed: 0) == sample, "deterministic")
        #expect(ParameterImportance.sample(Array(0..<40), seed: 0) == Array(0..<40), "small sweeps whole")
        let importance = try #require(ParameterImportance.fanova(Self.run(count), space: Self.space))
        #expect(importance.method.contains("a seeded random sample of the \(count)"), "\(importance.method)")
        #expect(importance.values.map(\.name).prefix(2) == ["kind", "x"])
    }

    @Test func tooFewTrialsOrNothingToVaryGiveNil() {
        #expect(ParameterImportance.fanova(Self.run(3), space: Self.space) == nil)
        #expect(ParameterImportance.fanova(Self.run(10), space: [Self.space[3], Self.space[4]]) == nil)
        let flat = statisticsRun(Array(repeating: [0.5, 0.5], count: 6))
        #expect(ParameterImportance.fanova(flat, space: [Dimension(name: "x", kind: .int(0, 10))]) == nil)
    }

    /// With one parameter varying the forest is not fitted: its share is 1, as the forest says.
    @Test func oneVaryingParameterTakesItAllWithoutAForest() throws {
        let importance = try #require(
            ParameterImportance.fanova(Self.run(40), space: [Self.space[0], Self.space[3], Self.space[4]]))
        #expect(importance.values.map(\.name) == ["x", "one"] && importance.values.map(\.importance) == [1, 0])
        let xs = Self.random(40, seed: 1)
        let forest = try #require(
            Fanova.importances(
                x: Matrix(rows: 40, columns: 1, values: xs), y: xs.map { 2 * $0 }, bounds: [(0, 1)], groups: [[0]]))
        #expect(abs(forest[0] - 1) < 1e-12)
        // Nothing to split: every trial the same value, or every score the same.
        let same = statisticsRun(
            (0..<6).map { [Double($0), Double($0)] }, params: Array(repeating: ["x": .double(0.5)], count: 6))
        #expect(ParameterImportance.fanova(same, space: [Self.space[0]]) == nil)
    }

    @Test func categoricalOnlySpace() throws {
        let choices: [ParamValue] = [.string("p"), .string("q"), .string("r")]
        let params = (0..<12).map { i -> [String: ParamValue] in
            ["opt": choices[i % 3], "noise": .string(i % 2 == 0 ? "u" : "v")]
        }
        let scores = (0..<12).map { i in [[0.1, 0.5, 0.9][i % 3], [0.1, 0.5, 0.9][i % 3]] }
        let space = [
            Dimension(name: "opt", kind: .values(choices)),
            Dimension(name: "noise", kind: .values([.string("u"), .string("v")])),
        ]
        let importance = try #require(ParameterImportance.fanova(statisticsRun(scores, params: params), space: space))
        #expect(importance.values.map(\.name) == ["opt", "noise"])
        #expect(importance.values[0].importance > 0.95, "\(importance.values)")
    }

    @Test func conditionalParametersSomeTrialsLackAreLeftOut() throws {
        var space = Self.space
        let gamma = Condition(parent: "kind", values: [.string("b")])
        space.append(Dimension(name: "gamma", kind: .uniform(0, 1), condition: gamma))
        let run = Self.run(20)
        let params = run.trials.map { trial -> [String: ParamValue] in
            var values = Dictionary(uniqueKeysWithValues: trial.params.names.map { ($0, trial.params[$0]!) })
            if values["kind"] == .string("b") { values["gamma"] = .double(0.5) }
            return values
        }
        let scores = run.summaries.map(\.foldScores)
        let importance = try #require(ParameterImportance.fanova(statisticsRun(scores, params: params), space: space))
        #expect(!importance.values.map(\.name).contains("gamma"))
        #expect(importance.method.hasSuffix("; left out (set in only some trials): gamma"))
    }

    @Test func nanAndUnfinishedTrialsAreNotFitted() throws {
        var run = Self.run(12)
        let scores = run.summaries.map(\.foldScores) + [[.nan, 1]]
        let params = run.trials.map { trial in
            Dictionary(uniqueKeysWithValues: trial.params.names.map { ($0, trial.params[$0]!) })
        }
        run = statisticsRun(scores, params: params + [params[0]])
        let importance = try #require(ParameterImportance.fanova(run, space: Self.space))
        #expect(importance.method.contains("12 finished trials"))
    }
}
