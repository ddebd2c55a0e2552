import Foundation
import GRDB

/// Timings a benchmark reads from a finished sweep's journal (run.db), so that nothing on the
/// coordinator's live path exists for benchmarks alone.
public struct RunTimings: Sendable {
    /// Seconds from dispatch to the counted result, one per counted task (wall clock as written).
    public var dispatchToCounted: [Double]
    /// Seconds from serving to the first dispatch (workers joining), if any task was dispatched.
    public var firstDispatch: Double?
    /// Seconds from the first dispatch to the last counted result (the sweep's working span).
    public var span: Double?

    public static func read(directory: String) throws -> RunTimings {
        let database = try RunDatabase.open(directory: directory)
        return try database.read { db in
            let latencies = try Double.fetchAll(
                db,
                sql: """
                    SELECT r.received_at - a.dispatched_at FROM results r
                    JOIN attempts a ON a.trial = r.trial AND a.fold = r.fold AND a.attempt = r.attempt
                    WHERE r.counted = 1
                    """)
            let first = try String.fetchOne(
                db, sql: "SELECT detail FROM events WHERE kind = 'first-dispatch' ORDER BY id LIMIT 1")
            let span = try Double.fetchOne(
                db,
                sql: """
                    SELECT (SELECT MAX(received_at) FROM results WHERE counted = 1)
                         - (SELECT MIN(dispatched_at) FROM attempts)
                    """)
            return RunTimings(dispatchToCounted: latencies, firstDispatch: first.flatMap(Double.init), span: span)
        }
    }
}
