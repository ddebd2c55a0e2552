/// How a task ended: with a result, failed, or dropped because an early-stopping rule stopped
/// its trial (`pruned`: never run, or cancelled while running).
public enum TaskStatus: String, Sendable {
    case ok, failed, pruned
}

/// The counted outcome of one task: the first valid result, or the last failure once
/// `max_attempts` ran out.
public struct TaskRecord: Sendable {
    public var task: TaskID
    public var status: TaskStatus
    public var worker: String
    public var host: String
    public var attempt: Int
    public var duration: Double
    public var metrics: [String: Double]
    public var error: String?

    public init(
        task: TaskID, status: TaskStatus, worker: String, host: String, attempt: Int,
        duration: Double, metrics: [String: Double], error: String?
    ) {
        self.task = task
        self.status = status
        self.worker = worker
        self.host = host
        self.attempt = attempt
        self.duration = duration
        self.metrics = metrics
        self.error = error
    }
}
