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

        public init(connect: String, slots: Int, gpus: [Int] = [], name: String, heartbeatInterval: Double = 1,
                    cacheDirectory: URL? = nil, security: WorkerSecurity = .plaintext) {
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

    public func run() throws {
        let host = ProcessInfo.processInfo.hostName
        let identity = WorkerMachine.Identity(
            workerID: "\(options.name)@\(host)", incarnation: UInt64.random(in: 1...UInt64.max),
            name: options.name, host: host, slots: options.slots, gpus: options.gpus.count)
        var machine = WorkerMachine(identity, heartbeatInterval: options.heartbeatInterval)
        let store = try BlobStore(root: options.cacheDirectory ?? BlobStore.defaultRoot())
        let context = Context()
        var socket = try connectedSocket(context)
        var monitorCount = 0
        func watch(_ socket: Socket) throws -> Socket {
            monitorCount += 1
            return try socket.monitor("inproc://worker-monitor-\(monitorCount)", context: context)
        }
        var monitor = try watch(socket)
        var handshakeProblem: SocketEvent.Kind?
        // libzmq does not retry a connection whose handshake was refused; we do, with backoff, so
        // a key allowed later (or a coordinator restarted with the right keys) is picked up.
        var handshakeRetry: (at: Double, backoff: Double)?
        func reconnect() throws {
            socket.stopMonitor()
            monitor.close()
            socket.close()
            socket = try connectedSocket(context)
            monitor = try watch(socket)
        }
        let pool = TaskPool(threads: options.slots, name: "trainer")
        defer { pool.stop() }
        var tasks = TaskLauncher(store: store, gpus: options.gpus, inbox: inbox, pool: pool, logger: logger)
        var running = true
        var coordinatorKnown = false

        func send(_ message: Message) {
            _ = try? socket.send([Codec.encode(message)])  // not connected: HELLO repeats, results wait for ack
        }

        func perform(_ actions: [WorkerMachine.Action]) throws {
            for action in actions {
                switch action {
                case .send(let message):
                    send(message)
                case .loadSetup(let setup):
                    for request in tasks.load(setup) { send(request) }
                case .run(let assignment, let sweepID):
                    tasks.run(assignment, sweepID: sweepID)
                case .cancel(let lease):
                    tasks.cancel(lease)
                case .deliverChunk(let hash, let offset, let total, let bytes):
                    for request in tasks.deliver(hash, offset: offset, total: total, bytes: bytes) { send(request) }
                case .reconnect:
                    try reconnect()
                case .report(let report):
                    switch report {
                    case .registered(let sweepID):
                        logger.info("registered with the coordinator at \(options.connect) (sweep \(String(sweepID, radix: 16)))")
                        coordinatorKnown = true
                        for request in tasks.outstandingRequests() { send(request) }
                    case .coordinatorLost(let silence):
                        if coordinatorKnown {
                            logger.warning("coordinator silent for \(formatNumber((silence * 10).rounded() / 10)) s; reconnecting to \(options.connect)")
                        }
                        coordinatorKnown = false
                    case .sweepDone(let sweepID):
                        logger.info("sweep \(String(sweepID, radix: 16)) finished; waiting for the next one")
                    case .rejected(let reason):
                        logger.error("the coordinator rejected us: \(reason)")
                    case .malformed(let reason):
                        logger.warning("dropped a malformed message from the coordinator: \(reason)")
                    }
                case .exit:
                    running = false
                }
            }
        }

        let gpuText = options.gpus.isEmpty ? "" : " and GPUs \(options.gpus.map(String.init).joined(separator: ","))"
        logger.info("worker \(options.name) on \(host) with \(options.slots) slots\(gpuText), connecting to \(options.connect)")
        try perform(machine.handle(.started, now: MonotonicClock.now()))
        let tickInterval = 0.01
        var nextTick = MonotonicClock.now() + tickInterval
        while running {
            var poller = Poller([.socket(socket), .fileDescriptor(inbox.fileDescriptor), .socket(monitor)])
            let wait = max(0, Int(((nextTick - MonotonicClock.now()) * 1000).rounded(.up)))
            let ready = try poller.poll(timeoutMilliseconds: min(wait, 1000))
            if ready[1] {
                var results: [TaskResult] = []
                for item in inbox.drain() {
                    switch item {
                    case .finished(let result):
                        tasks.finished(result.lease)
                        results.append(result)
                    case .progress(let lease, let step, let metrics):
                        try perform(machine.handle(.progress(lease, step: step, metrics: metrics), now: MonotonicClock.now()))
                    case .control(.drain):
                        logger.info("draining: finishing \(machine.runningCount) running tasks and delivering \(machine.unacknowledgedCount) results, taking no new ones")
                        try perform(machine.handle(.drain, now: MonotonicClock.now()))
                    case .control(.stop):
                        // Stop now: cancel running programs and say goodbye, so their tasks are
                        // re-queued at once rather than after the heartbeat timeout.
                        logger.info("stopping: cancelling \(machine.runningCount) running tasks")
                        tasks.cancelAll()
                        if machine.isRegistered { send(.goodbye) }
                        running = false
                    }
                }
                if !results.isEmpty { try perform(machine.handle(.finished(results), now: MonotonicClock.now())) }
            }
            if ready[0] {
                while running, let parts = try socket.receive() {
                    let now = MonotonicClock.now()
                    guard parts.count == 1 else {
                        try perform(machine.handle(.malformed(DecodeError("expected 1 frame, got \(parts.count)")), now: now))
                        continue
                    }
                    do {
                        let message = try Codec.decode(parts[0])
                        try perform(machine.handle(.received(message), now: now))
                    } catch let error as DecodeError {
                        try perform(machine.handle(.malformed(error), now: now))
                    }
                }
            }
            if ready[2] {
                while let event = try monitor.receiveEvent() {
                    switch event.kind {
                    case .handshakeSucceeded:
                        handshakeProblem = nil
                        handshakeRetry = nil
                    case .handshakeFailedAuth, .handshakeFailedProtocol, .handshakeFailedNoDetail:
                        if handshakeProblem != event.kind { logger.error("\(handshakeAdvice(event.kind))") }
                        handshakeProblem = event.kind
                        let backoff = min((handshakeRetry?.backoff ?? 0.5) * 2, 32)
                        handshakeRetry = (MonotonicClock.now() + backoff, backoff)
                    default:
                        break
                    }
                }
            }
            let now = MonotonicClock.now()
            if let retry = handshakeRetry, now >= retry.at {
                handshakeRetry = (.infinity, retry.backoff)  // armed again by the next failure
                try reconnect()
            }
            if now >= nextTick {
                try perform(machine.handle(.tick, now: now))
                nextTick = now + tickInterval
            }
        }
        tasks.cancelAll()
        socket.stopMonitor()
        monitor.close()
        socket.close()
        logger.info("worker \(options.name) stopped")
    }

    /// What a failed handshake means for the user, said once until a handshake succeeds.
    func handshakeAdvice(_ kind: SocketEvent.Kind) -> String {
        switch (kind, options.security) {
        case (.handshakeFailedAuth, .curve(let publicKey, _, _)):
            return "the coordinator at \(options.connect) refused this worker's key; ask its operator to allow public key \(publicKey) (the worker's .key file)"
        case (_, .curve):
            return "the encrypted handshake with \(options.connect) failed: check that --server-key is the coordinator's public key and that the coordinator uses keys"
        case (_, .plaintext):
            return "the handshake with \(options.connect) failed: the coordinator probably requires keys (--key and --server-key)"
        }
    }

    func connectedSocket(_ context: Context) throws -> Socket {
        let socket = try Socket(context, .dealer)
        try SocketSettings.configureDealer(socket, heartbeatInterval: options.heartbeatInterval)
        if case .curve(let publicKey, let secretKey, let serverKey) = options.security {
            try socket.set(.curveServerKey, serverKey)
            try socket.set(.curvePublicKey, publicKey)
            try socket.set(.curveSecretKey, secretKey)
        }
        try socket.connect(options.connect)
        return socket
    }
}
