import Foundation
import Testing

@testable import SweepCore
@testable import SweepML

struct ModelFileTests {
    func dataset(classification: Bool) throws -> Dataset {
        var generator = SeededGenerator(seed: 2)
        let rows = (0..<40).map { row -> String in
            let a = generator.unit() * 4, b = generator.unit()
            return "\(a),\(b),\(classification ? (a > 2 ? "hi" : "lo") : "\(3 * a - b)")"
        }
        return try Dataset(
            csv: try CSVTable(parsing: "a,b,y\n" + rows.joined(separator: "\n")), target: "y",
            classification: classification)
    }

    @Test(arguments: [
        ("logistic_regression", true), ("knn", true), ("knn", false), ("ridge", false), ("lasso", false),
        ("gaussian_nb", true), ("decision_tree", true), ("random_forest", false), ("gradient_boosting", true),
        ("mlp", true), ("mlp", false),
    ])
    func aSavedModelPredictsExactlyAsTheFittedOne(_ model: String, _ classification: Bool) throws {
        let data = try dataset(classification: classification)
        let params: [String: ParamValue] =
            model == "knn"
            ? ["k": .int(3)]
            : model == "mlp" ? ["max_iter": .int(30)] : model == "lasso" ? ["alpha": .double(0.01)] : [:]
        let file = try ModelFile.refit(model: builtin(model), params: Params(params), dataset: data, targetName: "y")
        let loaded = try ModelFile.decode(try file.encoded(), path: "model.json")
        let table = try CSVTable(parsing: "b,a,extra\n0.5,1,x\n0.1,3.5,y\n")
        let (before, ignored) = try file.predict(table)
        let (after, _) = try loaded.predict(table)
        #expect(ignored == ["extra"])
        switch (before, after) {
        case (.probabilities(let a), .probabilities(let b)):
            #expect(a.values == b.values)
            if model != "mlp" {
                #expect(Metrics.argmax(a) == [1, 0], "a = 1 is lo (class 1), a = 3.5 is hi (class 0)")
            }
        case (.values(let a), .values(let b)):
            #expect(a == b)
            if model == "ridge" || model == "lasso" { #expect(abs(a[0] - 2.5) < 0.3) }
        default:
            Issue.record("prediction kinds differ")
        }
    }

    @Test func wrongColumnsAreNamed() throws {
        let file = try ModelFile.refit(
            model: builtin("ridge"), params: Params([:]), dataset: try dataset(classification: false), targetName: "y")
        #expect(throws: PredictError("the CSV lacks 1 of the model's 2 feature columns: b (the model expects: a, b)")) {
            try file.predict(try CSVTable(parsing: "a,c\n1,2\n"))
        }
        #expect(throws: PredictError("line 2, column 'b': 'x' is not a number")) {
            try file.predict(try CSVTable(parsing: "a,b\n1,x\n"))
        }
    }

    @Test func otherFilesAndNewerVersionsAreRefused() throws {
        #expect(throws: PredictError("m.json is not a sweep model file (model.json from a run directory)")) {
            try ModelFile.decode(Data("{\"hello\": 1}".utf8), path: "m.json")
        }
        #expect(throws: PredictError.self) {
            try ModelFile.decode(Data("{\"format\": \"sweep-model\", \"version\": 99}".utf8), path: "m.json")
        }
    }
}
