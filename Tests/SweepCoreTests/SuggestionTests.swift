import SweepML
import Testing

@testable import SweepCore

/// "Did you mean …?": offered for a close misspelling of a name the spec could have used, and
/// only then; the problem keeps its field and line.
struct SuggestionTests {
    func problems(_ text: String) -> [String] { specProblems(text) }

    @Test func theClosestNameIsOfferedOnlyWhenClose() {
        let algorithms = SearchAlgorithm.allCases.map(\.rawValue)
        #expect(Suggestion.closest(to: "grdi", among: algorithms) == "grid", "a swap of two letters")
        #expect(Suggestion.closest(to: "radnom", among: algorithms) == "random")
        #expect(Suggestion.closest(to: "bayes", among: algorithms) == nil, "not a spelling of any")
        #expect(Suggestion.closest(to: "c", among: ["C", "penalty"]) == "C", "case alone")
        #expect(
            Suggestion.closest(to: "x", among: ["k", "p", "weights"]) == nil, "one letter is never turned into another")
        #expect(Suggestion.closest(to: "kn", among: ["knn", "ridge"]) == "knn")
        #expect(
            Suggestion.closest(to: "n_candidates", among: SpecParser.tpeKeys) == "n_ei_candidates",
            "longer names allow more edits")
        #expect(Suggestion.closest(to: "grid", among: algorithms) == nil, "a correct name needs no suggestion")
        #expect(Suggestion.editDistance(Array("kitten"), Array("sitting")) == 3)
    }

    @Test func misspeltNamesGetTheNameTheyMeant() {
        #expect(
            problems("data: {path: d.csv, target: y, task: classification}\ntrainer: {model: logistic_regresion}") == [
                "line 2: trainer.model: unknown model 'logistic_regresion'; built-in models: \(BuiltinModels.catalog.names.joined(separator: ", "))"
                    + "; did you mean 'logistic_regression'?"
            ])
        #expect(
            problems("trainer: {model: noop}\nsearch: {algorithm: grdi}")
                == [
                    "line 2: search.algorithm: 'grdi' is not one of: grid, random, sobol, tpe, nsga2; did you mean 'grid'?"
                ])
        #expect(
            problems(
                "data: {path: d.csv, target: y, task: classification}\ntrainer: {model: knn}\nobjective: {metric: acuracy}"
            )
                == [
                    "line 3: objective.metric: 'acuracy' is unknown; use one of: \(MetricInfo.names(for: .classification).joined(separator: ", "))"
                        + "; did you mean 'accuracy'?"
                ])
        #expect(
            problems("trainer: {model: noop}\nobjetive: {metric: score}").first?
                .hasSuffix("; did you mean 'objective'?") == true)
        #expect(
            problems("trainer: {model: noop}\nobjective: {metric: score, goal: maximise}")
                == ["line 2: objective.goal: 'maximise' is not one of: maximize, minimize; did you mean 'maximize'?"])
        #expect(
            problems("trainer: {model: noop}\ncv: {fold: 3}")
                == [
                    "line 2: cv.fold: unknown key 'fold'; expected one of: folds, stratified, shuffle, seed, repeats, group, time_series, test_size, outer; did you mean 'folds'?"
                ])
    }

    @Test func misspeltParametersAndTheirValuesGetTheNameTheyMeant() {
        let data = "data: {path: d.csv, target: y, task: classification}\n"
        #expect(
            problems(data + "trainer: {model: logistic_regression}\nspace: {max_iters: 200}")
                == [
                    "line 3: space.max_iters: 'logistic_regression' has no parameter 'max_iters'; its parameters: C, class_weight, max_iter, penalty, tol; did you mean 'max_iter'?"
                ])
        #expect(
            problems(data + "trainer: {model: logistic_regression}\nspace: {c: 1}").first?.hasSuffix(
                "did you mean 'C'?") == true)
        #expect(
            problems(data + "trainer: {model: knn}\nspace: {weights: {values: [uniform, distnace]}}")
                == [
                    "line 3: space.weights.values[1]: expected one of uniform, distance, got \"distnace\"; did you mean 'distance'?"
                ])
        #expect(
            problems(
                "trainer: {model: noop}\nspace:\n  kernel: {values: [rbf, linear]}\n  gamma: {values: [1, 2], when: {kernal: rbf}}"
            )
            .first?.hasSuffix("did you mean 'kernel'?") == true)
        #expect(
            problems("trainer: {command: [run, \"--lr={rl}\"]}\nspace: {lr: 1}\nobjective: {metric: score}")
                == [
                    "line 1: trainer.command: placeholder {rl} names no parameter in space; parameters: lr; did you mean 'lr'?"
                ])
    }

    @Test func earlyStoppingNamesAreSuggestedToo() {
        let gbm = "data: {path: d.csv, target: y, task: classification}\ntrainer: {model: gradient_boosting}\n"
        #expect(
            problems(gbm + "early_stopping: {rule: ahsa, max_resource: 9}").first?.hasSuffix(
                "expected asha, median or racing; did you mean 'asha'?") == true)
        #expect(
            problems(gbm + "early_stopping: {rule: asha, max_resource: 9, reduction_factr: 3}").first?
                .hasSuffix("did you mean 'reduction_factor'?") == true)
    }
}
