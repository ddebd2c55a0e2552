import Foundation
import SweepCore

/// Turns one row's raw fields (CSV text, or JSON values) into the model's raw feature values,
/// exactly as `ModelFile.predict` does: a missing marker becomes NaN (imputed as in training),
/// a category its index in training (an unseen one encodes as all zeros), a number itself.
public struct FeatureEncoder: Sendable {
    public let features: [String]
    /// Per feature: nil for numeric, else category name → index.
    private let lookup: [[String: Int]?]

    public init(_ model: ModelFile) {
        features = model.features
        lookup = model.categories.map { names in
            names.map { Dictionary(uniqueKeysWithValues: $0.enumerated().map { ($0.element, $0.offset) }) }
        }
    }

    public func isCategorical(_ feature: Int) -> Bool { lookup[feature] != nil }

    /// The value of a text field for feature number `feature`; nil when a numeric feature's
    /// text is not a number.
    public func encode(text raw: String, feature: Int) -> Double? {
        let text = raw.trimmingSpaces()
        if Dataset.missingMarkers.contains(text) { return .nan }
        if let lookup = lookup[feature] { return Double(lookup[text] ?? -1) }
        guard let value = Double(text), value.isFinite else { return nil }
        return value
    }

    /// The value of a number for feature number `feature` (for a categorical feature, the
    /// category spelled as the number is, `3` for 3.0).
    public func encode(number: Double, feature: Int) -> Double {
        guard let lookup = lookup[feature] else { return number }
        return Double(lookup[formatNumber(number)] ?? -1)
    }
}

/// Where the model's features are in a CSV header, checked once for a whole file.
public struct CSVColumns: Sendable {
    public let encoder: FeatureEncoder
    /// The header's column of each feature.
    public let indices: [Int]
    /// Columns present but not used (the target is not counted).
    public let ignored: [String]

    /// Refuses a header that lacks feature columns, naming them and those the model expects.
    public init(model: ModelFile, header: [String]) throws(PredictError) {
        let missing = model.features.filter { !header.contains($0) }
        guard missing.isEmpty else {
            throw PredictError(
                "the CSV lacks \(missing.count) of the model's \(model.features.count) feature columns: \(missing.joined(separator: ", ")) (the model expects: \(model.features.joined(separator: ", ")))"
            )
        }
        encoder = FeatureEncoder(model)
        indices = model.features.map { header.firstIndex(of: $0)! }
        ignored = header.filter { !model.features.contains($0) && $0 != model.target }
    }

    /// The raw feature matrix of some rows; a field that is not a number is named by its line.
    public func matrix(_ chunk: CSVStream.Chunk) throws(PredictError) -> Matrix {
        var values: [Double] = []
        values.reserveCapacity(chunk.count * indices.count)
        for (row, fields) in chunk.rows.enumerated() {
            for (feature, column) in indices.enumerated() {
                guard let value = encoder.encode(text: fields[column], feature: feature) else {
                    throw PredictError(
                        "line \(chunk.lineNumbers[row]), column '\(encoder.features[feature])': '\(fields[column])' is not a number"
                    )
                }
                values.append(value)
            }
        }
        return Matrix(rows: chunk.count, columns: indices.count, values: values)
    }
}

extension ModelFile {
    /// Predictions for raw feature values (as `FeatureEncoder` makes them), preprocessing included.
    public func predict(raw: Matrix) -> Prediction { fitted.predict(preprocessing.transform(raw)) }

    /// The CSV header `sweep predict` writes: the prediction, and for classifiers one
    /// probability column per class.
    public var predictionHeader: String {
        (["prediction"] + (task == TaskType.classification.rawValue ? classes.map { "proba_\($0)" } : []))
            .joined(separator: ",") + "\n"
    }

    /// The CSV lines of some predictions (the most probable class first, for classifiers).
    public func predictionLines(_ prediction: Prediction) -> String {
        var text = ""
        switch prediction {
        case .probabilities(let probabilities):
            for row in 0..<probabilities.rows {
                text += classes[Self.mostProbable(probabilities, row: row)]
                for k in 0..<probabilities.columns { text += ",\(probabilities[row, k])" }
                text += "\n"
            }
        case .values(let values):
            for value in values { text += "\(value)\n" }
        }
        return text
    }

    /// The first class of highest probability on a row.
    public static func mostProbable(_ probabilities: Matrix, row: Int) -> Int {
        var best = 0
        for k in 0..<probabilities.columns where probabilities[row, k] > probabilities[row, best] { best = k }
        return best
    }
}
