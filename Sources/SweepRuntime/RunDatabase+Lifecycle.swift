import Foundation
import GRDB
import SweepCore
import SweepProtocol

/// What schema v5 adds to a sweep's record: a budget raised by `sweep resume --trials/--time-limit`,
/// the warm-start trials the sampler learns from, and failures set aside by `sweep retry`.
struct LifecycleRecord {
    /// A raised budget (nil: the spec's).
    var trialsBudget: Int?
    var timeLimit: Double?
    /// How many counted outcomes were in when the budget was last raised (the no-improvement
    /// count restarts there).
    var patienceRestartsAfter: Int?
    var priorTrials: [PriorTrial] = []
    /// Counted failures that `sweep retry` set aside, in the order they were counted.
    var superseded: [TaskRecord] = []
    /// The database has `results.superseded_at` (schema v5).
    var hasSupersededColumn = false
}

extension RunDatabase {
    /// Reads the v5 additions; a database of an older version (read as it is) has none.
    static func lifecycleRecord(_ db: Database) throws -> LifecycleRecord {
        var record = LifecycleRecord()
        guard try db.tableExists("prior_trials") else { return record }
        record.hasSupersededColumn = true
        let sweep = try Row.fetchOne(db, sql: "SELECT trials_budget, time_limit, patience_from_result FROM sweep")
        record.trialsBudget = sweep?["trials_budget"]
        record.timeLimit = sweep?["time_limit"]
        if let last = sweep?["patience_from_result"] as Int? {
            record.patienceRestartsAfter = try Int.fetchOne(
                db, sql: "SELECT count(*) FROM results WHERE counted = 1 AND id <= ?", arguments: [last])
        }
        record.priorTrials = try Row.fetchAll(db, sql: "SELECT * FROM prior_trials ORDER BY id").map { row in
            PriorTrial(
                source: row["source"], sourceTrial: row["source_trial"],
                params: try Codec.decodeParams([UInt8](row["params"] as Data)), value: row["value"],
                pruned: row["state"] == "pruned")
        }
        record.superseded = try Row.fetchAll(
            db, sql: "SELECT * FROM results WHERE superseded_at IS NOT NULL ORDER BY id"
        ).map { result in
            TaskRecord(
                task: TaskID(trial: result["trial"], fold: result["fold"]), status: .failed, worker: result["worker"],
                host: result["host"], attempt: result["attempt"], duration: result["duration"],
                metrics: decodeMetrics(result["metrics_json"]), error: result["error"])
        }
        return record
    }

    /// Records the warm-start trials of a sweep that starts now (before its first trial), with
    /// what was taken and skipped from each source as events.
    func recordPriorTrials(_ trials: [PriorTrial], notes: [String]) throws {
        try queueWrite { db in
            for trial in trials {
                try db.execute(
                    sql: """
                        INSERT INTO prior_trials (source, source_trial, params_json, params, state, value)
                        VALUES (?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [
                        trial.source, trial.sourceTrial, trial.params.json, Data(Codec.encode(trial.params)),
                        trial.pruned ? "pruned" : "complete", trial.value,
                    ])
            }
            for note in notes {
                try db.execute(
                    sql: "INSERT INTO events (at, kind, detail) VALUES (?, 'warm-start', ?)",
                    arguments: [Date().timeIntervalSince1970, note])
            }
        }
    }

    /// Raises the sweep's budget (`sweep resume --trials/--time-limit`): the sweep runs again,
    /// and the no-improvement count restarts from the outcomes counted so far.
    func raiseBudget(trials: Int?, timeLimit: Double?) throws {
        try queueWrite { db in
            try db.execute(
                sql: """
                    UPDATE sweep SET trials_budget = coalesce(?, trials_budget), time_limit = coalesce(?, time_limit),
                           patience_from_result = (SELECT coalesce(max(id), 0) FROM results), status = 'running'
                    WHERE id = 1
                    """, arguments: [trials, timeLimit])
            let detail = [trials.map { "trials: \($0)" }, timeLimit.map { "time_limit: \(formatNumber($0)) s" }]
                .compactMap { $0 }.joined(separator: ", ")
            try db.execute(
                sql: "INSERT INTO events (at, kind, detail) VALUES (?, 'budget-raised', ?)",
                arguments: [Date().timeIntervalSince1970, detail])
        }
    }

    /// Sets the counted failures of these trials aside (`sweep retry`): they stay in `results`
    /// with `counted = 0` and `superseded_at`, so their tasks run again with fresh attempts and
    /// the one-counted-result index still holds. Returns how many tasks were set aside.
    func supersedeFailures(trials: [Int]) throws -> Int {
        try queueWrite { db in
            let now = Date().timeIntervalSince1970
            var tasks = 0
            for trial in trials {
                try db.execute(
                    sql: """
                        UPDATE results SET counted = 0, superseded_at = ?
                        WHERE counted = 1 AND status = 'failed' AND trial = ?
                        """, arguments: [now, trial])
                tasks += db.changesCount
            }
            try db.execute(
                sql: "UPDATE sweep SET status = 'running' WHERE id = 1")
            try db.execute(
                sql: "INSERT INTO events (at, kind, detail) VALUES (?, 'retried', ?)",
                arguments: [now, "trials \(trials.map(String.init).joined(separator: ", ")) (\(tasks) failed tasks)"])
            return tasks
        }
    }
}

extension RunDatabase {
    /// `sweep retry` after a fix in the trainer's code: the workdir with this hash is the sweep's
    /// from now on (an event keeps the old one, for the record).
    func adoptWorkdir(sha256: String, previous: String?) throws {
        try queueWrite { db in
            try db.execute(sql: "UPDATE sweep SET workdir_sha256 = ? WHERE id = 1", arguments: [sha256])
            try db.execute(
                sql: "INSERT INTO events (at, kind, detail) VALUES (?, 'workdir-changed', ?)",
                arguments: [Date().timeIntervalSince1970, "\(previous ?? "none") → \(sha256)"])
        }
    }
}
