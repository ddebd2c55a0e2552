import Foundation
import GRDB
import SweepCore

extension RunSnapshot {
    /// How far back the recent task rate looks.
    public static let rateWindow = 60.0
}

extension RunDatabase {
    /// What changes whenever the coordinator records anything, read in O(log n): the newest row
    /// of each growing table, and the sweep's state (its coordinator's liveness included).
    static func watchFingerprint(_ db: Database) throws -> [String] {
        let row = try Row.fetchOne(
            db,
            sql: """
                SELECT (SELECT max(id) FROM results), (SELECT max(id) FROM events), (SELECT max(rowid) FROM attempts),
                       (SELECT max(trial) FROM trials), (SELECT status FROM sweep WHERE id = 1)
                """)
        let values = (0..<5).map { index in row.flatMap { $0[index] as DatabaseValue? }?.description ?? "" }
        return values + [Self.describe(try runState(db)).0]
    }

    /// The status and what a live table adds to it, in one read transaction.
    func snapshot() throws -> RunSnapshot {
        try read { db in
            let restored = try restore(db, attempts: false)
            let status = try status(db, restored: restored)
            let now = Date().timeIntervalSince1970
            let spec = try? Self.parseStoredSpec(restored.sweep, path: path)
            var planned: Int?
            if var spec {
                if let trials = restored.lifecycle.trialsBudget { spec.search.trials = trials }
                planned = SweepLoader.plannedTrials(spec).map { $0 * spec.taskFolds }
            }
            let timeLimit = restored.lifecycle.timeLimit ?? spec?.search.timeLimit
            let sessionStart =
                try Double.fetchOne(db, sql: "SELECT max(at) FROM events WHERE kind IN ('started', 'resumed')") ?? now
            // An ended sweep has no workers, whether or not their leaving was recorded.
            let live = status.state == "running" || status.state == "unknown"
            let workers = live ? try Self.connectedWorkers(db, since: sessionStart) : []
            let busy = try Set(
                Row.fetchAll(
                    db,
                    sql: """
                        SELECT a.worker || '@' || a.host AS key FROM attempts a
                        WHERE a.attempt = (SELECT max(b.attempt) FROM attempts b WHERE b.trial = a.trial AND b.fold = a.fold)
                          AND NOT EXISTS (SELECT 1 FROM results r WHERE r.trial = a.trial AND r.fold = a.fold AND r.counted = 1)
                        """
                ).map { $0["key"] as String }
            ).intersection(workers)
            let running = try Int.fetchOne(db, sql: "SELECT count(*) FROM task_status WHERE status = 'running'") ?? 0
            return RunSnapshot(
                status: status, running: running, folds: try Int.fetchOne(db, sql: "SELECT folds FROM sweep") ?? 1,
                workers: workers.count, busyWorkers: busy.count,
                plannedTasks: planned, timeLimit: timeLimit,
                searchSeconds: try Self.searchSeconds(db, sessionStart: sessionStart, now: now, state: status.state),
                sessionStart: sessionStart,
                recent: try Self.recentRate(db, sessionStart: sessionStart, now: now, ended: status.state),
                failedFast: try String.fetchOne(
                    db, sql: "SELECT detail FROM events WHERE kind = 'failed-fast' ORDER BY id DESC LIMIT 1"),
                readAt: now)
        }
    }

    /// `name@host` of the workers that joined this session and have neither left nor been lost.
    static func connectedWorkers(_ db: Database, since sessionStart: Double) throws -> Set<String> {
        var workers = Set<String>()
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT kind, detail FROM events WHERE at >= ? AND kind IN ('worker-joined', 'worker-left', 'worker-lost')
                ORDER BY id
                """, arguments: [sessionStart])
        for row in rows {
            let detail: String = row["detail"]
            switch row["kind"] as String {
            case "worker-joined": workers.insert(String(detail.prefix { $0 != " " }))
            case "worker-lost":
                workers.remove(detail.range(of: ": ").map { String(detail[..<$0.lowerBound]) } ?? detail)
            default: workers.remove(detail)
            }
        }
        return workers
    }

    /// The search's time so far, earlier runs included: the journal's last clock, plus the time
    /// since it (or since this session began, when the clock is from an earlier one) while it runs.
    static func searchSeconds(_ db: Database, sessionStart: Double, now: Double, state: String) throws -> Double {
        let clock = try Row.fetchOne(
            db, sql: "SELECT at, detail FROM events WHERE kind = ? ORDER BY id DESC LIMIT 1",
            arguments: [RunJournal.searchClockEvent])
        let value = clock.flatMap { Double($0["detail"] as String) } ?? 0
        guard state == "running" || state == "unknown" else { return value }
        let at: Double = clock?["at"] ?? sessionStart
        return value + max(0, now - max(at, sessionStart))
    }

    /// Tasks counted in the last `rateWindow` seconds of this session (to its last result, once it
    /// ended), and that window's length.
    static func recentRate(_ db: Database, sessionStart: Double, now: Double, ended state: String) throws -> (
        count: Int, seconds: Double
    ) {
        var end = now
        if state != "running" && state != "unknown" {
            end =
                try Double.fetchOne(
                    db, sql: "SELECT max(received_at) FROM results WHERE counted = 1 AND received_at >= ?",
                    arguments: [sessionStart]) ?? sessionStart
        }
        let start = max(sessionStart, end - RunSnapshot.rateWindow)
        let count =
            try Int.fetchOne(
                db, sql: "SELECT count(*) FROM results WHERE counted = 1 AND received_at > ? AND received_at <= ?",
                arguments: [start, end]) ?? 0
        return (count, max(0, end - start))
    }
}
