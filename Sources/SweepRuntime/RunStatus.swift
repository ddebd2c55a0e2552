import Foundation
import GRDB
import SweepCore

/// A summary of a run database, for `sweep status` (and for tests that check a sweep's books).
public struct RunStatus: Codable, Sendable {
    public var name: String
    public var state: String
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
    public var recentEvents: [String]

    public struct Best: Codable, Sendable {
        public var trial: Int
        public var params: String
        public var metric: String
        public var mean: Double
    }

    public static func read(directory: String) throws -> RunStatus {
        let database = try RunDatabase.open(directory: directory)
        return try database.status()
    }

    public var text: String {
        var lines = ["sweep '\(name)': \(state)",
                     "tasks: \(succeeded + failed + stopped)/\(tasks) counted (\(succeeded) ok, \(failed) failed\(stopped > 0 ? ", \(stopped) stopped early" : "")), \(pending) not yet; \(trials) trials",
                     "attempts: \(attempts) dispatched, \(requeued) re-queued, \(duplicates) duplicate results ignored, \(workersLost) workers lost, \(resumes) resumes"]
        if let best { lines.append("best so far: trial \(best.trial) \(best.params) — \(best.metric) \(String(format: "%.4f", best.mean))") }
        if !recentEvents.isEmpty { lines.append("recent events:"); lines += recentEvents.map { "  \($0)" } }
        return lines.joined(separator: "\n")
    }

    public var json: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return String(decoding: (try? encoder.encode(self)) ?? Data(), as: UTF8.self)
    }
}

extension RunDatabase {
    func status() throws -> RunStatus {
        let restored = try restore()
        let objective = (try? SpecParser.parse(restored.sweep.specText))?.objective
        return try read { db in
            func count(_ sql: String) throws -> Int { try Int.fetchOne(db, sql: sql) ?? 0 }
            let state = try String.fetchOne(db, sql: "SELECT status FROM sweep WHERE id = 1") ?? "?"
            var best: RunStatus.Best?
            if let objective {
                let order = objective.goal == .maximize ? "DESC" : "ASC"
                let folds = try count("SELECT max(fold) + 1 FROM tasks")
                if let row = try Row.fetchOne(db, sql: """
                    SELECT r.trial AS trial, t.params_json AS params, avg(json_extract(r.metrics_json, '$.' || ?)) AS mean, count(*) AS n
                    FROM results r JOIN trials t ON t.trial = r.trial
                    WHERE r.counted = 1 AND r.status = 'ok'
                    GROUP BY r.trial HAVING n = ? ORDER BY mean \(order), r.trial ASC LIMIT 1
                    """, arguments: [objective.metric, folds]), let mean = row["mean"] as Double? {
                    best = RunStatus.Best(trial: row["trial"], params: row["params"], metric: objective.metric, mean: mean)
                }
            }
            let events = try Row.fetchAll(db, sql: "SELECT at, kind, detail FROM events ORDER BY id DESC LIMIT 8").reversed().map { row -> String in
                let date = Date(timeIntervalSince1970: row["at"])
                return "\(ISO8601DateFormatter().string(from: date)) \(row["kind"] as String): \(row["detail"] as String)"
            }
            return RunStatus(
                name: restored.sweep.name, state: state,
                trials: try count("SELECT count(*) FROM trials"), tasks: try count("SELECT count(*) FROM tasks"),
                succeeded: try count("SELECT count(*) FROM results WHERE counted = 1 AND status = 'ok'"),
                failed: try count("SELECT count(*) FROM results WHERE counted = 1 AND status = 'failed'"),
                stopped: try count("SELECT count(*) FROM results WHERE counted = 1 AND status = 'pruned'"),
                pending: try count("SELECT count(*) FROM task_status WHERE status IN ('pending', 'running')"),
                countedResults: try count("SELECT count(*) FROM results WHERE counted = 1"),
                duplicates: restored.duplicates, requeued: restored.requeues,
                workersLost: try count("SELECT count(*) FROM events WHERE kind = 'worker-lost'"),
                attempts: try count("SELECT count(*) FROM attempts"),
                resumes: try count("SELECT count(*) FROM events WHERE kind = 'resumed'"),
                best: best, recentEvents: events)
        }
    }
}
