import Foundation
import SweepReport

/// The compact table `sweep status --watch` shows: trials, tasks, workers, best, rate and ETA.
public enum WatchTable {
    public static func lines(_ snapshot: RunSnapshot) -> [String] {
        let status = snapshot.status
        let plannedTrials = snapshot.plannedTasks.map { String($0 / max(1, snapshot.folds)) } ?? "?"
        let plannedTasks = snapshot.plannedTasks.map(String.init) ?? "?"
        var lines = [
            "sweep '\(status.name)': \(status.state)\(status.coordinator.map { status.state == "running" ? " (coordinator \($0))" : "" } ?? "")",
            "trials   \(status.trials)/\(plannedTrials) suggested",
            "tasks    \(snapshot.counted)/\(plannedTasks) counted: \(status.succeeded) ok, \(status.failed) failed, \(status.stopped) stopped early; \(snapshot.running) running, \(max(0, status.pending - snapshot.running)) pending",
            "workers  \(snapshot.workers) connected: \(snapshot.busyWorkers) busy, \(max(0, snapshot.workers - snapshot.busyWorkers)) idle",
        ]
        if let best = status.best {
            lines.append(
                "best     trial \(best.trial) \(best.params.description) — \(best.metric) \(Significant.format(best.mean))"
            )
        } else {
            lines.append("best     none yet")
        }
        let rate = snapshot.tasksPerSecond.map { "\(Significant.format($0)) tasks/s" } ?? "– tasks/s"
        let eta: String
        if snapshot.isEnded {
            eta = status.state
        } else {
            eta = snapshot.secondsLeft.map { "ETA \(duration($0))" } ?? "ETA unknown"
        }
        lines.append("rate     \(rate), \(eta)")
        if let reason = snapshot.failedFast { lines.append("failed fast: \(reason)") }
        return lines
    }

    /// "42s", "3m05s", "2h07m".
    public static func duration(_ seconds: Double) -> String {
        let total = Int(seconds.rounded(.up))
        if total < 60 { return "\(total)s" }
        if total < 3600 { return "\(total / 60)m\(String(format: "%02d", total % 60))s" }
        return "\(total / 3600)h\(String(format: "%02d", total % 3600 / 60))m"
    }
}
