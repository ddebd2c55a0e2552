import GRDB
import GRDBSQLite
import SweepCore
import SweepProtocol

/// A write the coordinator buffered until `RunDatabase.commit()`. The three written for every
/// task (its trial, its dispatch, its result) are bound straight to their prepared statements:
/// GRDB's argument arrays cost more than the inserts themselves (about a third of run.db's share
/// of the coordinator at 1,000 workers). Everything else goes through GRDB as SQL and arguments.
enum PendingWrite {
    case trial(number: Int, json: String, params: [UInt8], hash: String)
    case attempt(LeaseRef, worker: String, host: String, at: Double)
    case result(TaskRecord, metrics: String, at: Double)
    case sql(String, StatementArguments)

    static let trialSQL = "INSERT INTO trials (trial, params_json, params, content_hash) VALUES (?, ?, ?, ?)"
    static let attemptSQL =
        "INSERT OR REPLACE INTO attempts (trial, fold, attempt, worker, host, dispatched_at) VALUES (?, ?, ?, ?, ?, ?)"
    static let resultSQL =
        "INSERT INTO results (trial, fold, attempt, worker, host, status, duration, metrics_json, error, counted, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?)"

    /// Performs the writes in order, inside the caller's transaction.
    static func perform(_ writes: [PendingWrite], in db: Database) throws {
        var trial, attempt, result: OpaquePointer?
        for write in writes {
            switch write {
            case .sql(let sql, let arguments):
                try db.cachedStatement(sql: sql).execute(arguments: arguments)
            case .trial(let number, let json, let params, let hash):
                let statement = try prepared(&trial, trialSQL, db)
                bind(statement, 1, number)
                bind(statement, 2, json)
                params.withUnsafeBytes { bytes in
                    // A blob of no bytes is still a blob (a nil pointer would bind NULL).
                    guard let base = bytes.baseAddress, bytes.count > 0 else {
                        _ = sqlite3_bind_zeroblob(statement, 3, 0)
                        return
                    }
                    _ = sqlite3_bind_blob(statement, 3, base, Int32(bytes.count), transient)
                }
                bind(statement, 4, hash)
                try step(statement, db)
            case .attempt(let lease, let worker, let host, let at):
                let statement = try prepared(&attempt, attemptSQL, db)
                bind(statement, 1, lease.trial)
                bind(statement, 2, lease.fold)
                bind(statement, 3, lease.attempt)
                bind(statement, 4, worker)
                bind(statement, 5, host)
                sqlite3_bind_double(statement, 6, at)
                try step(statement, db)
            case .result(let record, let metrics, let at):
                let statement = try prepared(&result, resultSQL, db)
                bind(statement, 1, record.task.trial)
                bind(statement, 2, record.task.fold)
                bind(statement, 3, record.attempt)
                bind(statement, 4, record.worker)
                bind(statement, 5, record.host)
                bind(statement, 6, record.status.rawValue)
                sqlite3_bind_double(statement, 7, record.duration)
                bind(statement, 8, metrics)
                if let error = record.error { bind(statement, 9, error) } else { sqlite3_bind_null(statement, 9) }
                sqlite3_bind_double(statement, 10, at)
                try step(statement, db)
            }
        }
    }

    /// SQLite copies bound text and blobs (they need not outlive the call).
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    /// The connection's cached statement for `sql` (looked up once per commit, not per row).
    private static func prepared(_ slot: inout OpaquePointer?, _ sql: String, _ db: Database) throws -> OpaquePointer {
        if let statement = slot { return statement }
        let statement = try db.cachedStatement(sql: sql).sqliteStatement
        sqlite3_reset(statement)
        slot = statement
        return statement
    }

    private static func bind(_ statement: OpaquePointer, _ index: Int32, _ value: Int) {
        sqlite3_bind_int64(statement, index, Int64(value))
    }

    /// Text by its UTF-8 length (a NUL inside is kept, as GRDB keeps it); "" is text, never NULL.
    private static func bind(_ statement: OpaquePointer, _ index: Int32, _ value: String) {
        var text = value
        text.withUTF8 { bytes in
            guard let base = bytes.baseAddress, bytes.count > 0 else {
                _ = sqlite3_bind_text(statement, index, "", 0, transient)
                return
            }
            let characters = UnsafeRawPointer(base).assumingMemoryBound(to: CChar.self)
            _ = sqlite3_bind_text(statement, index, characters, Int32(bytes.count), transient)
        }
    }

    /// Runs the insert and leaves the statement reset with no bindings, as GRDB expects to find it.
    private static func step(_ statement: OpaquePointer, _ db: Database) throws {
        let code = sqlite3_step(statement)
        sqlite3_reset(statement)
        sqlite3_clear_bindings(statement)
        guard code == SQLITE_DONE else {
            throw DatabaseError(
                resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(db.sqliteConnection)),
                sql: sqlite3_sql(statement).map { String(cString: $0) })
        }
    }
}
