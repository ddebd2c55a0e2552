import Foundation

/// The model card of a run directory's model, for tools (`model-card.json`; `MODEL.md` says the
/// same for people): what the model is, what data it was fitted on, how good it is by CV, the
/// held-out rows and nested CV, what it costs, its features, when and by which sweep it was made,
/// and what it is and is not good for. Schema `sweep-model-card` version 1 (README, "The model
/// card"); every field a run may lack is optional, and readers must ignore fields they do not know.
public struct ModelCard: Sendable, Codable, Equatable {
    public static let formatName = "sweep-model-card"
    public static let currentVersion = 1

    public var format = formatName
    public var version = currentVersion
    /// The sweep's name.
    public var name: String
    public var model: Model
    /// classification or regression.
    public var task: String
    public var target: String?
    /// Classification: the class labels, in the model's order.
    public var classes: [String]?
    /// Classification: how many training rows each class had.
    public var classCounts: [String: Int]?
    public var data: DataFacts?
    public var spec: SpecFacts
    /// The chosen configuration: its trial number and parameters.
    public var trial: Int
    /// How many trials the search ran (the chosen one is the best of them, so its CV score is optimistic).
    public var trials: Int
    public var params: [String: Value]
    public var cv: Score
    /// A multi-objective sweep's objectives after the first, by the same CV.
    public var otherObjectives: [Score]?
    public var holdout: Holdout?
    public var nested: Nested?
    public var cost: Cost?
    /// The feature columns the model reads (built-in models; a command trainer's are its own).
    public var features: [Feature]?
    /// When the sweep ended (ISO 8601, UTC): the model was refitted then.
    public var trainedAt: String?
    public var sweep: SweepFacts
    public var intendedUse: [String]
    public var limitations: [String]

    enum CodingKeys: String, CodingKey {
        case format, version, name, model, task, target, classes, data, spec, trial, trials, params, cv, holdout, nested
        case cost
        case features, sweep, limitations
        case classCounts = "class_counts"
        case otherObjectives = "other_objectives"
        case trainedAt = "trained_at"
        case intendedUse = "intended_use"
    }

    /// The model's files: `model.json` (a built-in model) or `model/` (a command trainer's refit).
    public struct Model: Sendable, Codable, Equatable {
        /// builtin or command.
        public var kind: String
        /// The path in the run directory.
        public var path: String
        /// The built-in model's name, or the trainer's command.
        public var name: String
        /// SHA-256 of model.json.
        public var sha256: String?
        /// The files of `model/`, sorted by path.
        public var files: [File]?
    }

    public struct File: Sendable, Codable, Equatable {
        public var path: String
        public var bytes: Int
        public var sha256: String
    }

    public struct DataFacts: Sendable, Codable, Equatable {
        /// As the spec wrote it (relative to the spec file).
        public var file: String
        public var sha256: String?
        public var rows: Int?
        /// The rows cross-validation searched on and the model was refitted on.
        public var searchRows: Int?
        /// Rows kept out of the search (`cv.test_size`), scored once by the refitted model.
        public var holdoutRows: Int
        /// The columns the model uses: its features and the target (built-in models).
        public var columns: Int?
        /// Columns never used as features (`data.drop`, `cv.group`).
        public var dropped: [String]

        enum CodingKeys: String, CodingKey {
            case file, sha256, rows, columns, dropped
            case searchRows = "search_rows"
            case holdoutRows = "holdout_rows"
        }
    }

    public struct SpecFacts: Sendable, Codable, Equatable {
        /// The copy in the run directory (spec.yaml or spec.json).
        public var file: String
        /// Where the sweep read it from.
        public var source: String
        /// SHA-256 of the spec's text.
        public var sha256: String
    }

    /// The cross-validated objective of the chosen configuration.
    public struct Score: Sendable, Codable, Equatable {
        public var metric: String
        public var goal: String
        public var mean: Double?
        /// nil with one fold (no spread).
        public var std: Double?
        public var folds: Int
        /// How the rows were split, in words ("5-fold stratified, shuffled with seed 0").
        public var scheme: String
    }

    public struct Holdout: Sendable, Codable, Equatable {
        public var rows: Int
        /// The objective's value, and every metric's.
        public var score: Double?
        public var metrics: [String: Double]
    }

    /// Nested cross-validation's estimate (best.json's `nested`), when the sweep ran it.
    public struct Nested: Sendable, Codable, Equatable {
        public var mean: Double?
        public var std: Double?
        /// Each outer fold's score.
        public var folds: [Double?]
    }

    /// The chosen configuration's cost, each a mean over its folds.
    public struct Cost: Sendable, Codable, Equatable {
        public var fitSeconds: Double?
        public var predictSecondsPer1000Rows: Double?
        public var modelBytes: Double?

        enum CodingKeys: String, CodingKey {
            case fitSeconds = "fit_seconds"
            case predictSecondsPer1000Rows = "predict_seconds_per_1000_rows"
            case modelBytes = "model_bytes"
        }
    }

    public struct Feature: Sendable, Codable, Equatable {
        public var name: String
        /// numeric or categorical.
        public var kind: String
        /// A categorical column's categories, as trained (others encode as all zeros).
        public var categories: [String]?
        /// A numeric column's training range and mean.
        public var min: Double?
        public var max: Double?
        public var mean: Double?
        /// Share of training rows where the value was missing (imputed).
        public var missingRate: Double?

        enum CodingKeys: String, CodingKey {
            case name, kind, categories, min, max, mean
            case missingRate = "missing_rate"
        }
    }

    public struct SweepFacts: Sendable, Codable, Equatable {
        /// The sweep that ran the search and refitted the model (nil: not recorded).
        public var trainedWith: String?
        /// The sweep that wrote this card.
        public var cardWrittenBy: String

        enum CodingKeys: String, CodingKey {
            case trainedWith = "trained_with"
            case cardWrittenBy = "card_written_by"
        }
    }

    /// A parameter value as the spec wrote it: a number, a string or a boolean.
    public enum Value: Sendable, Codable, Equatable {
        case int(Int), double(Double), string(String), bool(Bool)

        public init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let bool = try? container.decode(Bool.self) {
                self = .bool(bool)
            } else if let int = try? container.decode(Int.self) {
                self = .int(int)
            } else if let double = try? container.decode(Double.self) {
                self = .double(double)
            } else {
                self = .string(try container.decode(String.self))
            }
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            switch self {
            case .int(let int): try container.encode(int)
            case .double(let double): try container.encode(double)
            case .string(let string): try container.encode(string)
            case .bool(let bool): try container.encode(bool)
            }
        }
    }
}
