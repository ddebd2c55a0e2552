import Foundation
import SweepCore

/// `retrain.json` in a retrained run directory: which run it retrains, on which data, the
/// candidate against the baseline, and whether the candidate was promoted and why. The report's
/// "Retraining" section is made from this file alone, so `sweep report` rewrites it too.
public struct RetrainRecord: Codable, Sendable, Equatable {
    /// A trial and its objective (mean over its CV folds).
    public struct Scored: Codable, Sendable, Equatable {
        public var trial: Int
        public var params: ParamsObject
        public var score: Double

        public init(trial: Int, params: Params, score: Double) {
            self.trial = trial
            self.params = ParamsObject(params)
            self.score = score
        }
    }

    /// What the candidate had to beat: the previous model scored on the new data's validation
    /// folds (`model`), or, with no model file, the previous best configuration's CV on the new
    /// data (`configuration`, that trial of this run).
    public struct Baseline: Codable, Sendable, Equatable {
        public var kind: String
        public var score: Double?
        public var folds: [Double]?
        public var trial: Int?
    }

    /// A paired t-test of candidate against baseline over the same validation folds: whether a
    /// gain is larger than fold-to-fold noise. Shown, not used by the promotion rule.
    public struct Paired: Codable, Sendable, Equatable {
        public var folds: Int
        /// Mean of candidate − baseline per fold, signed so positive favours the candidate.
        public var meanImprovement: Double
        public var t: Double
        /// Two-sided, as scipy.stats.ttest_rel.
        public var pValue: Double

        enum CodingKeys: String, CodingKey {
            case folds, t, meanImprovement = "mean_improvement", pValue = "p_value"
        }
    }

    public var previous: String
    public var data: String
    public var dataSHA256: String
    public var previousDataSHA256: String?
    /// The new data is the file the previous run was trained on.
    public var sameData: Bool
    /// Rows the searches used (the holdout left out): now, and for the previous model.
    public var rows: Int
    public var previousRows: Int?
    public var metric: String
    public var goal: String
    public var promoted: Bool
    public var reason: String
    public var candidate: Scored?
    /// The previous run's best trial, with its CV score on the previous data.
    public var previousBest: Scored
    public var baseline: Baseline
    public var minImprovement: Double
    /// The previous run's best configurations evaluated first, and the trials searched after them.
    public var enqueued: Int
    public var furtherTrials: Int
    /// The trials that ran: of the enqueued configurations, and searched after them (fewer than
    /// asked when the space was used up or the run stopped early; nil in records before they were kept).
    public var enqueuedEvaluated: Int?
    public var furtherSearched: Int?
    /// Why the search ended before its budget (the space was used up), if it did.
    public var searchEnded: String?
    /// The candidate against the baseline fold by fold (nil: no shared folds to pair).
    public var paired: Paired?
    /// Classes of the new data the previous model never saw (counted as wrong for it).
    public var unseenClasses: [String]?
    /// Where the promoted model was copied (`--promote-to`).
    public var promotedTo: String?
    /// Why the promoted model could not be copied to `--promote-to` (the command exits 1 then).
    public var promotionFailed: String?
    public var notes: [String]

    enum CodingKeys: String, CodingKey {
        case previous, data, rows, metric, goal, promoted, reason, candidate, baseline, notes
        case dataSHA256 = "data_sha256", previousDataSHA256 = "previous_data_sha256", sameData = "same_data"
        case previousRows = "previous_rows", previousBest = "previous_best", minImprovement = "min_improvement"
        case enqueuedEvaluated = "enqueued_evaluated", furtherSearched = "further_searched", searchEnded =
            "search_ended"
        case unseenClasses = "unseen_classes", paired
        case promotedTo = "promoted_to", promotionFailed = "promotion_failed", enqueued, furtherTrials =
            "further_trials"
    }

    public static let fileName = "retrain.json"

    public func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return try encoder.encode(self)
    }

    /// The record in `directory`, if it is a retrained run (nil: it is not, or the file is unreadable).
    public static func read(directory: String) -> RetrainRecord? {
        let path = (directory as NSString).appendingPathComponent(fileName)
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(
            positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return try? decoder.decode(RetrainRecord.self, from: data)
    }

    /// Writes the record beside run.db (temp file + rename: a reader never sees half of it).
    public func write(directory: String) throws {
        let url = URL(fileURLWithPath: directory).appendingPathComponent(Self.fileName)
        try encoded().write(to: url, options: .atomic)
    }
}
