import SweepML
import Testing

@testable import SweepCore

/// `search:`, `space.*.when` and `early_stopping:` as users write them, and every mistake named.
struct SearchSpecTests {
    func problems(_ text: String) -> [String] { specProblems(text) }

    let gbm = "data: {path: d.csv, target: y, task: classification}\ntrainer: {model: gradient_boosting}\n"

    @Test func parsesTPEWithBudgetsConditionsAndASHA() throws {
        let spec = try SpecParser.parse(
            gbm + """
                search:
                  algorithm: tpe
                  trials: 40
                  seed: 3
                  time_limit: 10m
                  stop_after_no_improvement: 15
                  tpe: {n_startup_trials: 5, multivariate: false}
                space:
                  learning_rate: {loguniform: [0.01, 0.5]}
                  early_stopping: {values: [true, false]}
                  max_leaf_nodes: {int: [4, 48], when: {early_stopping: true}}
                early_stopping: {rule: asha, resource: iterations, min_resource: 3, max_resource: 81}
                """)
        #expect(spec.search.algorithm == .tpe && spec.search.trials == 40 && spec.search.seed == 3)
        #expect(spec.search.timeLimit == 600 && spec.search.stopAfterNoImprovement == 15)
        #expect(
            spec.search.tpe.startupTrials == 5 && spec.search.tpe.multivariate == false
                && spec.search.tpe.candidates == nil)
        #expect(
            spec.space.first { $0.name == "max_leaf_nodes" }?.condition
                == Condition(parent: "early_stopping", values: [.bool(true)]))
        var asha = ASHAOptions(maxResource: 81)
        asha.resource = "iterations"
        asha.minResource = 3
        #expect(spec.earlyStopping == .asha(asha))
    }

    @Test func racingIsAScalarOrAMapping() throws {
        let short = try SpecParser.parse("trainer: {model: noop}\ncv: {folds: 10}\nearly_stopping: racing\n")
        #expect(short.earlyStopping == .racing(RacingOptions()))
        let long = try SpecParser.parse(
            "trainer: {model: noop}\ncv: {folds: 10}\nearly_stopping: {rule: racing, min_folds: 4, alpha: 0.01, test: wilcoxon}\n"
        )
        var options = RacingOptions()
        options.minFolds = 4
        options.alpha = 0.01
        options.test = .wilcoxon
        #expect(long.earlyStopping == .racing(options))
    }

    @Test func mistakesAreNamedWithWhatWouldBeRight() {
        #expect(
            problems("trainer: {model: noop}\nsearch: {algorithm: sobol}")
                == [
                    "line 2: search.trials: sobol search needs a budget: trials: 50, time_limit: 10m or stop_after_no_improvement: 20"
                ])
        #expect(
            problems("trainer: {model: noop}\nsearch: {algorithm: random, trials: 5, tpe: {multivariate: true}}")
                == ["line 2: search.tpe: tpe settings apply only to algorithm: tpe"])
        #expect(
            problems("trainer: {model: noop}\nsearch: {algorithm: tpe, trials: 5, tpe: {n_candidates: 3}}").first?
                .contains("'n_candidates'") == true)
        #expect(
            problems("trainer: {model: noop}\nsearch: {algorithm: tpe, time_limit: soon}").first?.contains(
                "expected a positive duration") == true)
        // Conditions: an unknown parent, a value the parent never takes, a continuous parent, a cycle.
        let space = "trainer: {model: noop}\nsearch: {algorithm: random, trials: 5}\nspace:\n"
        #expect(
            problems(space + "  a: {uniform: [0, 1], when: {kernel: rbf}}").first?.contains(
                "'kernel' is not another parameter of the space") == true)
        #expect(
            problems(space + "  k: {values: [rbf, linear]}\n  a: {uniform: [0, 1], when: {k: poly}}").first?.contains(
                "'k' never takes \"poly\"; its values: \"rbf\", \"linear\"") == true)
        #expect(
            problems(space + "  k: {uniform: [0, 1]}\n  a: {uniform: [0, 1], when: {k: 1}}").first?.contains(
                "'k' is continuous") == true)
        #expect(
            problems(space + "  a: {values: [1, 2], when: {b: 1}}\n  b: {values: [1, 2], when: {a: 1}}").contains {
                $0.contains("cycle")
            })
        #expect(
            problems(space + "  a: {uniform: [0, 1], when: kernel}").first?.contains("expected {PARAMETER: VALUE}")
                == true)
        // Early stopping.
        #expect(
            problems(
                "trainer: {model: knn}\ndata: {path: d.csv, target: y, task: classification}\nearly_stopping: {rule: asha, max_resource: 9}"
            )
            .first?.contains("asha needs intermediate results, and 'knn' reports none") == true)
        #expect(problems(gbm + "early_stopping: {rule: asha}").first?.contains("asha needs max_resource") == true)
        #expect(
            problems(gbm + "early_stopping: {rule: asha, max_resource: 9, min_resource: 9}").first?.contains(
                "must be below max_resource (9)") == true)
        #expect(
            problems(gbm + "early_stopping: {rule: asha, max_resource: 9, alpha: 0.1}").first?.contains(
                "'alpha' is not a setting of asha") == true)
        #expect(
            problems("trainer: {model: noop}\ncv: {folds: 3}\nearly_stopping: racing")
                == [
                    "line 3: early_stopping.min_folds: racing needs more folds than min_folds (3); the sweep has 3 per trial: raise cv.folds or lower min_folds"
                ])
        #expect(
            problems("trainer: {model: noop}\nearly_stopping: {rule: hyperband}").first?.contains(
                "expected asha, median or racing") == true)
        #expect(
            problems("trainer: {model: noop}\ncv: {folds: 10}\nearly_stopping: {rule: racing, alpha: 2}").first?
                .contains("expected a significance level in (0, 1)") == true)
    }
}
