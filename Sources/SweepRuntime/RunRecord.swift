import Foundation
import GRDB
import SweepCore
import SweepProtocol
import SweepReport

/// A sweep's run database as the coordinator uses it: a new one for a new sweep, or an existing
/// one with the state `sweep resume` continues from.
public final class RunRecord {
    let database: RunDatabase
    public let sweepID: UInt64
    public let isResume: Bool
    let restoredRecords: [TaskID: TaskRecord]
    let restoredState: CoordinatorMachine.Restored?
    /// Facts stored when the sweep started (for resume).
    public let mode: String
    public let bind: String
    public let specPath: String
    public let specText: String
    public let keyPath: String?
    public let allowPaths: [String]
    public let insecure: Bool
    /// Local worker processes and slots of a `sweep run`, for its resume (nil: not recorded).
    public let localWorkers: Int?
    public let localSlots: Int?
    /// The coordinator the database named on another host when this resume began (nil: none):
    /// from here there is no telling whether it still runs.
    public private(set) var servedElsewhere: String?
    let dataSHA256: String?
    let workdirSHA256: String?
    /// Raised budgets and warm-start trials (schema v5).
    var lifecycle = LifecycleRecord()
    /// What the warm start took and skipped from each earlier run (a new sweep's; empty on resume).
    public internal(set) var warmStartNotes: [String] = []

    private init(
        database: RunDatabase, row: RunDatabase.SweepRow, isResume: Bool,
        records: [TaskID: TaskRecord], state: CoordinatorMachine.Restored?
    ) {
        self.database = database
        sweepID = row.sweepID
        self.isResume = isResume
        restoredRecords = records
        restoredState = state
        mode = row.mode
        bind = row.bind
        specPath = row.specPath
        specText = row.specText
        keyPath = row.keyPath
        allowPaths = row.allowPaths
        insecure = row.insecure
        localWorkers = row.localWorkers
        localSlots = row.localSlots
        dataSHA256 = row.dataSHA256
        workdirSHA256 = row.workdirSHA256
    }

    /// Starts the run database of a new sweep in `directory`; `localWorkers` are the worker
    /// processes (and slots each) a `sweep run` starts, which its resume starts again.
    public static func create(
        directory: String, sweep: LoadedSweep, mode: String, bind: String, keyPath: String?,
        allowPaths: [String], insecure: Bool, localWorkers: (count: Int, slots: Int)? = nil
    ) throws -> RunRecord {
        let row = RunDatabase.SweepRow(
            sweepID: UInt64.random(in: 1...UInt64.max), name: sweep.spec.name, mode: mode, bind: bind,
            specPath: URL(fileURLWithPath: sweep.specPath).standardizedFileURL.path, specText: sweep.specText,
            dataSHA256: sweep.dataSHA256, workdirSHA256: sweep.workdirBlob?.sha256,
            keyPath: keyPath.map { URL(fileURLWithPath: $0).standardizedFileURL.path },
            allowPaths: allowPaths.map { URL(fileURLWithPath: $0).standardizedFileURL.path }, insecure: insecure,
            localWorkers: localWorkers?.count, localSlots: localWorkers?.slots)
        // Earlier runs are read before anything is created, so a bad warm start leaves no directory.
        let warmStart = try WarmStart.load(sweep)
        let database = try RunDatabase.create(directory: directory, sweep: row, folds: sweep.spec.taskFolds)
        if !sweep.spec.search.warmStart.isEmpty {
            try database.recordPriorTrials(warmStart.trials, notes: warmStart.notes)
        }
        let record = RunRecord(database: database, row: row, isResume: false, records: [:], state: nil)
        record.lifecycle.priorTrials = warmStart.trials
        record.warmStartNotes = warmStart.notes
        return record
    }

    /// Opens the run database in `directory` to continue its sweep. Refuses while the sweep's
    /// coordinator still runs on this host (checked before the schema is brought up to date).
    public static func resume(directory: String) throws -> RunRecord {
        let elsewhere = try RunDatabase.openForReading(directory: directory).read { db -> String? in
            try RunDatabase.checkNotServed(db, directory: directory)
            guard case .unknown = try RunDatabase.runState(db) else { return nil }
            return try RunDatabase.recordedCoordinator(db)?.description
        }
        let database = try RunDatabase.open(directory: directory)
        try database.claim(directory: directory)
        let restored = try database.restore(attempts: true)
        let state = CoordinatorMachine.Restored(
            trials: restored.trials, counted: restored.counted.map { ($0.task, $0.status, $0.metrics) },
            attempts: restored.attempts, decisions: restored.decisions.map(\.decision),
            reports: restored.reports, searchSeconds: try searchSeconds(database),
            patienceRestartsAfter: restored.lifecycle.patienceRestartsAfter)
        let records = Dictionary(restored.counted.map { ($0.task, $0) }, uniquingKeysWith: { first, _ in first })
        let record = RunRecord(database: database, row: restored.sweep, isResume: true, records: records, state: state)
        record.servedElsewhere = elsewhere
        record.lifecycle = restored.lifecycle
        return record
    }

