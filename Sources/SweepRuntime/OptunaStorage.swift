import Foundation
import GRDB
import SweepCore
import SweepReport

/// Writes an `OptunaStudy` into an optuna RDB storage on SQLite, in optuna's own schema (the
/// tables of `optuna/storages/_rdb/models.py` at alembic revision `v3.2.0.a`, the head from
/// optuna 3.2 to 5.1 at least), so `optuna.load_study(study_name=…, storage="sqlite:///…")`
/// reads it. A new file gets the whole schema; an existing optuna database of that revision gets
/// one more study; any other file is refused, as is a study name it already has.
enum OptunaStorage {
    /// optuna's alembic head revision and its frozen `models.SCHEMA_VERSION`.
    static let alembicRevision = "v3.2.0.a"
    static let schemaVersion = 12
    static let libraryVersion = "5.1.0"

    /// The file a SQLAlchemy SQLite URL names: `sqlite:///relative/path.db` (relative to the
    /// working directory), `sqlite:////absolute/path.db`; `%XX` escapes decoded, as SQLAlchemy does.
    static func path(ofURL url: String) throws -> String {
        guard let colon = url.firstIndex(of: ":") else {
            throw ExportError(
                description:
                    "'\(url)' is not a storage URL: write sqlite:///path/to/study.db (three slashes, then the path)"
            )
        }
        let scheme = url[..<colon].lowercased()
        guard scheme == "sqlite" || scheme.hasPrefix("sqlite+") else {
            throw ExportError(
                description:
                    "'\(url)': sweep writes optuna studies to SQLite only (sqlite:///path/to/study.db); export there, then copy the study to \(scheme) with `optuna copy-study`"
            )
        }
        let rest = url[url.index(after: colon)...]
        guard rest.hasPrefix("///") else {
            throw ExportError(
                description: "'\(url)' names no file: write sqlite:///relative/path.db or sqlite:////absolute/path.db")
        }
        let encoded = String(rest.dropFirst(3))
        guard !encoded.contains("?") else {
            throw ExportError(
                description:
                    "'\(url)': query parameters are not supported here; name the file alone (sqlite:///study.db)")
        }
        guard let path = encoded.removingPercentEncoding, !path.isEmpty, path != ":memory:" else {
            throw ExportError(
                description: "'\(url)' names no file to write (an in-memory database would be lost at once)")
        }
        return path
    }

    /// Adds `study` to the storage at `path` as `name`, in one transaction.
    static func write(_ study: OptunaStudy, name: String, toPath path: String) throws {
        let queue: DatabaseQueue
        do {
            queue = try DatabaseQueue(path: path)
        } catch {
            let hint =
                path.hasPrefix("/")
                ? "" : " (sqlite:/// takes a path relative to the working directory; sqlite:////… an absolute one)"
            throw ExportError(description: "cannot open \(path) as a SQLite database: \(error)\(hint)")
        }
        do {
            try queue.write { db in
                try prepareSchema(db, path: path)
                if try Int.fetchOne(db, sql: "SELECT 1 FROM studies WHERE study_name = ?", arguments: [name]) != nil {
                    throw ExportError(
                        description:
                            "\(path) already has a study named '\(name)': choose another with --study-name, or delete that study (optuna.delete_study)"
                    )
                }
                try insert(study, name: name, db)
            }
        } catch let error as ExportError {
            throw error
        } catch {
            throw ExportError(description: "cannot write the optuna study into \(path): \(error)")
        }
    }

    /// Creates optuna's schema in an empty database, or checks that an existing one is optuna's
    /// at the revision written here.
    private static func prepareSchema(_ db: Database, path: String) throws {
        let tables = try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table'")
        if tables.isEmpty {
            try db.execute(sql: schema)
            try db.execute(
                sql: "INSERT INTO version_info (version_info_id, schema_version, library_version) VALUES (1, ?, ?)",
                arguments: [schemaVersion, libraryVersion])
            try db.execute(sql: "INSERT INTO alembic_version (version_num) VALUES (?)", arguments: [alembicRevision])
            return
        }
        guard tables.contains("alembic_version"), tables.contains("studies") else {
            throw ExportError(
                description:
                    "\(path) is a SQLite database but not an optuna storage (it has no studies/alembic_version tables); name a new file or an optuna storage"
            )
        }
        let revision = try String.fetchOne(db, sql: "SELECT version_num FROM alembic_version")
        guard revision == alembicRevision else {
            throw ExportError(
                description:
                    "\(path) is an optuna storage of schema revision \(revision ?? "none"); sweep writes revision \(alembicRevision) (optuna 3.2 and later). Upgrade it with `optuna storage upgrade --storage sqlite:///\(path)`, or name a new file"
            )
        }
    }
}
