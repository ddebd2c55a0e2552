import Foundation
import GRDB
import SweepCore
import SweepReport

/// What `report.html` shows beyond the summary, from the same read transaction, so both are one
/// snapshot of a sweep that may still be running: every attempt with its result, the
/// intermediate values, the coordinator's events. Reads tables every schema version has (v2 on).
extension RunDatabase {
    /// The summary, the details and the search space, read together (see `storedRun`).
    /// `summary`: one built from `restored` before the refit and the nested estimate were
    /// recorded (the end of a sweep); only what they add is read again.
    func storedReport(restored known: Restored? = nil, summary built: RunSummary? = nil) throws -> (
        stored: StoredRun, details: ReportDetails, space: [SweepCore.Dimension]
    ) {
        try read { db in
            let restored = try known ?? restore(db, attempts: false)
            let spec = try Self.parseStoredSpec(restored.sweep, path: path)
            let summary: RunSummary
            let ending = try Ending(db, databasePath: path)
            if var built, known != nil, built.state == ending.state, built.wallSeconds == ending.wallSeconds {
                try refresh(&built, db, ending: ending)
                summary = built
            } else {
                summary = try self.summary(db, restored: restored, spec: spec, ending: ending)
            }
            let stored = StoredRun(
                summary: summary, specText: restored.sweep.specText,
                specFileName: Self.specFileName(restored.sweep.specPath))
            return (stored, try Self.details(db), spec.space)
        }
    }

    /// Attempts, intermediate values (of each task's latest reporting attempt) and events.
    static func details(_ db: Database) throws -> ReportDetails {
        let startedAt = try Double.fetchOne(db, sql: "SELECT created_at FROM sweep WHERE id = 1") ?? 0
        var details = ReportDetails(startedAt: startedAt, attempts: try attempts(db))
        let reports = try Row.fetchAll(db, sql: "SELECT trial, fold, attempt, step, value FROM reports ORDER BY id")
            .map { row in
                (
                    task: TaskID(trial: row["trial"], fold: row["fold"]), attempt: row["attempt"] as Int,
                    step: row["step"] as Int, value: row["value"] as Double
                )
            }
        details.intermediate = latestAttempts(reports)
        details.events = try Row.fetchAll(
            db, sql: "SELECT at, kind, detail FROM events WHERE kind != 'search-seconds' ORDER BY id"
        ).map { ReportDetails.Event(at: $0["at"], kind: $0["kind"], detail: $0["detail"]) }
        return details
    }

    /// Every dispatch, with the result that came back for it: the counted one, else another
    /// (a failure set aside by `sweep retry`), else a late duplicate (no status: its task was
    /// counted from another attempt). No result: lost, re-queued, or still running.
    static func attempts(_ db: Database) throws -> [ReportDetails.Attempt] {
        struct Key: Hashable {
            var trial: Int
            var fold: Int
            var attempt: Int
        }
        struct Outcome {
            var receivedAt: Double?
            var status: String
            var duration: Double?
            var counted: Bool
            /// Which of an attempt's results the report shows: counted, else not a duplicate.
            var rank: Int { (counted ? 2 : 0) + (status == "duplicate" ? 0 : 1) }
        }
        // Cursors and column numbers (see `restore`): one small value per result, no Row kept.
        // Read in the table's order (no sort of a million rows); per attempt the counted result
        // wins, then any but a duplicate, then the later.
        var results: [Key: Outcome] = [:]
        results.reserveCapacity(try Int.fetchOne(db, sql: "SELECT count(*) FROM results") ?? 0)
        let rows = try Row.fetchCursor(
            db, sql: "SELECT trial, fold, attempt, status, duration, counted, received_at FROM results ORDER BY id")
        while let row = try rows.next() {
            let outcome = Outcome(receivedAt: row[6], status: row[3], duration: row[4], counted: row[5] as Int == 1)
            let key = Key(trial: row[0], fold: row[1], attempt: row[2])
            if let kept = results[key], kept.rank > outcome.rank { continue }
            results[key] = outcome
        }
        var attempts: [ReportDetails.Attempt] = []
        let dispatches = try Row.fetchCursor(
            db,
            sql:
                "SELECT trial, fold, attempt, worker, host, dispatched_at FROM attempts ORDER BY dispatched_at, trial, fold"
        )
        while let row = try dispatches.next() {
            let key = Key(trial: row[0], fold: row[1], attempt: row[2])
            var attempt = ReportDetails.Attempt(
                task: TaskID(trial: key.trial, fold: key.fold), attempt: key.attempt, worker: row[3], host: row[4],
                dispatchedAt: row[5])
            if let result = results[key] {
                attempt.receivedAt = result.receivedAt
                attempt.status = TaskStatus(rawValue: result.status)
                attempt.duration = result.status == "duplicate" ? nil : result.duration
                attempt.counted = result.counted
            }
            attempts.append(attempt)
        }
        return attempts
    }

    /// The values of each task's latest attempt that reported any: an earlier attempt's values
    /// (lost with its worker) would draw a second curve for the same task.
    static func latestAttempts(
        _ reports: [(task: TaskID, attempt: Int, step: Int, value: Double)]
    ) -> [ReportDetails.Intermediate] {
        var latest: [TaskID: Int] = [:]
        for report in reports { latest[report.task] = max(latest[report.task] ?? report.attempt, report.attempt) }
        return reports.filter { latest[$0.task] == $0.attempt }.map {
            ReportDetails.Intermediate(task: $0.task, step: $0.step, value: $0.value)
        }
    }
}
