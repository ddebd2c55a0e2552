import Foundation
import HTTPTypes
import SweepCore
import SweepML
import Testing

@testable import SweepHTTP

/// A small fitted model: `a` numeric, `colour` categorical (red, green, blue).
func serveTestModel(classification: Bool) throws -> ModelFile {
    var generator = SeededGenerator(seed: 3)
    let colours = ["red", "green", "blue"]
    let rows = (0..<60).map { row -> String in
        let a = generator.unit() * 4
        let colour = colours[row % 3]
        let y = classification ? (a > 2 || colour == "red" ? "hi" : "lo") : "\(3 * a + (colour == "red" ? 1 : 0))"
        return "\(a),\(colour),\(y)"
    }
    let data = try Dataset(
        csv: try CSVTable(parsing: "a,colour,y\n" + rows.joined(separator: "\n")), target: "y",
        classification: classification)
    let model = try #require(BuiltinModels.named(classification ? "logistic_regression" : "ridge"))
    return try ModelFile.refit(model: model, params: Params([:]), dataset: data, targetName: "y")
}

/// `POST /predict` bodies: JSON rows become exactly the raw features a CSV of the same rows gives,
/// and bad bodies are refused naming the row and the column.
struct ServeRequestTests {
    func rawFromCSV(_ model: ModelFile, _ csv: String) throws -> Matrix {
        let stream = try CSVStream(text: csv)
        let columns = try CSVColumns(model: model, header: stream.header)
        return try columns.matrix(try #require(try stream.next(maxRows: 100)))
    }

    @Test func numbersStringsNullsAndExtraColumnsReadAsTheCSVReadsThem() throws {
        let model = try serveTestModel(classification: true)
        let json = #"""
            {"rows": [
              {"a": 1.5, "colour": "red", "id": 7},
              {"a": "2.25", "colour": "blue"},
              {"a": null, "colour": "purple"},
              {"a": " 3 ", "colour": ""},
              {"colour": "green", "a": "NA", "y": "hi"}
            ]}
            """#
        let raw = try PredictRequest.matrix(json: Data(json.utf8), encoder: FeatureEncoder(model))
        let csv = try rawFromCSV(model, "a,colour,id\n1.5,red,7\n2.25,blue,\n,purple,\n 3 ,,\nNA,green,\n")
        #expect(raw.rows == 5 && raw.columns == 2)
        #expect(raw.values.map { $0.isNaN ? -99 : $0 } == csv.values.map { $0.isNaN ? -99 : $0 })
    }

    @Test func aNumberForACategoricalColumnIsItsCategorySpelledOut() throws {
        var generator = SeededGenerator(seed: 4)
        let grades = ["1", "2", "A"]
        let rows = (0..<30).map { "\(generator.unit()),\(grades[$0 % 3]),\($0 % 2 == 0 ? "x" : "y")" }
        let data = try Dataset(
            csv: try CSVTable(parsing: "a,grade,y\n" + rows.joined(separator: "\n")), target: "y", classification: true)
        let model = try ModelFile.refit(
            model: try #require(BuiltinModels.named("gaussian_nb")), params: Params([:]), dataset: data,
            targetName: "y")
        let encoder = FeatureEncoder(model)
        #expect(encoder.isCategorical(1) && !encoder.isCategorical(0))
        #expect(encoder.encode(number: 2, feature: 1) == encoder.encode(text: "2", feature: 1))
        #expect(encoder.encode(number: 2, feature: 1) != encoder.encode(text: "1", feature: 1))
        #expect(encoder.encode(number: 2.5, feature: 1) == -1, "an unseen category")
        #expect(encoder.encode(text: "x", feature: 0) == nil, "a numeric column refuses text")
    }

    @Test(arguments: [
        (
            "{\"rows\": [{\"a\": 1}]}", "missing_column", 0,
            "row 0 lacks 1 of the model's 2 feature columns: colour (the model expects: a, colour)"
        ),
        (
            "{\"rows\": [{\"a\": 1, \"colour\": \"red\"}, {\"b\": 2}]}", "missing_column", 1,
            "row 1 lacks 2 of the model's 2 feature columns: a, colour (the model expects: a, colour)"
        ),
        (
            "{\"rows\": [{\"a\": \"x1\", \"colour\": \"red\"}]}", "mistyped", 0,
            "row 0, column 'a': \"x1\" is not a number; expected a number (or a string holding one), or null if missing"
        ),
        (
            "{\"rows\": [{\"a\": 1, \"colour\": \"red\"}, {\"a\": true, \"colour\": \"red\"}]}", "mistyped", 1,
            "row 1, column 'a': true is not a number; expected a number (or a string holding one), or null if missing"
        ),
        (
            "{\"rows\": [{\"a\": 1, \"colour\": [\"red\"]}]}", "mistyped", 0,
            "row 0, column 'colour': an object or array is not a value; expected a category (a string), or null if missing"
        ),
    ])
    func badRowsAreNamedByIndexAndColumn(_ json: String, _ kind: String, _ row: Int, _ message: String) throws {
        let model = try serveTestModel(classification: true)
        #expect(throws: PredictRequestError(kind: .init(rawValue: kind)!, message: message, row: row)) {
            try PredictRequest.matrix(json: Data(json.utf8), encoder: FeatureEncoder(model))
        }
    }

    @Test(arguments: [
        ("", "it is not valid JSON"),
        ("{\"rows\": [1, 2", "it is not valid JSON"),
        ("[]", "the body is not an object"),
        ("{\"data\": []}", "the body has no \"rows\""),
        ("{\"rows\": {\"a\": 1}}", "rows is not an array"),
        ("{\"rows\": [[1, 2]]}", "rows[0] is not an object"),
    ])
    func bodiesOfAnotherShapeAreRefusedSayingTheShapeExpected(_ json: String, _ reason: String) throws {
        let model = try serveTestModel(classification: true)
        do {
            _ = try PredictRequest.matrix(json: Data(json.utf8), encoder: FeatureEncoder(model))
            Issue.record("accepted \(json)")
        } catch {
            #expect(error.kind == .badJSON)
            #expect(
                error.message.hasPrefix(#"the body is not JSON of the form {"rows": [{"column": value, ...}, ...]}: "#))
            #expect(error.message.hasSuffix(reason), "\(error.message)")
        }
    }

    @Test func classifierAnswersHaveClassesAndOneProbabilityObjectPerRow() throws {
        let model = try serveTestModel(classification: true)
        let raw = try PredictRequest.matrix(
            json: Data(#"{"rows": [{"a": 3.9, "colour": "green"}, {"a": 0.1, "colour": "blue"}]}"#.utf8),
            encoder: FeatureEncoder(model))
        let text = PredictResponse.json(model.predict(raw: raw), classes: model.classes)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(json["predictions"] as? [String] == ["hi", "lo"])
        #expect(json["classes"] as? [String] == ["hi", "lo"])
        let probabilities = try #require(json["probabilities"] as? [[String: Double]])
        #expect(probabilities.count == 2 && probabilities.allSatisfy { Set($0.keys) == ["hi", "lo"] })
        #expect(probabilities.allSatisfy { abs($0.values.reduce(0, +) - 1) < 1e-9 })
        // The same numbers, digit for digit, as `sweep predict` writes (compared as text: the JSON
        // parser of Foundation on Linux may round the last digit).
        let csv = model.predictionLines(model.predict(raw: raw)).split(separator: "\n").map { $0.split(separator: ",") }
        #expect(text.contains(#"{"hi":\#(csv[0][1]),"lo":\#(csv[0][2])},{"hi":\#(csv[1][1]),"lo":\#(csv[1][2])}"#))
    }

    @Test func regressionAnswersAreNumbersAndAnEmptyListIsAnswered() throws {
        let model = try serveTestModel(classification: false)
        let encoder = FeatureEncoder(model)
        let raw = try PredictRequest.matrix(
            json: Data(#"{"rows": [{"a": 1, "colour": "red"}]}"#.utf8), encoder: encoder)
        let json = try #require(
            try JSONSerialization.jsonObject(
                with: Data(PredictResponse.json(model.predict(raw: raw), classes: []).utf8))
                as? [String: Any])
        let value = try #require((json["predictions"] as? [Double])?.first)
        #expect(abs(value - 4) < 0.5)
        #expect(json["probabilities"] == nil)
        let none = try PredictRequest.matrix(json: Data(#"{"rows": []}"#.utf8), encoder: encoder)
        #expect(PredictResponse.json(model.predict(raw: none), classes: []) == #"{"predictions":[]}"#)
    }

    @Test func routesAnswerTheirMethodOnlyAndUnknownPathsAreNotFound() {
        #expect(PredictRoutes.decide(path: "/predict", method: .post) == .serve)
        #expect(PredictRoutes.decide(path: "/predict", method: .get) == .methodNotAllowed(allow: "POST"))
        #expect(PredictRoutes.decide(path: "/health", method: .delete) == .methodNotAllowed(allow: "GET, HEAD"))
        #expect(PredictRoutes.decide(path: "/metrics", method: .get) == .serve)
        #expect(PredictRoutes.decide(path: "/", method: .get) == .notFound)
        #expect(PredictRoutes.decide(path: "/predict/x", method: .post) == .notFound)
    }

    @Test func offLoopbackATokenIsRequired() throws {
        try PredictAccess.check(DashboardAddress(host: "127.0.0.1", port: 0), token: nil)
        try PredictAccess.check(DashboardAddress(host: "::1", port: 80), token: nil)
        try PredictAccess.check(DashboardAddress(host: "0.0.0.0", port: 80), token: String(repeating: "t", count: 16))
        do {
            try PredictAccess.check(DashboardAddress(host: "0.0.0.0", port: 8080), token: nil)
            Issue.record("served off loopback without a token")
        } catch {
            #expect("\(error)".contains("refusing to serve the model on 0.0.0.0:8080: it is not a loopback address"))
            #expect("\(error)".contains("--http-token TOKEN or --http-token-file FILE"))
        }
        #expect(throws: DashboardError.self) {
            try PredictAccess.check(DashboardAddress(host: "127.0.0.1", port: 0), token: "short")
        }
    }

    @Test(arguments: [
        ("16MiB", 16 << 20), ("16M", 16 << 20), ("512KiB", 512 << 10), ("1MB", 1_000_000), ("1048576", 1_048_576),
        ("2 GiB", 2 << 30),
    ])
    func bodySizesReadWithTheirUnits(_ text: String, _ bytes: Int) {
        #expect(ByteCount.parse(text) == bytes)
    }

    @Test(arguments: ["", "0", "-1", "ten", "5XB", "1e3"])
    func badBodySizesAreRefused(_ text: String) {
        #expect(ByteCount.parse(text) == nil)
    }
}
