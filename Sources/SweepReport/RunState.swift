/// How far a sweep got, as its run database tells it: the report says what each case means for
/// the numbers it shows.
public enum RunState: Sendable, Equatable {
    /// Every task was counted.
    case finished
    /// Stopped on request (SIGINT/SIGTERM) before every task was counted.
    case stopped
    /// A coordinator is still writing the run database: the report is a snapshot.
    case running(coordinator: String)
    /// The database says running, but its coordinator is gone: it crashed or was killed.
    case interrupted(coordinator: String)
    /// The database says running and its coordinator is on another host, or was not recorded:
    /// from here there is no telling whether it still runs.
    case unknown(coordinator: String)

    /// Whether every task was counted.
    public var isFinished: Bool { self == .finished }

    /// What the report adds after "N of M counted" when the sweep is not finished.
    var tasksNote: String {
        switch self {
        case .finished: ""
        case .stopped: " — the sweep was stopped before it finished"
        case .running(let coordinator):
            " — the sweep is still running (coordinator \(coordinator)); this report is a snapshot"
        case .interrupted(let coordinator):
            " — INCOMPLETE: the coordinator (\(coordinator)) ended without finishing the sweep (it crashed or was killed);"
                + " `sweep resume` on this run directory continues it"
        case .unknown(let coordinator):
            " — INCOMPLETE: the run database says the sweep is running, but its coordinator (\(coordinator)) cannot be"
                + " checked from here; if it crashed, `sweep resume` on this run directory continues the sweep"
        }
    }

    /// What the report adds after the wall time.
    var wallNote: String {
        switch self {
        case .finished, .stopped: ""
        case .running: " so far"
        case .interrupted, .unknown: " until the coordinator's last record"
        }
    }
}
