import SweepCore

/// What `report.html` shows beyond `RunSummary`: where and when every attempt ran, the
/// intermediate values the trials reported, the coordinator's events and the failures' log
/// tails. Read from `run.db` (and the run directory's `logs/`) alone.
public struct ReportDetails: Sendable {
    /// One dispatch of a task to a worker, and how it ended.
    public struct Attempt: Sendable, Equatable {
        public var task: TaskID
        public var attempt: Int
        public var worker: String
        public var host: String
        /// Seconds since the Unix epoch, on the coordinator's clock.
        public var dispatchedAt: Double
        /// When its result arrived (nil: lost, re-queued, or still running).
        public var receivedAt: Double?
        /// The run time the worker measured (nil without a result).
        public var duration: Double?
        /// ok, failed or pruned; nil without a result.
        public var status: TaskStatus?
        /// Whether this attempt's result is the one the sweep counts.
        public var counted: Bool

        public init(
            task: TaskID, attempt: Int, worker: String, host: String, dispatchedAt: Double, receivedAt: Double? = nil,
            duration: Double? = nil, status: TaskStatus? = nil, counted: Bool = false
        ) {
            (self.task, self.attempt, self.worker, self.host, self.dispatchedAt) = (
                task, attempt, worker, host, dispatchedAt
            )
            (self.receivedAt, self.duration, self.status, self.counted) = (receivedAt, duration, status, counted)
        }
    }

    /// An intermediate value of the objective a task reported at a step.
    public struct Intermediate: Sendable, Equatable {
        public var task: TaskID
        public var step: Int
        public var value: Double

        public init(task: TaskID, step: Int, value: Double) { (self.task, self.step, self.value) = (task, step, value) }
    }

    /// A coordinator event (`worker-joined`, `worker-lost`, `requeued`, `search-ended`, …).
    public struct Event: Sendable, Equatable {
        public var at: Double
        public var kind: String
        public var detail: String

        public init(at: Double, kind: String, detail: String) { (self.at, self.kind, self.detail) = (at, kind, detail) }
    }

    /// When the sweep was created (seconds since the Unix epoch): time zero of the timeline.
    public var startedAt: Double
    public var attempts: [Attempt]
    public var intermediate: [Intermediate]
    public var events: [Event]
    /// The last lines of a failed task's output (`logs/`), by task.
    public var logTails: [TaskID: String]

    public init(
        startedAt: Double, attempts: [Attempt] = [], intermediate: [Intermediate] = [], events: [Event] = [],
        logTails: [TaskID: String] = [:]
    ) {
        (self.startedAt, self.attempts, self.intermediate, self.events, self.logTails) = (
            startedAt, attempts, intermediate, events, logTails
        )
    }
}
