import Foundation
import Logging
import SweepCore
import SweepProtocol
import ZeroMQ

/// A worker's shell: owns the DEALER on the thread that calls `run`, runs tasks on a pool of
/// `slots` threads, and feeds messages, finished tasks and ticks to the WorkerMachine.
public final class WorkerService {
    public struct Options: Sendable {
        public var connect: String
        public var slots: Int
        public var name: String
        public var heartbeatInterval: Double

        public init(connect: String, slots: Int, name: String, heartbeatInterval: Double = 1) {
            self.connect = connect
            self.slots = slots
            self.name = name
            self.heartbeatInterval = heartbeatInterval
        }
    }

    public enum Control: Sendable {
        /// Finish running tasks, deliver their results, take no new ones, exit.
        case drain
        /// Exit now.
        case stop
    }

    enum Inbox: Sendable {
        case finished(TaskResult)
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
            name: options.name, host: host, slots: options.slots)
        var machine = WorkerMachine(identity, heartbeatInterval: options.heartbeatInterval)
        let context = Context()
        var socket = try connectedSocket(context)
        let pool = TaskPool(threads: options.slots, name: "trainer")
        defer { pool.stop() }
        var sweeps: [UInt64: SweepContext] = [:]
        var running = true
        var coordinatorKnown = false

        func perform(_ actions: [WorkerMachine.Action]) throws {
            for action in actions {
                switch action {
                case .send(let message):
                    _ = try? socket.send([Codec.encode(message)])  // not connected: HELLO repeats, results wait for ack
                case .loadSetup(let setup):
                    sweeps = [setup.sweepID: SweepContext(setup)]  // keep only the current sweep's data
                case .run(let assignment, let sweepID):
                    let sweep = sweeps[sweepID]
                    let inbox = self.inbox
                    pool.submit { inbox.post(.finished(BuiltinTrainer.run(assignment, in: sweep))) }
                case .reconnect:
                    socket.close()
                    socket = try connectedSocket(context)
                case .report(let report):
                    switch report {
                    case .registered(let sweepID):
                        logger.info("registered with the coordinator at \(options.connect) (sweep \(String(sweepID, radix: 16)))")
                        coordinatorKnown = true
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

        logger.info("worker \(options.name) on \(host) with \(options.slots) slots, connecting to \(options.connect)")
        try perform(machine.handle(.started, now: MonotonicClock.now()))
        let tickInterval = 0.01
        var nextTick = MonotonicClock.now() + tickInterval
        while running {
            var poller = Poller([.socket(socket), .fileDescriptor(inbox.fileDescriptor)])
            let wait = max(0, Int(((nextTick - MonotonicClock.now()) * 1000).rounded(.up)))
            let ready = try poller.poll(timeoutMilliseconds: min(wait, 1000))
            if ready[1] {
                var results: [TaskResult] = []
                for item in inbox.drain() {
                    switch item {
                    case .finished(let result): results.append(result)
                    case .control(.drain):
                        logger.info("draining: finishing \(machine.runningCount) running tasks and delivering \(machine.unacknowledgedCount) results, taking no new ones")
                        try perform(machine.handle(.drain, now: MonotonicClock.now()))
                    case .control(.stop): running = false
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
            let now = MonotonicClock.now()
            if now >= nextTick {
                try perform(machine.handle(.tick, now: now))
                nextTick = now + tickInterval
            }
        }
        socket.close()
        logger.info("worker \(options.name) stopped")
    }

    func connectedSocket(_ context: Context) throws -> Socket {
        let socket = try Socket(context, .dealer)
        try SocketSettings.configureDealer(socket, heartbeatInterval: options.heartbeatInterval)
        try socket.connect(options.connect)
        return socket
    }
}
