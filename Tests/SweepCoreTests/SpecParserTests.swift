import SweepML
import Testing

@testable import SweepCore

struct SpecParserTests {
    static let example = """
        name: iris-logreg
        data: {path: datasets/iris.csv, target: target, task: classification}
        cv: {folds: 5, stratified: true, shuffle: true, seed: 0}
        trainer: {model: logistic_regression}
        search: {algorithm: grid}
        space:
          C: {values: [0.001, 0.01, 0.1, 1, 10, 100, 1000]}
        objective: {metric: accuracy, goal: maximize}
        limits: {task_timeout: 600s, max_attempts: 3}
        """

    func problems(_ text: String) -> [String] { specProblems(text) }

    @Test func parsesTheDocumentedExample() throws {
        let spec = try SpecParser.parse(Self.example)
        #expect(spec.name == "iris-logreg")
        #expect(spec.data?.path == "datasets/iris.csv")
        #expect(spec.data?.task == .classification)
        #expect(spec.cv.folds == 5 && spec.cv.stratified && spec.cv.shuffle && spec.cv.seed == 0)
        #expect(spec.trainer.model?.name == "logistic_regression" && !spec.trainer.isCommand)
        #expect(spec.search.algorithm == .grid)
        #expect(spec.space.count == 1)
        #expect(
            spec.space[0].kind
                == .values([.double(0.001), .double(0.01), .double(0.1), .int(1), .int(10), .int(100), .int(1000)]))
        #expect(spec.objective.metric == "accuracy" && spec.objective.goal == .maximize)
        #expect(spec.limits.taskTimeout == 600 && spec.limits.maxAttempts == 3)
        #expect(spec.metricNames == ["accuracy", "balanced_accuracy", "f1_macro", "log_loss"])
        #expect(spec.lines["data.path"] == 2)
    }

    @Test func parsesTheSameSpecWrittenAsJSON() throws {
        let json = """
            {"name": "j", "data": {"path": "d.csv", "target": "y", "task": "regression"},
             "cv": {"folds": 3, "stratified": false}, "trainer": {"model": "ridge"},
             "search": {"algorithm": "random", "trials": 4, "seed": 7},
             "space": {"alpha": {"loguniform": [0.001, 10]}}, "objective": {"metric": "rmse"}}
            """
        let spec = try SpecParser.parse(json)
        #expect(spec.data?.task == .regression)
        #expect(spec.search.trials == 4 && spec.search.seed == 7)
        #expect(spec.space[0].kind == .logUniform(0.001, 10))
        #expect(spec.objective.goal == .minimize, "rmse is minimised by default")
    }

    @Test func defaultsFollowTheTask() throws {
        let spec = try SpecParser.parse("data: {path: d.csv, target: y, task: regression}\ntrainer: {model: knn}")
        #expect(spec.cv.folds == 5 && !spec.cv.stratified && spec.cv.shuffle)
        #expect(spec.objective.metric == "rmse" && spec.objective.goal == .minimize)
        #expect(spec.limits.taskTimeout == 600 && spec.limits.maxAttempts == 3)
        #expect(spec.space.isEmpty)
        #expect(spec.name == "sweep")
    }

    @Test func scalarsAreConstantsAndQuotedNumbersStayStrings() throws {
        let spec = try SpecParser.parse(
            """
            trainer: {model: noop}
            space: {a: 3, b: 0.5, c: "7", d: true, e: text}
            """)
        let kinds = Dictionary(uniqueKeysWithValues: spec.space.map { ($0.name, $0.kind) })
        #expect(kinds["a"] == .constant(.int(3)))
        #expect(kinds["b"] == .constant(.double(0.5)))
        #expect(kinds["c"] == .constant(.string("7")))
        #expect(kinds["d"] == .constant(.bool(true)))
        #expect(kinds["e"] == .constant(.string("text")))
    }

    @Test func unknownKeysAreNamedWithTheirLineAndTheKeysThatWouldBeRight() {
        let found = problems(
            "trainer: {model: knn}\ndata: {path: a.csv, target: y, task: classification, sep: ';'}\nsearhc: {}")
        #expect(
            found.contains("line 2: data.sep: unknown key 'sep'; expected one of: path, target, task, drop, impute"))
        #expect(
            found.contains { $0.hasPrefix("line 3: searhc: unknown key 'searhc'; expected one of: name, data, cv") })
    }

    @Test func wrongTypesAreReported() {
        let found = problems(
            """
            trainer: {model: knn}
            data: {path: a.csv, target: y, task: classification}
            cv: {folds: 1.5, shuffle: yes please}
            limits: {task_timeout: soon, max_attempts: 0}
            """)
        #expect(found.contains("line 3: cv.folds: expected an integer ≥ 1, got the number 1.5"))
        #expect(found.contains("line 3: cv.shuffle: expected true or false, got 'yes please'"))
        #expect(
            found.contains(
                "line 4: limits.task_timeout: expected a positive duration like 600s, 10m, 2h or 250ms, got 'soon'"))
        #expect(found.contains("line 4: limits.max_attempts: expected an integer ≥ 1, got 0"))
    }

    @Test func rangesNeedLoBelowHi() {
        let found = problems(
            """
            trainer: {model: noop}
            search: {algorithm: random, trials: 5}
            space:
              a: {uniform: [2, 1]}
              b: {int: [3, 3]}
              c: {loguniform: [0, 1]}
              d: {uniform: [1]}
            """)
        #expect(found.contains("line 4: space.a.uniform: lo must be < hi, got [2, 1]"))
        #expect(found.contains("line 5: space.b.int: lo must be < hi, got [3, 3]"))
        #expect(found.contains("line 6: space.c.loguniform: loguniform needs 0 < lo < hi, got lo = 0"))
        #expect(found.contains("line 7: space.d.uniform: expected [lo, hi]"))
    }

    @Test func emptyGridsAndContinuousGridsAreRefused() {
        let found = problems(
            """
            trainer: {model: logistic_regression}
            data: {path: a.csv, target: y, task: classification}
            space:
              C: {values: []}
              tol: {uniform: [0.0001, 0.1]}
            """)
        #expect(
            found.contains(
                "line 4: space.C.values: expected a non-empty list of values (an empty list makes an empty grid)"))
        #expect(
            found.contains(
                "line 5: space.tol: grid search needs a finite list: use {values: [...]}, a step ({uniform: [0, 1], step: 0.1}) or search.algorithm: random"
            ))
    }

    @Test func parametersAreCheckedAgainstTheModel() {
        let found = problems(
            """
            trainer: {model: knn}
            data: {path: a.csv, target: y, task: classification}
            space:
              n_neighbors: 3
              k: {values: [1, 0]}
              weights: {values: [uniform, gaussian]}
            """)
        #expect(
            found.contains(
                "line 4: space.n_neighbors: 'knn' has no parameter 'n_neighbors'; its parameters: k, p, weights"))
        #expect(found.contains("line 5: space.k.values[1]: expected an integer ≥ 1, got 0"))
        #expect(found.contains("line 6: space.weights.values[1]: expected one of uniform, distance, got \"gaussian\""))
    }

    @Test func metricsMustFitTheTask() {
        let found = problems(
            """
            trainer: {model: knn}
            data: {path: a.csv, target: y, task: classification}
            objective: {metric: rmse}
            """)
        #expect(found.count == 1)
        #expect(
            found[0].hasPrefix(
                "line 3: objective.metric: 'rmse' is for regression; this sweep does classification; use one of: accuracy, balanced_accuracy, f1_macro, log_loss"
            ))
        #expect(
            problems(
                "trainer: {model: knn}\ndata: {path: a.csv, target: y, task: regression}\nobjective: {metric: auc}")
                == [
                    "line 3: objective.metric: 'auc' is unknown; use one of: rmse, mae, r2, fit_seconds, predict_seconds, model_bytes"
                ])
    }

    @Test func modelsMustFitTheTaskAndNeedData() {
        #expect(
            problems("trainer: {model: ridge}\ndata: {path: a.csv, target: y, task: classification}")
                .contains { $0.contains("trainer.model: 'ridge' does not do classification") })
        #expect(problems("trainer: {model: knn}").contains { $0.hasPrefix("data: required for model 'knn'") })
        #expect(
            problems("trainer: {model: xgboost}").contains {
                $0.hasPrefix("line 1: trainer.model: unknown model 'xgboost'; built-in models:")
            })
        #expect(
            problems("data: {path: a.csv, target: y, task: classification}").contains {
                $0.hasPrefix("trainer: missing")
            })
    }

    @Test func searchSettingsAreChecked() {
        #expect(
            problems("trainer: {model: noop}\nsearch: {algorithm: random}")
                == [
                    "line 2: search.trials: random search needs a budget: trials: 50, time_limit: 10m or stop_after_no_improvement: 20"
                ])
        #expect(
            problems("trainer: {model: noop}\nsearch: {algorithm: bayes}")
                == ["line 2: search.algorithm: 'bayes' is not one of: grid, random, sobol, tpe, nsga2"])
        #expect(problems("trainer: {model: noop}\nsearch: {trials: 3}").count == 1)
    }

    @Test func stratifiedRegressionIsRefused() {
        #expect(
            problems(
                "trainer: {model: ridge}\ndata: {path: a.csv, target: y, task: regression}\ncv: {stratified: true}")
                == [
                    "line 3: cv.stratified: stratified folds need class labels; data.task is regression (use stratified: false)"
                ])
    }

    @Test func brokenYAMLNamesItsLine() {
        let found = problems("trainer: {model: knn\ndata: [")
        #expect(found.count == 1)
        #expect(found[0].contains("not valid YAML or JSON"))
        #expect(found[0].hasPrefix("line "))
    }

    @Test func hugeGridsAreRefused() {
        let found = problems(
            """
            trainer: {model: noop}
            space: {a: {int: [0, 9999]}, b: {int: [0, 9999]}}
            """)
        #expect(found.contains { $0.contains("the grid has 100000000 combinations") })
    }

    @Test func durationsParseWithUnits() {
        #expect(parseDuration("600s") == 600)
        #expect(parseDuration("10m") == 600)
        #expect(parseDuration("1.5h") == 5400)
        #expect(parseDuration("250ms") == 0.25)
        #expect(parseDuration("90") == 90)
        #expect(parseDuration("soon") == nil)
    }
}
