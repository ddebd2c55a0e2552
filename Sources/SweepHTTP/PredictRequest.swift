import Foundation
import SweepCore
import SweepML

/// Why a `/predict` body was refused: the kind (a metric label) and a message naming the row and
/// column and what would be right.
public struct PredictRequestError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable, CaseIterable {
        case badJSON = "bad_json", missingColumn = "missing_column", mistyped
    }
    public let kind: Kind
    public let message: String
    /// The index of the row at fault in `rows`, when one is.
    public let row: Int?

    public var description: String { message }
}

/// One value of a row: JSON numbers and strings are both accepted for any column (a string
/// holding a number is a number; a missing marker such as "" or "NA", or null, is missing).
enum CellValue: Decodable, Sendable {
    case number(Double), string(String), bool(Bool), null, nested

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        // Most likely first: each failed attempt costs a thrown DecodingError.
        if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else {
            self = .nested
        }
    }
}

/// The body of `POST /predict`: `{"rows": [{column: value, …}, …]}`.
public struct PredictRequest: Sendable {
    struct Body: Decodable { var rows: [[String: CellValue]] }

    static let shape = #"{"rows": [{"column": value, ...}, ...]}"#

    /// The rows' raw feature matrix for the model whose features `encoder` knows.
    public static func matrix(json: Data, encoder: FeatureEncoder) throws(PredictRequestError) -> Matrix {
        let body: Body
        do { body = try JSONDecoder().decode(Body.self, from: json) } catch {
            throw PredictRequestError(
                kind: .badJSON, message: "the body is not JSON of the form \(shape): \(reason(error))", row: nil)
        }
        var values: [Double] = []
        values.reserveCapacity(body.rows.count * encoder.features.count)
        for (index, row) in body.rows.enumerated() {
            let missing = encoder.features.filter { row[$0] == nil }
            guard missing.isEmpty else {
                throw PredictRequestError(
                    kind: .missingColumn,
                    message:
                        "row \(index) lacks \(missing.count) of the model's \(encoder.features.count) feature columns: \(missing.joined(separator: ", ")) (the model expects: \(encoder.features.joined(separator: ", ")))",
                    row: index)
            }
            for (feature, name) in encoder.features.enumerated() {
                values.append(try value(row[name]!, row: index, column: name, feature: feature, encoder: encoder))
            }
        }
        return Matrix(rows: body.rows.count, columns: encoder.features.count, values: values)
    }

    private static func value(
        _ cell: CellValue, row: Int, column: String, feature: Int, encoder: FeatureEncoder
    ) throws(PredictRequestError) -> Double {
        func mistyped(_ what: String) -> PredictRequestError {
            let expected =
                encoder.isCategorical(feature) ? "a category (a string)" : "a number (or a string holding one)"
            return PredictRequestError(
                kind: .mistyped,
                message: "row \(row), column '\(column)': \(what); expected \(expected), or null if missing",
                row: row)
        }
        switch cell {
        case .null: return .nan
        case .number(let number):
            guard number.isFinite else { throw mistyped("\(number) is not a finite number") }
            return encoder.encode(number: number, feature: feature)
        case .string(let text):
            guard let value = encoder.encode(text: text, feature: feature) else {
                throw mistyped("\(jsonQuoted(text)) is not a number")
            }
            return value
        case .bool(let flag):
            guard encoder.isCategorical(feature) else { throw mistyped("\(flag) is not a number") }
            return encoder.encode(text: String(flag), feature: feature) ?? .nan
        case .nested: throw mistyped("an object or array is not a value")
        }
    }

    /// A decoding error in a sentence: where in the body, and what was wrong there.
    static func reason(_ error: any Error) -> String {
        func place(_ path: [any CodingKey]) -> String {
            path.isEmpty
                ? "the body"
                : path.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
                    .trimmingCharacters(in: CharacterSet(charactersIn: "."))
        }
        switch error {
        case DecodingError.keyNotFound(let key, let context):
            return "\(place(context.codingPath)) has no \"\(key.stringValue)\""
        case DecodingError.typeMismatch(let type, let context):
            let what = type == [Any].self || "\(type)".hasPrefix("Array") ? "an array" : "an object"
            return "\(place(context.codingPath)) is not \(what)"
        case DecodingError.valueNotFound(_, let context):
            return "\(place(context.codingPath)) is null"
        case DecodingError.dataCorrupted(let context):
            return context.codingPath.isEmpty ? "it is not valid JSON" : "\(place(context.codingPath)) is not valid"
        default:
            return "\(error)"
        }
    }
}

/// The answer to `POST /predict`, written by hand: numbers as Swift prints them (the same text
/// `sweep predict` writes), NaN and infinities as null.
public enum PredictResponse {
    public static func json(_ prediction: Prediction, classes: [String]) -> String {
        func number(_ value: Double) -> String { value.isFinite ? "\(value)" : "null" }
        switch prediction {
        case .values(let values):
            return #"{"predictions":["# + values.map(number).joined(separator: ",") + "]}"
        case .probabilities(let probabilities):
            var predictions: [String] = []
            var rows: [String] = []
            predictions.reserveCapacity(probabilities.rows)
            rows.reserveCapacity(probabilities.rows)
            let names = classes.map(jsonQuoted)
            for row in 0..<probabilities.rows {
                predictions.append(names[ModelFile.mostProbable(probabilities, row: row)])
                rows.append(
                    "{"
                        + (0..<probabilities.columns).map { "\(names[$0]):\(number(probabilities[row, $0]))" }
                        .joined(separator: ",") + "}")
            }
            return #"{"predictions":["# + predictions.joined(separator: ",") + #"],"classes":["#
                + names.joined(separator: ",") + #"],"probabilities":["# + rows.joined(separator: ",") + "]}"
        }
    }

    /// An error body: `{"error": message}` and, for a row at fault, its index.
    public static func error(_ message: String, kind: String, row: Int? = nil) -> String {
        "{\"error\":\(jsonQuoted(message)),\"kind\":\(jsonQuoted(kind))" + (row.map { ",\"row\":\($0)" } ?? "") + "}"
    }
}
