import SweepCore

/// The wire protocol's version; see PROTOCOL.md beside this file.
public let protocolVersion: UInt8 = 1

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
    /// The sweep whose setup this worker already holds (0: none).
    public var cachedSweep: UInt64
    /// Leases still running on this worker (after a reconnect).
    public var running: [LeaseRef]

    public init(workerID: String, incarnation: UInt64, name: String, host: String, slots: Int,
                cachedSweep: UInt64, running: [LeaseRef]) {
        self.workerID = workerID
        self.incarnation = incarnation
        self.name = name
        self.host = host
        self.slots = slots
        self.cachedSweep = cachedSweep
        self.running = running
    }
}

/// Coordinator → worker: everything a worker needs to run the sweep's tasks.
public struct Setup: Sendable {
    public var sweepID: UInt64
    public var model: String
    public var folds: Int
    /// Fold of each data row (empty without data).
    public var assignment: [Int]
    public var data: WireDataset?

    public init(sweepID: UInt64, model: String, folds: Int, assignment: [Int], data: WireDataset?) {
        self.sweepID = sweepID
        self.model = model
        self.folds = folds
        self.assignment = assignment
        self.data = data
    }
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

    public init(rows: Int, columns: Int, features: [Double], target: Target) {
        self.rows = rows
        self.columns = columns
        self.features = features
        self.target = target
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

    public init(lease: LeaseRef, succeeded: Bool, duration: Double, metrics: [String: Double], error: String) {
        self.lease = lease
        self.succeeded = succeeded
        self.duration = duration
        self.metrics = metrics
        self.error = error
    }
}

/// Every message of protocol version 1.
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
        }
    }
}
