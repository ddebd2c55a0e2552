import Foundation
import GRDB
import SweepReport

/// Nested CV's outcome in the run database (schema v6, table `nested`): one JSON row, written at
/// the end of a complete sweep with cv.outer, read by `sweep report` like the refit.
extension RunDatabase {
    static let schemaV6 = """
        -- Nested CV (cv.outer): per outer fold the chosen trial, its inner mean and its outer score.
        CREATE TABLE nested (id INTEGER PRIMARY KEY CHECK (id = 1), outcome_json TEXT NOT NULL, at REAL NOT NULL);
        PRAGMA user_version = 6;
        """

    /// The recorded outcome, or nil (no nested CV, not finished yet, or a database from before v6).
    static func storedNested(_ db: Database) throws -> NestedOutcome? {
        guard try db.tableExists("nested"),
            let text = try String.fetchOne(db, sql: "SELECT outcome_json FROM nested WHERE id = 1")
        else { return nil }
        return try? JSONDecoder().decode(NestedOutcome.self, from: Data(text.utf8))
    }

    static func nestedJSON(_ outcome: NestedOutcome) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return String(decoding: (try? encoder.encode(outcome)) ?? Data("{}".utf8), as: UTF8.self)
    }
}
