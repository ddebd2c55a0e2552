import Testing

@testable import SweepCore
@testable import SweepReport

/// The pieces of `sweep export` that Python reads: values as Python prints them, scikit-learn's
/// rank rule, the cv_results columns of the report fixture, and optuna's distribution JSON.
@Suite struct InteropFormatTests {
    @Test(arguments: [
        (1.0, "1.0"), (0.1, "0.1"), (1e-05, "1e-05"), (0.0001, "0.0001"), (1e16, "1e+16"),
        (1e15, "1000000000000000.0"), (-2.5, "-2.5"), (Double.infinity, "inf"), (Double.nan, "nan"),
        (123_456.789, "123456.789"),
    ])
    func floatsPrintAsPythonsRepr(_ value: Double, _ text: String) {
        #expect(PythonLiteral.float(value) == text)
    }

    @Test func stringsAndDictsPrintAsPythonsRepr() {
        #expect(PythonLiteral.string("l2") == "'l2'")
        #expect(PythonLiteral.string("it's") == "\"it's\"")
        #expect(PythonLiteral.string("a\"b'c") == "'a\"b\\'c'")
        #expect(PythonLiteral.string("x\\y\n\u{1}") == "'x\\\\y\\n\\x01'")
        #expect(PythonLiteral.string("café") == "'café'")
        let params = Params(["penalty": .string("l2"), "C": .double(1), "fit": .bool(false), "k": .int(3)])
        #expect(PythonLiteral.dict(params) == "{'C': 1.0, 'fit': False, 'k': 3, 'penalty': 'l2'}")
        #expect(PythonLiteral.str(.string("l2")) == "l2")
        #expect(PythonLiteral.str(.bool(true)) == "True")
    }

    /// `scipy.stats.rankdata(-means, method="min")`, no score tied last, all 1 when none has one.
    @Test func ranksFollowScikitLearnsRule() {
        #expect(CVResults.rank([0.9, nil, 0.8, 0.9, .nan], lowerIsBetter: false) == [1, 4, 3, 1, 4])
        #expect(CVResults.rank([0.9, nil, 0.8, 0.8], lowerIsBetter: true) == [3, 4, 1, 1])
        #expect(CVResults.rank([nil, .nan], lowerIsBetter: false) == [1, 1])
        #expect(CVResults.rank([], lowerIsBetter: false) == [])
    }

    @Test func theReportFixtureAsCVResults() {
        let text = CVResults.csv(ReportFixture.finished, lowerIsBetter: ["loss"])
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines.count == 8 && lines.last == "", "a header, six trials, and a final newline")
        let header = lines[0].split(separator: ",").map(String.init)
        let expected =
            ["mean_fit_time", "std_fit_time", "mean_score_time", "std_score_time"]
            + ["param_C", "param_fold", "param_kernel", "param_shrink", "params"]
            + ["accuracy", "f1_macro", "loss"].flatMap { metric in
                (0..<3).map { "split\($0)_test_\(metric)" }
                    + ["mean_test_\(metric)", "std_test_\(metric)", "rank_test_\(metric)"]
            }
        #expect(header == expected)
        // Trial 2 failed on fold 1: its other folds show, its mean does not, and it ranks last.
        #expect(
            lines[3]
                == #"0.75,0.5400617248673217,0.0,0.0,10.0,1,"poly, ""deg 3""",True,"{'C': 10.0, 'fold': 1, 'kernel': 'poly, ""deg 3""', 'shrink': True}",0.95,,0.9,,,4,0.94,,0.89,,,4,,,,,,1"#
        )
        // Trials 0, 1 and 5 tie on the mean accuracy: rank 1 each (method "min").
        #expect(lines[1].contains(",0.5,1.0,0.75,0.75,0.2041241452319315,1,"))
        // Means and stds are numpy's to the last bit (checked with numpy: 0.74 three times has mean
        // 0.7399999999999999 and std 1.1102230246251565e-16).
        #expect(
            lines[6]
                == #"0.375,0.10206207261596575,0.0,0.0,1e-05,1,sigmoid,True,"{'C': 1e-05, 'fold': 1, 'kernel': 'sigmoid', 'shrink': True}",0.75,0.75,0.75,0.75,0.0,1,0.74,0.74,0.74,0.7399999999999999,1.1102230246251565e-16,1,,,0.125,,,1"#
        )
    }

    @Test func spaceDimensionsBecomeOptunaDistributions() throws {
        let float = OptunaDistribution(Dimension(name: "x", kind: .uniform(-1, 2)))
        #expect(
            float.json
                == #"{"name": "FloatDistribution", "attributes": {"step": null, "low": -1.0, "high": 2.0, "log": false}}"#
        )
        #expect(try float.internalValue(.double(0.5), trial: 0) == 0.5)
        #expect(throws: ExportError.self) { try float.internalValue(.double(3), trial: 7) }
        let choice = OptunaDistribution(Dimension(name: "k", kind: .values([.string("a"), .double(1), .bool(false)])))
        #expect(choice.json == #"{"name": "CategoricalDistribution", "attributes": {"choices": ["a", 1.0, false]}}"#)
        #expect(try choice.internalValue(.bool(false), trial: 0) == 2)
        let error = #expect(throws: ExportError.self) { try choice.internalValue(.string("b"), trial: 4) }
        #expect(error?.description == "trial 4: k = b lies outside the spec's space for it; optuna cannot hold it")
        let int = OptunaDistribution(Dimension(name: "n", kind: .int(2, 9)))
        #expect(try int.internalValue(.int(9), trial: 0) == 9)
        #expect(throws: ExportError.self) { try int.internalValue(.double(3), trial: 0) }
    }

    /// `step` and an int's `log` as optuna's FloatDistribution and IntDistribution have them.
    @Test func stepsAndLogIntsBecomeTheirOptunaAttributes() throws {
        let stepped = OptunaDistribution(Dimension(name: "x", kind: .uniform(0, 1), step: 0.25))
        #expect(
            stepped.json
                == #"{"name": "FloatDistribution", "attributes": {"step": 0.25, "low": 0.0, "high": 1.0, "log": false}}"#
        )
        #expect(try stepped.internalValue(.double(0.75), trial: 0) == 0.75)
        #expect(throws: ExportError.self) { try stepped.internalValue(.double(0.6), trial: 0) }
        let batch = OptunaDistribution(Dimension(name: "batch", kind: .int(16, 256), step: 16))
        #expect(
            batch.json
                == #"{"name": "IntDistribution", "attributes": {"log": false, "step": 16, "low": 16, "high": 256}}"#)
        #expect(try batch.internalValue(.int(48), trial: 0) == 48)
        #expect(throws: ExportError.self) { try batch.internalValue(.int(50), trial: 0) }
        let width = OptunaDistribution(Dimension(name: "width", kind: .int(1, 64), log: true))
        #expect(
            width.json == #"{"name": "IntDistribution", "attributes": {"log": true, "step": 1, "low": 1, "high": 64}}"#)
    }
}
