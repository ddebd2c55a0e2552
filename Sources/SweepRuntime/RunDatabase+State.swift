import Foundation
import GRDB
import SweepReport

/// Whether a sweep finished, stopped, still runs or was interrupted: the same answer for
/// `sweep report`, `sweep status` and `sweep resume`. The status column alone cannot tell a
/// running sweep from one whose coordinator crashed (both say 'running'), so the coordinator
/// process it records is looked up (on this host: its pid and its start time).
extension RunDatabase {
    /// The coordinator process the database names (nil: a version 2 database, which has none).
    static func recordedCoordinator(_ db: Database) throws -> CoordinatorProcess? {
        let sweep = try Row.fetchOne(db, sql: "SELECT * FROM sweep WHERE id = 1") ?? Row()
        return (sweep["coordinator_host"] as String?).map {
            CoordinatorProcess(host: $0, pid: sweep["coordinator_pid"] ?? 0, startTicks: sweep["coordinator_start"])
        }
    }

    /// The sweep's state. A sweep resumed after it finished or stopped runs again until its
    /// next end; until then its coordinator decides.
    static func runState(_ db: Database) throws -> RunState {
        let sweep = try Row.fetchOne(db, sql: "SELECT * FROM sweep WHERE id = 1") ?? Row()
        let status: String = sweep["status"] ?? "running"
        let resumedAt = try Double.fetchOne(db, sql: "SELECT max(at) FROM events WHERE kind = 'resumed'")
        let endedAfterResume = resumedAt.map { (sweep["finished_at"] as Double? ?? 0) >= $0 } ?? true
        switch status {
        case "finished" where endedAfterResume: return .finished
        case "stopped" where endedAfterResume: return .stopped
        default:
            let process = try recordedCoordinator(db)
            let coordinator = process?.description ?? "not recorded by the sweep that wrote this database"
            return switch process?.isAlive {
            case true?: .running(coordinator: coordinator)
            case false?: .interrupted(coordinator: coordinator)
            case nil: .unknown(coordinator: coordinator)
            }
        }
    }

    /// Refuses to resume a sweep whose coordinator still runs on this host (this process aside:
    /// a library caller may resume what it served itself). A stale record (the process is gone,
    /// or its pid now belongs to another program) does not block.
    static func checkNotServed(_ db: Database, directory: String) throws {
        guard case .running = try runState(db), let process = try recordedCoordinator(db),
            process != CoordinatorProcess.current
        else { return }
        throw RunDatabaseError(
            description:
                "run \(directory) is still being served by pid \(process.pid) on this host; stop it first (Ctrl-C in its terminal, or kill -INT \(process.pid)), then resume"
        )
    }
}
