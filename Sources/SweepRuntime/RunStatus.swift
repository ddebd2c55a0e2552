import Foundation
import GRDB
import SweepCore
import SweepReport

/// A summary of a run database, for `sweep status` (and for tests that check a sweep's books).
public struct RunStatus: Codable, Sendable {
    public var name: String
    /// finished, stopped, running (its coordinator is alive), interrupted (the database says
    /// running but its coordinator is gone: it crashed or was killed), or unknown (its
    /// coordinator runs on another host, or was not recorded).
    public var state: String
    /// The coordinator that serves (or served) the sweep, while it is not finished or stopped.
    public var coordinator: String?
    public var trials: Int
    public var tasks: Int
    public var succeeded: Int
    public var failed: Int
    /// Tasks of trials an early-stopping rule stopped.
    public var stopped: Int
    public var pending: Int
    public var countedResults: Int
    public var duplicates: Int
    public var requeued: Int
    public var workersLost: Int
    public var attempts: Int
    public var resumes: Int
    public var best: Best?
    /// Multi-objective sweeps: how many trials are on the Pareto front (`best` is its best on
    /// the first objective).
    public var front: Int?
    public var recentEvents: [String]
    /// Workers paused after failing where others succeeded, leases abandoned, workers refused,
    /// a fail-fast stop (`kind: detail`, oldest first).
    public var workerHealth: [String] = []

    public struct Best: Codable, Sendable, Equatable {
        public var trial: Int
        /// Name → value; in JSON an object of numbers, strings and booleans as the spec wrote them.
        public var params: Params
        public var metric: String
        public var mean: Double

        public init(trial: Int, params: Params, metric: String, mean: Double) {
            self.trial = trial
            self.params = params
            self.metric = metric
            self.mean = mean
        }

        enum CodingKeys: String, CodingKey { case trial, params, metric, mean }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            trial = try container.decode(Int.self, forKey: .trial)
            params = try container.decode(ParamsObject.self, forKey: .params).params
            metric = try container.decode(String.self, forKey: .metric)
            mean = try container.decode(Double.self, forKey: .mean)
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(trial, forKey: .trial)
            try container.encode(ParamsObject(params), forKey: .params)
            try container.encode(metric, forKey: .metric)
            try container.encode(mean, forKey: .mean)
        }
    }

    /// Reads the run database in `directory` read-only: safe while its coordinator runs.
    public static func read(directory: String) throws -> RunStatus {
        try RunDatabase.openForReading(directory: directory).status()
    }

    public var text: String {
        var lines = [
            "sweep '\(name)': \(state)\(stateNote)",
            "tasks: \(succeeded + failed + stopped)/\(tasks) counted (\(succeeded) ok, \(failed) failed\(stopped > 0 ? ", \(stopped) stopped early" : "")), \(pending) not yet; \(trials) trials",
            "attempts: \(attempts) dispatched, \(requeued) re-queued, \(duplicates) duplicate results ignored, \(workersLost) workers lost, \(resumes) resumes",
        ]
        if let front {
            lines.append("pareto front: \(front) trial\(front == 1 ? "" : "s") (see report.md and pareto.svg)")
        }
        if let best {
            lines.append(
                "best so far: trial \(best.trial) \(best.params.json) — \(best.metric) \(String(format: "%.4f", best.mean))"
            )
        }
        if !workerHealth.isEmpty { lines.append("worker health:"); lines += workerHealth.map { "  \($0)" } }
        if !recentEvents.isEmpty { lines.append("recent events:"); lines += recentEvents.map { "  \($0)" } }
        return lines.joined(separator: "\n")
    }

    /// What the state means for the user, after the state's name.
    var stateNote: String {
        guard let coordinator else { return "" }
        switch state {
        case "running": return " (coordinator \(coordinator))"
        case "interrupted":
            return
                " — its coordinator (\(coordinator)) ended without finishing the sweep (it crashed or was killed); `sweep resume` on this run directory continues it"
        default:
            return
                " — the run database says running, but its coordinator (\(coordinator)) cannot be checked from this host"
        }
    }

    public var json: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return String(decoding: (try? encoder.encode(self)) ?? Data(), as: UTF8.self)
    }
}

extension RunDatabase {
    /// Counts from the database, and the best trial as the report ranks it (`RunSummary.best`).
    /// When the stored spec no longer parses, there is no objective and so no best.
    func status() throws -> RunStatus { try read { db in try status(db) } }

    /// The status inside the caller's read transaction (of `restored`, when the caller has it).
    func status(_ db: Database, restored: Restored? = nil) throws -> RunStatus {
        func count(_ sql: String) throws -> Int { try Int.fetchOne(db, sql: sql) ?? 0 }
        let restored = try restored ?? restore(db, attempts: false)
        let (state, coordinator) = Self.describe(try Self.runState(db))
        var best: RunStatus.Best?
        var front: Int?
        if let spec = try? Self.parseStoredSpec(restored.sweep, path: path) {
            let summary = try summary(db, restored: restored, spec: spec)
            if summary.isMultiObjective { front = summary.front.count }
            if let trial = summary.best, let objective = trial.objective {
                best = RunStatus.Best(
                    trial: trial.trial.number, params: trial.trial.params, metric: spec.objective.metric,
                    mean: objective.mean)
            }
        }
        let events = try Row.fetchAll(
            db, sql: "SELECT at, kind, detail FROM events WHERE kind <> 'search-seconds' ORDER BY id DESC LIMIT 8"
        )
        .reversed().map { row -> String in
            let date = Date(timeIntervalSince1970: row["at"])
            return
                "\(ISO8601DateFormatter().string(from: date)) \(row["kind"] as String): \(row["detail"] as String)"
        }
        // One pass over the counted results, and the tasks as trials × folds (what the `tasks` view
        // is): the views generate and look up every task, seconds for a million.
        var counted: [String: Int] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT status, count(*) FROM results WHERE counted = 1 GROUP BY status") {
            counted[row[0] as String] = row[1]
        }
        let countedResults = counted.values.reduce(0, +)
        let trials = try count("SELECT count(*) FROM trials")
        let tasks = trials * (try count("SELECT folds FROM sweep WHERE id = 1"))
        var status = RunStatus(
            name: restored.sweep.name, state: state, coordinator: coordinator,
            trials: trials, tasks: tasks, succeeded: counted["ok", default: 0], failed: counted["failed", default: 0],
            stopped: counted["pruned", default: 0],
            // A task without a counted result is pending or running (one counted result at most: an index says so).
            pending: tasks - countedResults, countedResults: countedResults,
            duplicates: restored.duplicates, requeued: restored.requeues,
            workersLost: try count("SELECT count(*) FROM events WHERE kind = 'worker-lost'"),
            attempts: try count("SELECT count(*) FROM attempts"),
            resumes: try count("SELECT count(*) FROM events WHERE kind = 'resumed'"),
            best: best, front: front, recentEvents: events)
        status.workerHealth = try String.fetchAll(
            db,
            sql:
                "SELECT kind || ': ' || detail FROM events WHERE kind IN ('worker-paused', 'lease-abandoned', 'worker-refused', 'failed-fast') ORDER BY id DESC LIMIT 20"
        ).reversed()
        return status
    }

    /// The state's name for `sweep status`, and the coordinator it names (if not ended).
    static func describe(_ state: RunState) -> (String, String?) {
        switch state {
        case .finished: ("finished", nil)
        case .stopped: ("stopped", nil)
        case .running(let coordinator): ("running", coordinator)
        case .interrupted(let coordinator): ("interrupted", coordinator)
        case .unknown(let coordinator): ("unknown", coordinator)
        }
    }
}
