import Foundation
import GRDB

/// The run database's schema, built by GRDB's migrator one additive step at a time, so a run
/// directory written by an earlier sweep still opens (and resumes) with this one.
///
/// - v2: the sweep, its trials, attempts, results, events, early-stopping decisions and reports.
///   Databases of that version predate the migrator: they carry `user_version = 2` and no
///   `grdb_migrations` table, so the v2 step creates only what is missing (`IF NOT EXISTS`).
/// - v3: how the sweep ended, for `sweep report`: the wall time, the coordinator process (to tell
///   a running sweep from one whose coordinator crashed) and the refit outcome.
/// - v4: the local worker processes and their slots of a `sweep run`, which `sweep resume`
///   starts again (NULL for a `sweep coordinator`, and for sweeps recorded before).
/// - v5: the search lifecycle: a budget raised by `sweep resume --trials/--time-limit` (NULL:
///   the spec's) and where it restarted the no-improvement count; `results.superseded_at`, when
///   `sweep retry` set a counted failure aside (it stays, with `counted = 0`); `prior_trials`, the
///   warm-start trials the sampler learns from, recorded once when the sweep starts.
/// - v6: `nested`, nested CV's outcome (cv.outer), recorded when the sweep finishes.
///
/// `PRAGMA user_version` follows the newest step, for SQLite clients and for older sweeps, which
/// refuse a version they do not know with a plain message.
extension RunDatabase {
    /// The schema's version (`PRAGMA user_version`) after every migration.
    static let schemaVersion = 6
    /// The oldest version this sweep migrates (readers read it as it is).
    static let oldestReadableVersion = 2

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v2") { db in try db.execute(sql: schemaV2) }
        migrator.registerMigration("v3") { db in
            try db.execute(
                sql: """
                    ALTER TABLE sweep ADD COLUMN wall_seconds REAL;
                    ALTER TABLE sweep ADD COLUMN coordinator_host TEXT;
                    ALTER TABLE sweep ADD COLUMN coordinator_pid INTEGER;
                    ALTER TABLE sweep ADD COLUMN coordinator_start INTEGER;
                    -- The refit of the best configuration, once the sweep finished: the model file or
                    -- why there is none, and the refitted model's scores on the held-out rows.
                    CREATE TABLE refit (id INTEGER PRIMARY KEY CHECK (id = 1), model_file TEXT, note TEXT,
                                        holdout_json TEXT, holdout_rows INTEGER NOT NULL, at REAL NOT NULL);
                    PRAGMA user_version = 3;
                    """)
        }
        migrator.registerMigration("v4-local-workers") { db in
            try db.execute(
                sql: """
                    ALTER TABLE sweep ADD COLUMN local_workers INTEGER;
                    ALTER TABLE sweep ADD COLUMN local_slots INTEGER;
                    PRAGMA user_version = 4;
                    """)
        }
        migrator.registerMigration("v5-lifecycle") { db in try db.execute(sql: schemaV5) }
        migrator.registerMigration("v6-nested") { db in try db.execute(sql: schemaV6) }
        return migrator
    }

    /// Checks that a database's version is one this sweep can read, with what to do if not.
    static func checkVersion(_ version: Int, path: String) throws {
        if version > schemaVersion {
            throw RunDatabaseError(
                description:
                    "\(path) has run-database schema version \(version), written by a newer sweep; this one reads versions \(oldestReadableVersion) to \(schemaVersion). Use the newer sweep"
            )
        }
        if version < oldestReadableVersion {
            throw RunDatabaseError(
                description:
                    "\(path) has run-database schema version \(version); this sweep reads versions \(oldestReadableVersion) to \(schemaVersion). Use the sweep that wrote it, or start the sweep again into a new directory"
            )
        }
    }

    static let schemaV5 = """
        ALTER TABLE sweep ADD COLUMN trials_budget INTEGER;
        ALTER TABLE sweep ADD COLUMN time_limit REAL;
        -- The last results.id when the budget was raised: stop_after_no_improvement counts from there.
        ALTER TABLE sweep ADD COLUMN patience_from_result INTEGER;
        ALTER TABLE results ADD COLUMN superseded_at REAL;
        -- value: the mean objective (a stopped trial's last intermediate value, or NULL).
        CREATE TABLE prior_trials (id INTEGER PRIMARY KEY, source TEXT NOT NULL, source_trial INTEGER NOT NULL,
                                   params_json TEXT NOT NULL, params BLOB NOT NULL, state TEXT NOT NULL, value REAL);
        PRAGMA user_version = 5;
        """

    static let schemaV2 = """
        CREATE TABLE IF NOT EXISTS sweep (
            id INTEGER PRIMARY KEY CHECK (id = 1), sweep_id TEXT NOT NULL, name TEXT NOT NULL, mode TEXT NOT NULL,
            bind TEXT NOT NULL, spec_path TEXT NOT NULL, spec_text TEXT NOT NULL, data_sha256 TEXT, workdir_sha256 TEXT,
            key_path TEXT, allow_paths TEXT, insecure INTEGER NOT NULL, created_at REAL NOT NULL,
            status TEXT NOT NULL, finished_at REAL, folds INTEGER NOT NULL);
        CREATE TABLE IF NOT EXISTS trials (trial INTEGER PRIMARY KEY, params_json TEXT NOT NULL, params BLOB NOT NULL, content_hash TEXT NOT NULL);
        -- Every (trial, fold): derived from the trials and the sweep's folds per trial, so a
        -- suggestion costs one row, not one per fold.
        CREATE VIEW IF NOT EXISTS tasks AS
            WITH RECURSIVE folds(fold) AS (SELECT 0 UNION ALL SELECT fold + 1 FROM folds WHERE fold + 1 < (SELECT folds FROM sweep WHERE id = 1))
            SELECT t.trial, f.fold FROM trials t, folds f;
        CREATE TABLE IF NOT EXISTS attempts (trial INTEGER NOT NULL, fold INTEGER NOT NULL, attempt INTEGER NOT NULL, worker TEXT NOT NULL,
                               host TEXT NOT NULL, dispatched_at REAL NOT NULL, PRIMARY KEY (trial, fold, attempt));
        CREATE TABLE IF NOT EXISTS results (id INTEGER PRIMARY KEY, trial INTEGER NOT NULL, fold INTEGER NOT NULL, attempt INTEGER NOT NULL,
                              worker TEXT NOT NULL, host TEXT NOT NULL, status TEXT NOT NULL, duration REAL NOT NULL,
                              metrics_json TEXT NOT NULL, error TEXT, counted INTEGER NOT NULL, received_at REAL NOT NULL);
        CREATE UNIQUE INDEX IF NOT EXISTS one_counted_result ON results (trial, fold) WHERE counted = 1;
        CREATE TABLE IF NOT EXISTS events (id INTEGER PRIMARY KEY, at REAL NOT NULL, kind TEXT NOT NULL, detail TEXT NOT NULL);
        -- Early-stopping decisions: which trial, by which rule, why, and the tasks it saved.
        CREATE TABLE IF NOT EXISTS decisions (id INTEGER PRIMARY KEY, trial INTEGER NOT NULL, rule TEXT NOT NULL, fold INTEGER NOT NULL,
                                step INTEGER, reason TEXT NOT NULL, dropped INTEGER NOT NULL, cancelled INTEGER NOT NULL, at REAL NOT NULL);
        -- Intermediate objective values that asha and median stopping decided on.
        CREATE TABLE IF NOT EXISTS reports (id INTEGER PRIMARY KEY, trial INTEGER NOT NULL, fold INTEGER NOT NULL, attempt INTEGER NOT NULL,
                              step INTEGER NOT NULL, value REAL NOT NULL);
        -- Each task's state, derived (nothing to keep in step): ok / failed once counted, else
        -- running once dispatched, else pending.
        CREATE VIEW IF NOT EXISTS task_status AS
            SELECT t.trial, t.fold,
                   coalesce((SELECT r.status FROM results r WHERE r.trial = t.trial AND r.fold = t.fold AND r.counted = 1),
                            CASE WHEN EXISTS (SELECT 1 FROM attempts a WHERE a.trial = t.trial AND a.fold = t.fold) THEN 'running' ELSE 'pending' END) AS status,
                   (SELECT count(*) FROM attempts a WHERE a.trial = t.trial AND a.fold = t.fold) AS attempts
            FROM tasks t;
        PRAGMA user_version = 2;
        """
}
