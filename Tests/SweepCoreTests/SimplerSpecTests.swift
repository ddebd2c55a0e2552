import SweepML
import Testing

@testable import SweepCore

/// `simpler: low | high` on numeric dimensions, and the built-in models' textbook defaults.
@Suite struct SimplerSpecTests {
    static func spec(_ space: String, trainer: String = "{command: [python3, train.py]}") -> String {
        """
        trainer: \(trainer)
        data: {path: a.csv, target: y, task: classification}
        search: {algorithm: random, trials: 10}
        space:
        \(space)
        objective: {metric: accuracy, goal: maximize}
        """
    }

    @Test func parsesLowAndHighOnNumericDimensions() throws {
        let spec = try SpecParser.parse(
            Self.spec(
                """
                  max_depth: {int: [1, 12], simpler: low}
                  k: {values: [1, 5, 15], simpler: high}
                  lr: {loguniform: [0.001, 1], simpler: low}
                  width: {int: [16, 256], step: 16, simpler: high}
                  kernel: {values: [rbf, linear]}
                """), models: BuiltinModels.catalog)
        #expect(spec.space.map(\.simpler) == [.low, .high, .low, .high, nil])
        #expect(spec.space[3].step == 16)
    }

    @Test func builtInModelsSayWhichEndIsSimpler() throws {
        let spec = try SpecParser.parse(
            Self.spec(
                """
                  C: {loguniform: [0.01, 100]}
                  max_iter: {int: [50, 200]}
                """, trainer: "{model: logistic_regression}"), models: BuiltinModels.catalog)
        #expect(spec.space.map(\.simpler) == [.low, nil])
        let overridden = try SpecParser.parse(
            Self.spec("  C: {loguniform: [0.01, 100], simpler: high}", trainer: "{model: logistic_regression}"),
            models: BuiltinModels.catalog)
        #expect(overridden.space[0].simpler == .high)
        let knn = try SpecParser.parse(
            Self.spec("  k: {int: [1, 30]}", trainer: "{model: knn}"), models: BuiltinModels.catalog)
        #expect(knn.space[0].simpler == .high)
        let forest = try SpecParser.parse(
            Self.spec(
                """
                  max_depth: {values: [2, 4, 8]}
                  min_samples_leaf: {int: [1, 10]}
                  n_estimators: {int: [10, 200]}
                  criterion: {values: [gini, entropy]}
                """, trainer: "{model: random_forest}"), models: BuiltinModels.catalog)
        #expect(forest.space.map(\.simpler) == [.low, .high, .low, nil])
    }

    @Test func badSimplerNamesTheLineAndWhatIsAllowed() {
        #expect(
            specProblems(Self.spec("  depth: {int: [1, 12], simpler: smaller}")) == [
                "line 5: space.depth.simpler: expected low or high (the end of the range that gives the simpler model, e.g. max_depth: {int: [1, 12], simpler: low}), got 'smaller'"
            ])
        #expect(
            specProblems(Self.spec("  kernel: {values: [rbf, linear], simpler: low}")) == [
                "line 5: space.kernel.simpler: simpler applies to numeric dimensions only ({int: [lo, hi]}, {uniform: [lo, hi]}, {loguniform: [lo, hi]} or {values: [...]} of numbers)"
            ])
        #expect(
            specProblems(Self.spec("  depth: {int: [1, 12], simpler: [low]}")).first?.hasPrefix(
                "line 5: space.depth.simpler: expected low or high") == true)
    }
}
