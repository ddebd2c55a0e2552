import Foundation
import SweepCore

/// A refitted best model as a portable file (`model.json`): JSON, versioned, with everything
/// needed to predict — the feature columns it expects, the preprocessing fitted on the training
/// data, and the fitted model. Format documented in the README ("The model file").
public struct ModelFile: Sendable, Codable {
    public static let formatName = "sweep-model"
    public static let currentVersion = 1

    public var format: String
    public var version: Int
    public var model: String
    /// The trial's hyperparameters as JSON text (for people; the fitted model needs none of them).
    public var params: String
    public var task: String
    public var target: String
    public var features: [String]
    public var classes: [String]
    /// Per feature: nil for numeric, else the categories it was trained with.
    public var categories: [[String]?]
    public var preprocessing: Preprocessor
    public var fitted: FittedModel
    public var trainingRows: Int
    /// The training data's profile and the CV estimate, for `sweep drift`; nil in model files
    /// written before profiles existed (they still load and predict).
    public var profile: DataProfile?

    /// Fits `model` with `params` on every row of `dataset` (preprocessing included).
    /// `rows`: the rows to train on (default all; a holdout is left out).
    public static func refit(
        model: BuiltinModel, params: Params, dataset: Dataset, targetName: String,
        imputation: Preprocessor.Imputation = .mean, rows trainingRows: [Int]? = nil, cv: CVEstimate? = nil
    ) throws(TrainingError) -> ModelFile {
        let rows = trainingRows ?? Array(0..<dataset.rows)
        let raw = Matrix(dataset, rows: rows)
        let preprocessor = Preprocessor(fitting: raw, categories: dataset.categories, imputation: imputation)
        let fitted = try model.fit(params: params, x: preprocessor.transform(raw), target: dataset.target(rows: rows))
        return ModelFile(
            format: formatName, version: currentVersion, model: model.name, params: params.json,
            task: dataset.labels == nil ? TaskType.regression.rawValue : TaskType.classification.rawValue,
            target: targetName, features: dataset.featureNames, classes: dataset.classNames,
            categories: dataset.categories, preprocessing: preprocessor, fitted: fitted, trainingRows: rows.count,
            profile: DataProfile(dataset: dataset, rows: rows, targetName: targetName, cv: cv))
    }

    /// Every metric of this model on some rows of a dataset (the holdout, scored once).
    public func score(_ dataset: Dataset, rows: [Int]) -> [String: Double] {
        let x = preprocessing.transform(Matrix(dataset, rows: rows))
        switch (fitted.predict(x), dataset.target) {
        case (.probabilities(let probabilities), .classes(let labels, _)):
            return Metrics.classification(rows.map { labels[$0] }, probabilities)
        case (.values(let predicted), .values(let values)):
            return Metrics.regression(rows.map { values[$0] }, predicted)
        default: return [:]
        }
    }

    public func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return try encoder.encode(self)
    }

    /// Reads a model file, refusing other formats and newer versions plainly.
    public static func decode(_ data: Data, path: String) throws -> ModelFile {
        struct Header: Decodable { var format: String?; var version: Int? }
        guard let header = try? JSONDecoder().decode(Header.self, from: data), header.format == formatName,
            let version = header.version
        else {
            throw PredictError("\(path) is not a sweep model file (model.json from a run directory)")
        }
        guard version >= 1 else {
            throw PredictError(
                "\(path) has an unknown model file version \(version); this sweep reads versions 1 to \(currentVersion)"
            )
        }
        guard version <= currentVersion else {
            throw PredictError(
                "\(path) is a version \(version) model file; this sweep reads up to version \(currentVersion): upgrade sweep"
            )
        }
        do {
            return try JSONDecoder().decode(ModelFile.self, from: data)
        } catch {
            throw PredictError("\(path) is damaged: \(error)")
        }
    }

    /// Predictions for the rows of a CSV table with (at least) the model's feature columns.
    /// Returns the prediction and the columns that were present but not used.
    public func predict(_ table: CSVTable) throws(PredictError) -> (prediction: Prediction, ignored: [String]) {
        let missing = features.filter { !table.header.contains($0) }
        guard missing.isEmpty else {
            throw PredictError(
                "the CSV lacks \(missing.count) of the model's \(features.count) feature columns: \(missing.joined(separator: ", ")) (the model expects: \(features.joined(separator: ", ")))"
            )
        }
        let ignored = table.header.filter { !features.contains($0) && $0 != target }
        let indices = features.map { table.header.firstIndex(of: $0)! }
        var values: [Double] = []
        values.reserveCapacity(table.rows.count * features.count)
        let lookup = categories.map { names in
            names.map { Dictionary(uniqueKeysWithValues: $0.enumerated().map { ($0.element, $0.offset) }) }
        }
        for (row, fields) in table.rows.enumerated() {
            for (position, (feature, column)) in zip(features, indices).enumerated() {
                let text = fields[column].trimmingSpaces()
                if Dataset.missingMarkers.contains(text) {
                    values.append(.nan)  // imputed as in training
                } else if let lookup = lookup[position] {
                    values.append(Double(lookup[text] ?? -1))  // an unseen category encodes as all zeros
                } else {
                    guard let value = Double(text), value.isFinite else {
                        throw PredictError(
                            "line \(table.lineNumbers[row]), column '\(feature)': '\(fields[column])' is not a number")
                    }
                    values.append(value)
                }
            }
        }
        let x = preprocessing.transform(Matrix(rows: table.rows.count, columns: features.count, values: values))
        return (fitted.predict(x), ignored)
    }
}

/// Why predictions could not be made, said plainly.
public struct PredictError: Error, Sendable, Equatable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
