import Foundation
import GRDB
import SweepCore
import SweepProtocol
import SweepReport

/// The durable record of a sweep: SQLite in the run directory (`run.db`, WAL mode), readable
/// with any SQLite client. It holds the spec, trials (each written when the search suggests it),
/// tasks, leases, results (counted and duplicate), early-stopping decisions and events. Writes
/// are grouped: the coordinator buffers them while it handles a batch of messages and `commit()`s before it sends anything, so a result is durable before
/// its acknowledgement leaves. `synchronous=NORMAL` survives a crash of the process (not of the
/// machine's power), which is the failure `sweep resume` is for.
final class RunDatabase {
    static let fileName = "run.db"

    let path: String
    private let queue: DatabaseQueue
    private var pending: [PendingWrite] = []

    /// Facts about the sweep, written once.
    struct SweepRow {
        var sweepID: UInt64
        var name: String
        var mode: String  // "run" (local workers) or "coordinator"
        var bind: String
        var specPath: String
        var specText: String
        var dataSHA256: String?
        var workdirSHA256: String?
        var keyPath: String?
        var allowPaths: [String]
        var insecure: Bool
        /// Local worker processes and slots per process of a `sweep run` (nil: none recorded).
        var localWorkers: Int? = nil
        var localSlots: Int? = nil
    }

    /// What a resumed coordinator starts from.
    struct Restored {
        var sweep: SweepRow
        var trials: [Trial]
        /// Each task's latest attempt (read only when asked for: empty otherwise).
        var attempts: [TaskID: Int]
        /// Counted outcomes in the order they were counted.
        var counted: [TaskRecord]
        var decisions: [StoppedTrial]
        var reports: [(task: TaskID, step: Int, value: Double)]
        var duplicates: Int
        var requeues: Int
        /// Raised budgets, prior trials and retried failures (schema v5; empty before).
        var lifecycle = LifecycleRecord()
    }

    private init(path: String, queue: DatabaseQueue) {
        self.path = path
        self.queue = queue
    }

    static func configuration() -> Configuration {
        var configuration = Configuration()
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA journal_mode = WAL")
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        return configuration
    }

