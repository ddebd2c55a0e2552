import Foundation
import Logging
import SweepCore
import SweepProtocol
import ZeroMQ

/// A worker's shell: owns the DEALER on the thread that calls `run`, runs tasks on a pool of
/// `slots` threads, fetches shipped files into its cache, and feeds messages, finished tasks and
/// ticks to the WorkerMachine.
public final class WorkerService {
    public struct Options: Sendable {
        public var connect: String
        public var slots: Int
        public var gpus: [Int]
        public var name: String
        public var heartbeatInterval: Double
        public var cacheDirectory: URL?
        public var security: WorkerSecurity
        /// Leave task directories in place after their results are acknowledged (debugging).
        public var keepTaskDirectories = false

        public init(
            connect: String, slots: Int, gpus: [Int] = [], name: String, heartbeatInterval: Double = 1,
            cacheDirectory: URL? = nil, security: WorkerSecurity = .plaintext, keepTaskDirectories: Bool = false
        ) {
            self.keepTaskDirectories = keepTaskDirectories
            self.security = security
            self.connect = connect
            self.slots = slots
            self.gpus = gpus
            self.name = name
            self.heartbeatInterval = heartbeatInterval
            self.cacheDirectory = cacheDirectory
        }
    }

    public enum Control: Sendable {
        /// Finish running tasks, deliver their results, take no new ones, exit.
        case drain
        /// Exit now (running programs are stopped).
        case stop
    }

    enum Inbox: Sendable {
        case finished(TaskResult)
        case progress(LeaseRef, step: Int, metrics: [String: Double])
        case control(Control)
        /// A SETUP decoded off the socket thread (or why it could not be).
        case setupDecoded(Setup)
        case setupMalformed(sweepID: UInt64, DecodeError)
        /// A command sweep's files unpacked and read off the socket thread: how its tasks run.
        case setupPrepared(sweepID: UInt64, SweepContext.Runner)
        /// A sweep's files verified in the cache: those still `missing` are to be fetched.
        case filesChecked(sweepID: UInt64, missing: [BlobRef])
        /// A fetched file written to the cache (or why not: it is fetched again).
        case fileStored(BlobRef, error: String?)
    }

    let options: Options
    let logger: Logger
    let inbox = Mailbox<Inbox>()

    public init(options: Options, logger: Logger) {
        self.options = options
        self.logger = logger
    }

    /// A handle that any thread (e.g. a signal handler's queue) may use to steer the worker.
    public struct Remote: Sendable {
        let inbox: Mailbox<Inbox>
        public func send(_ control: Control) { inbox.post(.control(control)) }
    }

    public var remote: Remote { Remote(inbox: inbox) }

    /// The longest the loop blocks without an event or a due timer (polls are never infinite).
    static let longestWait = 10.0

    /// Serves coordinators until stopped (drained, or told to stop). Blocks the caller, which
    /// owns the sockets from here on.
    public func run() throws {
        let host = ProcessInfo.processInfo.hostName
        let identity = WorkerMachine.Identity(
            workerID: "\(options.name)@\(host)", incarnation: UInt64.random(in: 1...UInt64.max),
            name: options.name, host: host, slots: options.slots, gpus: options.gpus.count)
        let store = try BlobStore(root: options.cacheDirectory ?? BlobStore.defaultRoot(), logger: logger)
        let connection = try WorkerConnection(
            endpoint: options.connect, heartbeatInterval: options.heartbeatInterval,
            security: options.security)
        let pool = TaskPool(threads: options.slots, name: "trainer")
        defer { pool.stop() }
        let tasks = TaskLauncher(
            store: store, gpus: options.gpus, inbox: inbox, pool: pool, logger: logger, workerName: options.name,
            keepTaskDirectories: options.keepTaskDirectories)
        var loop = WorkerLoop(
            machine: WorkerMachine(identity, heartbeatInterval: options.heartbeatInterval),
            connection: connection, tasks: tasks, options: options, logger: logger)
        let gpuText = options.gpus.isEmpty ? "" : " and GPUs \(options.gpus.map(String.init).joined(separator: ","))"
        logger.info(
            "worker \(options.name) on \(host) with \(options.slots) slots\(gpuText), connecting to \(options.connect)")
        try loop.perform(loop.machine.handle(.started, now: MonotonicClock.now()))
        while loop.running {
            var poller = Poller([
                .socket(connection.socket), .fileDescriptor(inbox.fileDescriptor), .socket(connection.monitor),
            ])
            let wait = min(max(loop.machine.nextWake - MonotonicClock.now(), 0), Self.longestWait)
            let ready = try poller.poll(timeoutMilliseconds: Int((wait * 1000).rounded(.up)))
            if ready[1] { try loop.take(inbox.drain()) }
            if ready[0] { try loop.receiveAll() }
            if ready[2] { try loop.handshakes() }
            let now = MonotonicClock.now()
            if loop.running && now >= loop.machine.nextWake { try loop.perform(loop.machine.handle(.tick, now: now)) }
        }
        loop.tasks.cancelAll()
        loop.tasks.finishRemovals()
        connection.close()
        logger.info("worker \(options.name) stopped")
    }
}
