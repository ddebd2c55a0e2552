import SweepCore

/// The wire protocol's version; see PROTOCOL.md beside this file.
public let protocolVersion: UInt8 = 4

/// One dispatch of a task: (trial, fold, attempt). A result names the lease it answers.
public struct LeaseRef: Hashable, Sendable, CustomStringConvertible {
    public let trial: Int
    public let fold: Int
    public let attempt: Int

    public init(trial: Int, fold: Int, attempt: Int) {
        self.trial = trial
        self.fold = fold
        self.attempt = attempt
    }

    public init(_ task: TaskID, attempt: Int) { self.init(trial: task.trial, fold: task.fold, attempt: attempt) }

    public var task: TaskID { TaskID(trial: trial, fold: fold) }
    public var description: String { "trial \(trial) fold \(fold) attempt \(attempt)" }
}

/// Worker → coordinator: who I am and what I can run.
public struct Hello: Sendable, Equatable {
    public var workerID: String
    public var incarnation: UInt64
    public var name: String
    public var host: String
    public var slots: Int
    /// How many GPUs this worker can hand out (it keeps the ids).
    public var gpus: Int
    /// The sweep whose setup this worker already holds (0: none).
    public var cachedSweep: UInt64
    /// Leases still running on this worker (after a reconnect).
    public var running: [LeaseRef]

    public init(
        workerID: String, incarnation: UInt64, name: String, host: String, slots: Int, gpus: Int = 0,
        cachedSweep: UInt64, running: [LeaseRef]
    ) {
        self.workerID = workerID
        self.incarnation = incarnation
        self.name = name
        self.host = host
        self.slots = slots
        self.gpus = gpus
        self.cachedSweep = cachedSweep
        self.running = running
    }
}

/// Coordinator → worker: everything a worker needs to run the sweep's tasks.
public struct Setup: Sendable {
    public var sweepID: UInt64
    /// Tasks per trial (folds × repeats).
    public var folds: Int
    /// Which rows train and validate each task fold (no rows without data).
    public var plan: FoldPlan
    public var trainer: WireTrainer

    public init(sweepID: UInt64, folds: Int, plan: FoldPlan, trainer: WireTrainer) {
        self.sweepID = sweepID
        self.folds = folds
        self.plan = plan
        self.trainer = trainer
    }
}

/// How the sweep's tasks run, as it travels: a built-in model with the data as numbers, or a
/// command whose data and workdir ship as files.
public enum WireTrainer: Sendable, Equatable {
    case builtin(WireBuiltin)
    case command(WireCommand)
}

/// A built-in model and what it trains on.
public struct WireBuiltin: Sendable, Equatable {
    /// The model's name in the registry (`BuiltinModels`).
    public var model: String
    /// Metrics iterative models report per iteration (the objective first).
    public var progressMetrics: [String]
    /// Nil for a model that needs no data, or whose data ships as a file (`dataBlob`).
    public var data: WireDataset?
    /// Data too large for one message: the dataset's encoding (PROTOCOL.md's `dataset`) as a
    /// file the worker fetches in chunks, like a command's files.
    public var dataBlob: BlobRef?

    public init(model: String, progressMetrics: [String] = [], data: WireDataset?, dataBlob: BlobRef? = nil) {
        self.model = model
        self.progressMetrics = progressMetrics
        self.data = data
        self.dataBlob = dataBlob
    }
}

/// A file the coordinator serves by content: its SHA-256 (hex) and size.
public struct BlobRef: Sendable, Equatable, Hashable {
    public var sha256: String
    public var size: Int

    public init(sha256: String, size: Int) {
        self.sha256 = sha256
        self.size = size
    }
}

/// How a worker runs a command trainer.
public struct WireCommand: Sendable, Equatable {
    public var arguments: [String]
    public var env: [String: String]
    public var cpus: Int
    public var gpus: Int
    /// The objective metric the program must report.
    public var objective: String
    public var seed: UInt64
    /// Seconds before the worker stops the program (SIGTERM, then SIGKILL).
    public var timeout: Double
    /// The data as CSV (rows in file order; `Setup.plan` gives each row's folds).
    public var data: BlobRef?
    /// The workdir, as a bundle (see BundleArchive).
    public var workdir: BlobRef?
    /// Bytes of `$SWEEP_ARTIFACTS` a task may keep for the coordinator (0: keep none).
    public var artifactLimit: Int

