/// Every count, size and name length the wire bounds, in one place: the decoder enforces them, the
/// worker trims what it sends to them, and spec validation refuses what could never travel.
public enum WireLimits {
    /// The largest message either side accepts (`ZMQ_MAXMSGSIZE`); larger ones are dropped by libzmq.
    public static let messageBytes = 256 << 20
    /// A worker id, worker name, host name, model name, objective or metric name, parameter name.
    public static let nameBytes = 256
    /// A parameter's string value.
    public static let paramStringBytes = 4096
    /// Folds per sweep, repeats per plan, attempts per task (lease fields).
    public static let folds = 65_536
    public static let attempts = 65_536
    /// Slots and GPUs a worker may advertise; CPUs a command may ask for.
    public static let slots = 65_536
    public static let gpus = 4096
    /// Metrics in one result or progress report.
    public static let metricsPerReport = 1024
    /// A task's error text and its log tail.
    public static let errorBytes = 65_536
    public static let logBytes = 1 << 20
    /// Why a message was refused.
    public static let reasonBytes = 4096
    /// A command's argument or environment value, and an environment name.
    public static let argumentBytes = 65_536
    public static let environmentNameBytes = 4096
    /// A built-in sweep's data up to this size travels inside SETUP; larger, as a file in chunks.
    public static let inlineDataBytes = 64 << 20
    /// One chunk of a shipped file.
    public static let chunkBytes = 64 << 20
    /// Heartbeat interval the coordinator may announce.
    public static let heartbeatMilliseconds = 3_600_000
    /// Feature columns and categories per column of a built-in dataset.
    public static let columns = 1 << 20
    public static let categories = 1 << 24
    public static let classes = 1 << 20
}