    /// What `sweep resume` says instead of resuming a sweep that finished (nil: it did not): a
    /// finished sweep is left as it is.
    /// A sweep whose end was cut short (killed after it was marked finished, before its refit or
    /// nested estimate was recorded) gets nil too: resuming it finishes that end.
    public static func finishedNote(directory: String) throws -> String? {
        let status = try RunStatus.read(directory: directory)
        guard status.state == "finished", try !endCutShort(directory: directory) else { return nil }
        return
            "sweep '\(status.name)' in \(directory) already finished (\(status.succeeded + status.failed + status.stopped) of \(status.tasks) tasks counted); nothing to resume. Its report: \((directory as NSString).appendingPathComponent("report.md")) (`sweep report \(directory)` writes it again)"
    }

    /// Whether a finished sweep with a best trial lacks what its end records after marking it
    /// finished: the refit outcome (always recorded then, also as a note when nothing is refitted)
    /// and, for nested CV, the nested outcome.
    static func endCutShort(directory: String) throws -> Bool {
        let summary = try RunReport.load(directory: directory)
        guard summary.complete, summary.best != nil else { return false }
        return summary.refit == nil || (summary.taskFolds > summary.folds && summary.nested == nil)
    }

    /// The search's time in earlier runs (the last clock the journal kept; 0 if none).
    static func searchSeconds(_ database: RunDatabase) throws -> Double {
        let detail = try database.read { db in
            try String.fetchOne(
                db, sql: "SELECT detail FROM events WHERE kind = ? ORDER BY id DESC LIMIT 1",
                arguments: [RunJournal.searchClockEvent])
        }
        return detail.flatMap(Double.init) ?? 0
    }

    /// Checks that a reloaded sweep is the one this record started: same data and workdir.
    /// (The recorded trials are the truth: the coordinator replays its search from them.)
    public func verify(_ sweep: LoadedSweep) throws -> LoadedSweep {
        try Self.checkSame(sweep, dataSHA256: dataSHA256, workdirSHA256: workdirSHA256)
        return sweep.withBudget(trials: lifecycle.trialsBudget, timeLimit: lifecycle.timeLimit)
    }

    /// `sweep retry`: the fix may be in the trainer's code, so a changed workdir is adopted (recorded
    /// in run.db and shipped by its new hash); the data must still be the same. Returns the sweep
    /// and whether its code changed.
    public func verifyAdoptingCode(_ sweep: LoadedSweep) throws -> (sweep: LoadedSweep, codeChanged: Bool) {
        try Self.checkSame(sweep, dataSHA256: dataSHA256, workdirSHA256: nil)
        var changed = false
        if let new = sweep.workdirBlob?.sha256, let old = workdirSHA256, new != old {
            try database.adoptWorkdir(sha256: new, previous: old)
            changed = true
        }
        return (sweep.withBudget(trials: lifecycle.trialsBudget, timeLimit: lifecycle.timeLimit), changed)
    }

    /// Checks, without claiming the directory, that its stored spec still loads and is the sweep
    /// recorded (same data and workdir): run before a change (a raised budget, a retry) is written,
    /// so a sweep that cannot resume is left exactly as it was.
    public static func checkResumable(directory: String, acceptingNewCode: Bool = false) throws {
        let database = try RunDatabase.openForReading(directory: directory)
        let row = try database.read { db in try database.restore(db, attempts: false).sweep }
        let sweep: LoadedSweep
        do {
            sweep = try SweepLoader.load(specText: row.specText, specPath: row.specPath)
        } catch let error as SpecError {
            throw SweepError(.invalidInput, "the stored spec no longer loads:\n\(error)")
        }
        try checkSame(sweep, dataSHA256: row.dataSHA256, workdirSHA256: acceptingNewCode ? nil : row.workdirSHA256)
    }

    static func checkSame(_ sweep: LoadedSweep, dataSHA256: String?, workdirSHA256: String?) throws {
        if let stored = dataSHA256, stored != sweep.dataSHA256 {
            throw RunDatabaseError(
                description:
                    "the data file changed since the sweep started (sha256 \(stored.prefix(12))… then, \(sweep.dataSHA256?.prefix(12) ?? "none")… now); resume needs the same data, or start a new sweep"
            )
        }
        if let stored = workdirSHA256, stored != sweep.workdirBlob?.sha256 {
            throw RunDatabaseError(
                description:
                    "the trainer's workdir changed since the sweep started; resume needs the same code (if the change fixes failed trials, `sweep retry DIR --failed` runs them with it), or start a new sweep"
            )
        }
    }

    /// Records how refitting the best configuration went, for the report (`RunReport.write`), which
    /// the end of a sweep writes next.
    public func recordRefit(_ refit: RefitOutcome) throws {
        try database.recordRefit(refit)
    }

    public var directory: String { (database.path as NSString).deletingLastPathComponent }

    /// Whether the spec file on disk now differs from the text the sweep started with (nil: the
    /// file is gone). Resume always uses the stored text; this is for telling the user.
    public var specFileChanged: Bool? {
        guard let now = try? String(contentsOfFile: specPath, encoding: .utf8) else { return nil }
        return now != specText
    }
}
