import SweepML
import Testing

@testable import SweepCore

/// `objectives:` and `constraints:`: what parses, and every mistake with its line.
struct ObjectivesSpecTests {
    func problems(_ text: String) -> [String] { specProblems(text) }

    static let builtin = """
        data: {path: d.csv, target: y, task: classification}
        trainer: {model: gradient_boosting}
        search: {algorithm: random, trials: 10}
        space: {learning_rate: {loguniform: [0.01, 0.3]}}

        """

    @Test func parsesObjectivesAndConstraints() throws {
        let spec = try SpecParser.parse(
            Self.builtin + """
                objectives: [{metric: accuracy, goal: maximize}, {metric: fit_seconds}]
                constraints: [{metric: model_bytes, max: 100000}, {metric: accuracy, min: 0.9, max: 1}]
                """)
        #expect(spec.isMultiObjective)
        #expect(
            spec.objectives == [
                Objective(metric: "accuracy", goal: .maximize), .init(metric: "fit_seconds", goal: .minimize),
            ])
        #expect(
            spec.constraints == [
                Constraint(metric: "model_bytes", max: 100000), .init(metric: "accuracy", min: 0.9, max: 1),
            ])
        #expect(spec.searchedMetrics == ["accuracy", "fit_seconds", "model_bytes", "accuracy"])
        #expect(Array(spec.metricNames.prefix(3)) == ["accuracy", "fit_seconds", "model_bytes"])
        #expect(spec.lines["objectives"] == 5 && spec.lines["constraints[1].min"] == 6)
    }

    @Test func aSingleObjectiveSweepMayHaveConstraints() throws {
        let spec = try SpecParser.parse(
            """
            trainer: {command: [run, "{x}"]}
            space: {x: {uniform: [0, 1]}}
            search: {algorithm: random, trials: 4}
            objective: {metric: loss, goal: minimize}
            constraints:
              - {metric: latency_ms, max: 10}
            """)
        #expect(!spec.isMultiObjective)
        #expect(spec.constraints == [Constraint(metric: "latency_ms", max: 10)])
        #expect(spec.metricNames == ["loss", "latency_ms"])
    }

    @Test func objectiveAndObjectivesExcludeEachOther() {
        #expect(
            problems(
                Self.builtin + """
                    objective: {metric: accuracy}
                    objectives: [{metric: accuracy}, {metric: fit_seconds}]
                    """)
                == [
                    "line 5: objective: give either objective: (one metric) or objectives: (2 or 3, traded off), not both"
                ])
    }

    @Test func twoOrThreeDistinctObjectives() {
        let one = problems(Self.builtin + "objectives: [{metric: accuracy}]")
        #expect(one.count == 1 && one[0].hasPrefix("line 5: objectives: expected a list of 2 or 3 objectives"))
        #expect(one[0].hasSuffix("got 1; for one metric write objective: {metric: …}"))
        let four = problems(
            Self.builtin
                + "objectives: [{metric: accuracy}, {metric: f1_macro}, {metric: log_loss}, {metric: fit_seconds}]")
        #expect(four.count == 1 && four[0].hasSuffix("got 4"))
        #expect(
            problems(Self.builtin + "objectives: [{metric: accuracy}, {metric: accuracy, goal: minimize}]")
                == [
                    "line 5: objectives[1].metric: 'accuracy' is already objectives[0]; each objective needs its own metric"
                ])
    }

    @Test func aBuiltinModelMustReportEachMetric() {
        let wrong = problems(Self.builtin + "objectives: [{metric: accuracy}, {metric: fit_secnds}]")
        #expect(wrong.count == 1)
        #expect(
            wrong[0].hasPrefix(
                "line 5: objectives[1].metric: 'fit_secnds' is not a metric model 'gradient_boosting' reports; use one of: accuracy,"
            ))
        #expect(wrong[0].hasSuffix("; did you mean 'fit_seconds'?"))
        let regression = problems(Self.builtin + "objectives: [{metric: accuracy}, {metric: rmse}]")
        #expect(
            regression.first?.hasPrefix(
                "line 5: objectives[1].metric: 'rmse' is for regression; this sweep does classification") == true)
        let constraint = problems(
            Self.builtin + "objective: {metric: accuracy}\nconstraints: [{metric: latency_ms, max: 10}]")
        #expect(
            constraint.count == 1
                && constraint[0].hasPrefix(
                    "line 6: constraints[0].metric: 'latency_ms' is not a metric model 'gradient_boosting' reports")
        )
    }

    @Test func aCommandNamesTheGoalOfAMetricSweepDoesNotKnow() {
        let text = """
            trainer: {command: [run]}
            space: {x: 1}
            objectives: [{metric: val_loss, goal: minimize}, {metric: latency}]
            """
        #expect(
            problems(text) == [
                "line 3: objectives[1].goal: 'latency' is not a metric Sweep knows; say whether to maximize or minimize it"
            ])
    }

    @Test func aTargetIsForOneObjective() {
        let found = problems(Self.builtin + "objectives: [{metric: accuracy, target: 0.99}, {metric: fit_seconds}]")
        #expect(
            found.count == 1
                && found[0].hasPrefix("line 5: objectives[0].target: a target stops a single-objective search"))
    }

    @Test func constraintsNeedABoundAndAConsistentOne() {
        let command = """
            trainer: {command: [run]}
            space: {x: 1}
            objective: {metric: loss, goal: minimize}

            """
        #expect(
            problems(command + "constraints: [{metric: latency_ms}]")
                == ["line 4: constraints[0]: give min, max or both: the bounds 'latency_ms' must stay within"])
        #expect(
            problems(command + "constraints: [{metric: latency_ms, min: 5, max: 1}]")
                == ["line 4: constraints[0].min: min (5) is above max (1): no trial could be feasible"])
        #expect(
            problems(command + "constraints: [{metric: latency_ms, max: fast}]")
                == ["line 4: constraints[0].max: expected a finite number, got 'fast'"])
        #expect(
            problems(command + "constraints: {metric: x, max: 1}").first?.hasPrefix(
                "line 4: constraints: expected a list of bounds") == true)
        #expect(
            problems(command + "constraints: [{metric: x, maxx: 1}]").first
                == "line 4: constraints[0].maxx: unknown key 'maxx'; expected one of: metric, min, max; did you mean 'max'?"
        )
    }

    @Test func earlyStoppingRefusesSeveralObjectives() {
        let found = problems(
            """
            data: {path: d.csv, target: y, task: classification}
            trainer: {model: gradient_boosting}
            search: {algorithm: random, trials: 10}
            space: {learning_rate: {loguniform: [0.01, 0.3]}}
            objectives: [{metric: accuracy}, {metric: fit_seconds}]
            early_stopping: racing
            """)
        #expect(
            found.count == 1
                && found[0].hasPrefix("line 6: early_stopping: racing stops trials that look worse on one objective"))
    }

    @Test func aWarmStartRefusesSeveralObjectivesAndConstraints() {
        let found = problems(
            """
            trainer: {command: [run, "{x}"]}
            space: {x: {uniform: [0, 1]}}
            search: {algorithm: random, trials: 4, warm_start: [runs/earlier]}
            objective: {metric: loss, goal: minimize}
            constraints: [{metric: ms, max: 10}]
            """)
        #expect(
            found == [
                "line 3: search.warm_start: a warm start passes on each earlier trial's first objective only, not the constrained metrics: remove warm_start, or use it with a single unconstrained objective"
            ])
    }
}
