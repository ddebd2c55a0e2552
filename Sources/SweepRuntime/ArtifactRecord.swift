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

extension RunDatabase {
    /// The report's lines about artifacts: per task, the files that arrived; each loss and refusal.
    static func artifactLines(_ db: Database) throws -> [String] {
        guard try db.tableExists("artifacts") else { return [] }
        var lines: [String] = []
        let arrived = try Row.fetchAll(
            db,
            sql: """
                SELECT trial, fold, count(*) AS files, sum(size) AS bytes FROM artifacts
                WHERE state = 'arrived' GROUP BY trial, fold ORDER BY trial, fold LIMIT 100
                """)
        for row in arrived {
            let (trial, fold, files, bytes): (Int, Int, Int, Int) = (
                row["trial"], row["fold"], row["files"], row["bytes"]
            )
            lines.append(
                "`artifacts/trial-\(trial)-fold-\(fold)/`: \(files) file\(files == 1 ? "" : "s"), \(bytes) bytes")
        }
        let problems = try Row.fetchAll(
            db,
            sql:
                "SELECT trial, fold, path, state, reason FROM artifacts WHERE state IN ('lost', 'refused') ORDER BY rowid LIMIT 50"
        )
        for row in problems {
            let (trial, fold, path, state, reason): (Int, Int, String, String, String) = (
                row["trial"], row["fold"], row["path"], row["state"], row["reason"]
            )
            let what = path.isEmpty ? "" : " `\(path)`"
            lines.append("trial \(trial) fold \(fold)\(what) \(state): \(reason)")
        }
        return lines
    }
}