    /// A new run database for a sweep that starts now.
    static func create(directory: String, sweep: SweepRow, folds: Int) throws -> RunDatabase {
        let path = (directory as NSString).appendingPathComponent(fileName)
        if FileManager.default.fileExists(atPath: path) {
            throw RunDatabaseError(
                description:
                    "\(path) already exists: continue that sweep with `sweep resume \(directory)`, or choose another --out"
            )
        }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let database = RunDatabase(path: path, queue: try DatabaseQueue(path: path, configuration: configuration()))
        try migrator.migrate(database.queue)
        let process = CoordinatorProcess.current
        try database.queue.write { db in
            try db.execute(
                sql: """
                    INSERT INTO sweep (id, sweep_id, name, mode, bind, spec_path, spec_text, data_sha256, workdir_sha256,
                                       key_path, allow_paths, insecure, created_at, status, folds,
                                       coordinator_host, coordinator_pid, coordinator_start, local_workers, local_slots)
                    VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'running', ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    String(sweep.sweepID, radix: 16), sweep.name, sweep.mode, sweep.bind, sweep.specPath,
                    sweep.specText,
                    sweep.dataSHA256, sweep.workdirSHA256, sweep.keyPath, json(sweep.allowPaths), sweep.insecure, now(),
                    folds,
                    process.host, process.pid, process.startTicks, sweep.localWorkers, sweep.localSlots,
                ])
            try db.execute(
                sql: "INSERT INTO events (at, kind, detail) VALUES (?, 'started', ?)", arguments: [now(), sweep.name])
        }
        return database
    }

    /// Opens an existing run database to continue its sweep, after checking it is intact, and
    /// brings its schema up to date (additively: see `migrator`).
    static func open(directory: String) throws -> RunDatabase {
        let database = try open(directory: directory, configuration: configuration())
        do {
            try migrator.migrate(database.queue)
        } catch {
            throw RunDatabaseError(
                description:
                    "cannot bring the run database \(database.path) up to schema version \(schemaVersion): \(error)")
        }
        return database
    }

    /// Opens an existing run database read-only, as it is: WAL lets this read while a coordinator
    /// writes, and neither waits for the other. A database of an older version is not migrated.
    /// `immutable`: a finished run with no WAL left, read without creating -shm/-wal beside it.
    /// `checked: false` skips the integrity check (a full read of the file): for the coordinator
    /// reading back the database it has just written.
    static func openForReading(directory: String, immutable: Bool = false, checked: Bool = true) throws
        -> RunDatabase
    {
        var configuration = Configuration()
        configuration.readonly = true
        return try open(directory: directory, configuration: configuration, immutable: immutable, checked: checked)
    }

    /// No WAL beside run.db (or an empty one): a one-time reader can open it immutable.
    static func walIsEmpty(directory: String) -> Bool {
        let wal = (directory as NSString).appendingPathComponent(fileName + "-wal")
        return ((try? FileManager.default.attributesOfItem(atPath: wal))?[.size] as? NSNumber)?.intValue ?? 0 == 0
    }

    private static func open(
        directory: String, configuration: Configuration, immutable: Bool = false, checked: Bool = true
    ) throws -> RunDatabase {
        let path = (directory as NSString).appendingPathComponent(fileName)
        guard FileManager.default.fileExists(atPath: path) else {
            throw RunDatabaseError(
                description: "\(directory) has no \(fileName): it is not a run directory of this version of sweep")
        }
        do {
            let location = immutable ? URL(fileURLWithPath: path).absoluteString + "?immutable=1" : path
            let queue = try DatabaseQueue(path: location, configuration: configuration)
            let problems =
                checked ? try queue.read { db in try String.fetchAll(db, sql: "PRAGMA quick_check") } : ["ok"]
            let version = try queue.read { db in try Int.fetchOne(db, sql: "PRAGMA user_version") ?? 0 }
            try checkVersion(version, path: path)
            guard problems == ["ok"] else {
                throw RunDatabaseError(
                    description:
                        "the run database \(path) is corrupt (\(problems.prefix(3).joined(separator: "; "))). Restore it from a backup, or start the sweep again with `sweep run` into a new directory"
                )
            }
            return RunDatabase(path: path, queue: queue)
        } catch let error as RunDatabaseError {
            throw error
        } catch {
            throw RunDatabaseError(
                description:
                    "cannot read the run database \(path): \(error). If the file was damaged, restore it from a backup, or start the sweep again into a new directory"
            )
        }
    }

    /// Records this process as the sweep's coordinator (a resumed one), so that a report can tell
    /// whether the coordinator still runs, unless another coordinator on this host still serves
    /// it: checked and claimed in one write transaction, so two resumes cannot both win.
    func claim(directory: String) throws {
        let process = CoordinatorProcess.current
        try queue.writeWithoutTransaction { db in
            try db.inTransaction(.immediate) {
                try Self.checkNotServed(db, directory: directory)
                try db.execute(
                    sql:
                        "UPDATE sweep SET coordinator_host = ?, coordinator_pid = ?, coordinator_start = ? WHERE id = 1",
                    arguments: [process.host, process.pid, process.startTicks])
                return .commit
            }
        }
    }

    func restore(attempts: Bool) throws -> Restored {
        try queue.read { db in try restore(db, attempts: attempts) }
    }

    /// Reads what a resumed coordinator starts from (and what a report is made of), inside the
    /// caller's read transaction.
    /// `attempts`: also each task's latest attempt number (a million of them at scale), which
    /// a resumed coordinator needs (it numbers the next attempts after them: without them it
    /// would number them from 1 again and overwrite the attempts recorded); no default, so that
    /// every caller says.
    func restore(_ db: Database, attempts withAttempts: Bool) throws -> Restored {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM sweep WHERE id = 1") else {
            throw RunDatabaseError(description: "\(path) has no sweep record")
        }
        let allow =
            (try? JSONDecoder().decode([String].self, from: Data((row["allow_paths"] as String? ?? "[]").utf8))) ?? []
        let sweep = SweepRow(
            sweepID: UInt64(row["sweep_id"] as String, radix: 16) ?? 0, name: row["name"], mode: row["mode"],
            bind: row["bind"], specPath: row["spec_path"], specText: row["spec_text"],
            dataSHA256: row["data_sha256"], workdirSHA256: row["workdir_sha256"], keyPath: row["key_path"],
            allowPaths: allow, insecure: row["insecure"], localWorkers: row["local_workers"],
            localSlots: row["local_slots"])
        // Cursors and column numbers: a million rows are read one at a time, without a Row each
        // kept in memory or a column name looked up (and lowercased) per value.
        var trials: [Trial] = []
        let trialRows = try Row.fetchCursor(db, sql: "SELECT trial, params FROM trials ORDER BY trial")
        while let row = try trialRows.next() {
            trials.append(Trial(number: row[0], params: try Codec.decodeParams([UInt8](row[1] as Data))))
        }
        var attempts: [TaskID: Int] = [:]
        if withAttempts {
            let attemptRows = try Row.fetchCursor(
                db, sql: "SELECT trial, fold, max(attempt) FROM attempts GROUP BY trial, fold")
            while let row = try attemptRows.next() { attempts[TaskID(trial: row[0], fold: row[1])] = row[2] }
        }
        var counted: [TaskRecord] = []
        let results = try Row.fetchCursor(
            db,
            sql: """
                SELECT trial, fold, status, worker, host, attempt, duration, metrics_json, error
                FROM results WHERE counted = 1 ORDER BY id
                """)
        while let row = try results.next() {
            counted.append(
                TaskRecord(
                    task: TaskID(trial: row[0], fold: row[1]), status: TaskStatus(rawValue: row[2]) ?? .failed,
                    worker: row[3], host: row[4], attempt: row[5], duration: row[6], metrics: decodeMetrics(row[7]),
                    error: row[8]))
        }
        let decisions = try Row.fetchAll(db, sql: "SELECT * FROM decisions ORDER BY id").map { row in
            StoppedTrial(
                decision: StopDecision(
                    trial: row["trial"], rule: StopDecision.Rule(rawValue: row["rule"]) ?? .racing,
                    fold: row["fold"], step: row["step"], reason: row["reason"]),
                dropped: row["dropped"], cancelled: row["cancelled"])
        }
        let reports = try Row.fetchAll(db, sql: "SELECT trial, fold, step, value FROM reports ORDER BY id").map { row in
            (
                task: TaskID(trial: row["trial"], fold: row["fold"]), step: row["step"] as Int,
                value: row["value"] as Double
            )
        }
        let lifecycle = try Self.lifecycleRecord(db)
        let duplicates =
            try Int.fetchOne(
                db,
                sql: "SELECT count(*) FROM results WHERE counted = 0"
                    + (lifecycle.hasSupersededColumn ? " AND superseded_at IS NULL" : "")) ?? 0
        let requeues =
            try Int.fetchOne(
                db, sql: "SELECT coalesce(sum(CAST(detail AS INTEGER)), 0) FROM events WHERE kind = 'requeued'") ?? 0
        return Restored(
            sweep: sweep, trials: trials, attempts: attempts, counted: counted, decisions: decisions, reports: reports,
            duplicates: duplicates, requeues: requeues, lifecycle: lifecycle)
    }

    func read<T>(_ body: (Database) throws -> T) throws -> T { try queue.read(body) }

    /// One write transaction, committed at once (for the few writes outside the coordinator's batches).
    func queueWrite<T>(_ body: (Database) throws -> T) throws -> T { try queue.write(body) }

    // MARK: Buffered writes (committed together by `commit()`)

    /// A trial the search suggested (written before any of its tasks is sent; its tasks follow
    /// from the `tasks` view).
    func trialAdded(_ trial: Trial) {
        let json = trial.params.json  // once: the content hash is of this text
        pending.append(
            .trial(
                number: trial.number, json: json, params: Codec.encode(trial.params),
                hash: String(fnv1a64(json.utf8), radix: 16)))
    }

    /// An early-stopping decision with its reason and what it saved.
    func stopped(_ decision: StopDecision, dropped: Int, cancelled: Int) {
        pending.append(
            .sql(
                "INSERT INTO decisions (trial, rule, fold, step, reason, dropped, cancelled, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    decision.trial, decision.rule.rawValue, decision.fold, decision.step, decision.reason, dropped,
                    cancelled, now(),
                ]
            ))
    }

    /// An intermediate value of the objective (kept when a stopping rule reads them, for resume).
    func reported(_ lease: LeaseRef, step: Int, value: Double) {
        pending.append(
            .sql(
                "INSERT INTO reports (trial, fold, attempt, step, value) VALUES (?, ?, ?, ?, ?)",
                [lease.trial, lease.fold, lease.attempt, step, value]
            ))
    }

    func dispatched(_ lease: LeaseRef, worker: String, host: String) {
        pending.append(.attempt(lease, worker: worker, host: host, at: now()))
    }

    func counted(_ record: TaskRecord) {
        pending.append(.result(record, metrics: metricsJSON(record.metrics), at: now()))
    }

    func duplicate(_ lease: LeaseRef, worker: String, metrics: [String: Double]) {
        pending.append(
            .sql(
                "INSERT INTO results (trial, fold, attempt, worker, host, status, duration, metrics_json, error, counted, received_at) VALUES (?, ?, ?, ?, '', 'duplicate', 0, ?, NULL, 0, ?)",
                [lease.trial, lease.fold, lease.attempt, worker, metricsJSON(metrics), now()]
            ))
    }

    func event(_ kind: String, _ detail: String) {
        pending.append(.sql("INSERT INTO events (at, kind, detail) VALUES (?, ?, ?)", [now(), kind, detail]))
    }

    /// The address actually bound (a resumed coordinator binds it again, so workers find it).
    func bound(_ endpoint: String) {
        pending.append(.sql("UPDATE sweep SET bind = ? WHERE id = 1", [endpoint]))
    }

    /// The sweep's end: every task counted (`finished`) or stopped on request, after `wallSeconds`.
    func finished(complete: Bool, wallSeconds: Double) {
        pending.append(
            .sql(
                "UPDATE sweep SET status = ?, finished_at = ?, wall_seconds = ? WHERE id = 1",
                [complete ? "finished" : "stopped", now(), wallSeconds]
            ))
    }

    /// The refit of the best configuration (after the sweep finished), committed at once (the end
    /// of the sweep folds it into the database file with the nested estimate).
    func recordRefit(_ refit: RefitOutcome) throws {
        pending.append(
            .sql(
                "INSERT OR REPLACE INTO refit (id, model_file, note, holdout_json, holdout_rows, at) VALUES (1, ?, ?, ?, ?, ?)",
                [refit.modelFile, refit.note, refit.holdout.map(metricsJSON), refit.holdoutRows, now()]
            ))
        try commit()
    }

    /// Nested CV's outcome (after the sweep finished), committed at once like the refit.
    func recordNested(_ outcome: NestedOutcome) throws {
        pending.append(
            .sql(
                "INSERT OR REPLACE INTO nested (id, outcome_json, at) VALUES (1, ?, ?)",
                [Self.nestedJSON(outcome), now()]
            ))
        try commit()
    }

    /// Writes everything buffered in one transaction.
    func commit() throws {
        guard !pending.isEmpty else { return }
        let writes = pending
        pending.removeAll(keepingCapacity: true)
        // One transaction through cached BEGIN and COMMIT statements: GRDB's `write` compiles both
        // anew on every call, which cost more than the inserts of a small batch.
        try queue.writeWithoutTransaction { db in
            try db.cachedStatement(sql: "BEGIN IMMEDIATE TRANSACTION").execute()  // as GRDB writes
            do {
                try PendingWrite.perform(writes, in: db)
                try db.cachedStatement(sql: "COMMIT TRANSACTION").execute()
            } catch {
                if db.isInsideTransaction { try? db.execute(sql: "ROLLBACK TRANSACTION") }
                throw error
            }
        }
    }

    /// Folds the write-ahead log into the database file, so a finished run is one self-contained file.
    func checkpoint() {
        try? queue.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
    }
}

/// A run database that cannot be used, with what to do about it.
public struct RunDatabaseError: Error, CustomStringConvertible {
    public let description: String
}

private func now() -> Double { Date().timeIntervalSince1970 }

private func json<T: Encodable>(_ value: T) -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = .sortedKeys
    return String(decoding: (try? encoder.encode(value)) ?? Data("null".utf8), as: UTF8.self)
}

/// Metrics from their JSON object; null (a non-finite value) reads as NaN, and text that is not
/// such an object as no metrics.
func decodeMetrics(_ text: String) -> [String: Double] {
    if let metrics = decodeWrittenMetrics(text) { return metrics }
    guard let values = try? JSONDecoder().decode([String: Double?].self, from: Data(text.utf8)) else { return [:] }
    return values.mapValues { $0 ?? .nan }
}

/// Metrics as a JSON object with sorted keys, written directly: this runs once per counted task,
/// where a general-purpose encoder would be the slowest step. Doubles print in their shortest
/// round-tripping form; non-finite values as null.
func metricsJSON(_ metrics: [String: Double]) -> String {
    var out = "{"
    for (index, name) in metrics.keys.sorted().enumerated() {
        if index > 0 { out += "," }
        let value = metrics[name]!
        out += jsonQuoted(name) + ":" + (value.isFinite ? "\(value)" : "null")
    }
    return out + "}"
}

/// The objects `metricsJSON` writes (plain names, numbers or null), read directly: a million-task
/// run's summary reads a million of them, where JSONDecoder would be most of its time. Nil for
/// anything else (escaped names, other JSON), which the general decoder then reads.
func decodeWrittenMetrics(_ text: String) -> [String: Double]? {
    var utf8 = text.utf8[...]
    guard utf8.popFirst() == UInt8(ascii: "{"), utf8.popLast() == UInt8(ascii: "}") else { return nil }
    var metrics: [String: Double] = [:]
    while !utf8.isEmpty {
        guard utf8.popFirst() == UInt8(ascii: "\""),
            let close = utf8.firstIndex(where: { $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }),
            utf8[close] == UInt8(ascii: "\""), let name = String(utf8[..<close])
        else { return nil }
        utf8 = utf8[utf8.index(after: close)...]
        guard utf8.popFirst() == UInt8(ascii: ":") else { return nil }
        let end = utf8.firstIndex(of: UInt8(ascii: ",")) ?? utf8.endIndex
        guard let literal = String(utf8[..<end]) else { return nil }
        if literal == "null" {
            metrics[name] = .nan
        } else if let value = Double(literal), value.isFinite {
            metrics[name] = value
        } else {
            return nil
        }
        utf8 = utf8[end...]
        if !utf8.isEmpty { _ = utf8.popFirst() }
        guard metrics.count < 10_000 else { return nil }
    }
    return metrics
}
