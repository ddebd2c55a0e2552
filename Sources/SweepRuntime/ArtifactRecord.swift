import Foundation
import GRDB
import SweepCore

/// Which artifacts arrived, were lost, refused or dropped (table `artifacts` of run.db, made on
/// first use: sweeps without artifacts, and run directories of older versions, have none).
extension RunDatabase {
    static let artifactsTable = """
        CREATE TABLE IF NOT EXISTS artifacts (trial INTEGER NOT NULL, fold INTEGER NOT NULL, path TEXT NOT NULL,
                                              size INTEGER NOT NULL, sha256 TEXT NOT NULL, state TEXT NOT NULL,
                                              reason TEXT NOT NULL)
        """

    func recordArtifacts(_ rows: [ArtifactRow]) throws {
        guard !rows.isEmpty else { return }
        try queueWrite { db in
            try db.execute(sql: Self.artifactsTable)
            for row in rows {
                try db.execute(
                    sql:
                        "INSERT INTO artifacts (trial, fold, path, size, sha256, state, reason) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    arguments: [
                        row.task.trial, row.task.fold, row.path, row.size, row.sha256, row.state.rawValue, row.reason,
                    ])
            }
        }
    }

    /// Every recorded artifact, in the order recorded (none when the table does not exist).
    func artifactRows() throws -> [ArtifactRow] {
        try read { db in
            guard try db.tableExists("artifacts") else { return [] }
            return try Row.fetchAll(db, sql: "SELECT * FROM artifacts ORDER BY rowid").map { row in
                ArtifactRow(
                    task: TaskID(trial: row["trial"], fold: row["fold"]), path: row["path"], size: row["size"],
                    sha256: row["sha256"], state: ArtifactRow.State(rawValue: row["state"]) ?? .lost,
                    reason: row["reason"])
            }
        }
    }

    /// Policy `best`: every other trial's arrived artifacts are marked dropped.
    func dropArtifacts(exceptTrial trial: Int) throws {
        try queueWrite { db in
            guard try db.tableExists("artifacts") else { return }
            try db.execute(
                sql:
                    "UPDATE artifacts SET state = 'dropped', reason = 'not the best trial' WHERE trial != ? AND state = 'arrived'",
                arguments: [trial])
        }
    }
}

extension ArtifactCollector {
    func record(in database: RunDatabase) throws { try database.recordArtifacts(rows) }
}