    public init(
        arguments: [String], env: [String: String], cpus: Int, gpus: Int, objective: String, seed: UInt64,
        timeout: Double, data: BlobRef?, workdir: BlobRef?, artifactLimit: Int = 0
    ) {
        self.artifactLimit = artifactLimit
        self.arguments = arguments
        self.env = env
        self.cpus = cpus
        self.gpus = gpus
        self.objective = objective
        self.seed = seed
        self.timeout = timeout
        self.data = data
        self.workdir = workdir
    }

    /// The files a worker must hold before it can run a task.
    public var blobs: [BlobRef] { [data, workdir].compactMap { $0 } }
}

/// A dataset as it travels: numeric features, row-major, and the target.
public struct WireDataset: Sendable, Equatable {
    public enum Target: Sendable, Equatable {
        case classes(labels: [Int], count: Int)
        case values([Double])
    }

    public var rows: Int
    public var columns: Int
    public var features: [Double]
    public var target: Target
    /// Per column: 0 for numeric, else how many categories it has (values are category indices).
    public var categoryCounts: [Int]
    /// mean, median or most_frequent.
    public var imputation: String

    public init(
        rows: Int, columns: Int, features: [Double], target: Target, categoryCounts: [Int]? = nil,
        imputation: String = "mean"
    ) {
        self.rows = rows
        self.columns = columns
        self.features = features
        self.target = target
        self.categoryCounts = categoryCounts ?? Array(repeating: 0, count: columns)
        self.imputation = imputation
    }
}

/// A task handed to a worker.
public struct Assignment: Sendable, Equatable {
    public var lease: LeaseRef
    public var params: Params

    public init(lease: LeaseRef, params: Params) {
        self.lease = lease
        self.params = params
    }
}

/// What a worker reports for one lease.
public struct TaskResult: Sendable, Equatable {
    public var lease: LeaseRef
    public var succeeded: Bool
    public var duration: Double
    public var metrics: [String: Double]
    public var error: String
    /// The tail of the program's output (command trainers), kept in the run directory.
    public var log: String
    /// Files the program left under `$SWEEP_ARTIFACTS` (command trainers), kept on the worker.
    public var artifacts: ArtifactManifest

    public init(
        lease: LeaseRef, succeeded: Bool, duration: Double, metrics: [String: Double], error: String, log: String = "",
        artifacts: ArtifactManifest = ArtifactManifest()
    ) {
        self.artifacts = artifacts
        self.lease = lease
        self.succeeded = succeeded
        self.duration = duration
        self.metrics = metrics
        self.error = error
        self.log = log
    }
}

/// Every message of the protocol (version `protocolVersion`).
public enum Message: Sendable {
    case hello(Hello)
    case welcome(sweepID: UInt64, heartbeatMilliseconds: Int)
    case setup(Setup)
    case work(sweepID: UInt64, acks: [LeaseRef], tasks: [Assignment])
    case results(sweepID: UInt64, [TaskResult])
    case heartbeat
    case reregister
    case sweepDone(sweepID: UInt64)
    case rejected(reason: String)
    case goodbye
    /// Worker → coordinator: send me `length` bytes of a blob from `offset`.
    case fetch(sha256: String, offset: Int, length: Int)
    /// Coordinator → worker: bytes of a blob (empty with `total` 0: the blob is unknown).
    case chunk(sha256: String, offset: Int, total: Int, bytes: [UInt8])
    /// Worker → coordinator: an intermediate report of a running task.
    case progress(sweepID: UInt64, lease: LeaseRef, step: Int, metrics: [String: Double])
    /// Coordinator → worker: stop these leases (their results no longer count).
    case cancel(sweepID: UInt64, [LeaseRef])

    public var kind: String {
        switch self {
        case .hello: "hello"
        case .welcome: "welcome"
        case .setup: "setup"
        case .work: "work"
        case .results: "results"
        case .heartbeat: "heartbeat"
        case .reregister: "reregister"
        case .sweepDone: "sweep-done"
        case .rejected: "rejected"
        case .goodbye: "goodbye"
        case .fetch: "fetch"
        case .chunk: "chunk"
        case .progress: "progress"
        case .cancel: "cancel"
        }
    }
}
