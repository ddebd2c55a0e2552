import Foundation
import Logging
import SweepCore
import SweepProtocol
import ZeroMQ

/// What the worker's socket loop does with each input: feeds it to the WorkerMachine and
/// performs the actions (sends on the connection; tasks to the launcher, which runs them on
/// the trainer pool). Lives on the socket thread.
struct WorkerLoop {
    var machine: WorkerMachine
    let connection: WorkerConnection
    var tasks: TaskLauncher
    let options: WorkerService.Options
    let logger: Logger
    private(set) var running = true
    private var coordinatorKnown = false
    /// The last handshake failure said to the user (said again only after a success).
    private var handshakeProblem: SocketEvent.Kind?

    init(
        machine: WorkerMachine, connection: WorkerConnection, tasks: TaskLauncher, options: WorkerService.Options,
        logger: Logger
    ) {
        self.machine = machine
        self.connection = connection
        self.tasks = tasks
        self.options = options
        self.logger = logger
    }

    /// Finished tasks, intermediate reports and controls posted to the inbox.
    mutating func take(_ items: [WorkerService.Inbox]) throws {
        var results: [TaskResult] = []
        for item in items {
            switch item {
            case .finished(let result):
                tasks.finished(result.lease)
                // Whatever the trainer produced, what is sent fits the wire (what was cut is said).
                results.append(result.bounded(keeping: objective.map { [$0] } ?? []))
            case .progress(let lease, let step, let metrics):
                let bounded = WireLimits.bounded(metrics, keeping: objective.map { [$0] } ?? []).metrics
                try perform(machine.handle(.progress(lease, step: step, metrics: bounded), now: MonotonicClock.now()))
            case .control(.drain):
                logger.info(
                    "draining: finishing \(machine.runningCount) running tasks and delivering \(machine.unacknowledgedCount) results, taking no new ones"
                )
                try perform(machine.handle(.drain, now: MonotonicClock.now()))
            case .setupDecoded(let setup):
                if tasks.decoded(setup.sweepID) {
                    try perform(machine.handle(.received(.setup(setup)), now: MonotonicClock.now()))
                }
            case .setupMalformed(let sweepID, let error):
                tasks.undecodable(sweepID)
                try perform(machine.handle(.malformed(error), now: MonotonicClock.now()))
            case .setupPrepared, .filesChecked, .fileStored:
                for request in tasks.take(item) ?? [] { connection.send(request) }
            case .control(.stop):
                // Stop now: cancel running programs and say goodbye, so their tasks are
                // re-queued at once rather than after the heartbeat timeout.
                logger.info("stopping: cancelling \(machine.runningCount) running tasks")
                tasks.cancelAll()
                if machine.isRegistered { connection.send(.goodbye) }
                running = false
            }
        }
        if !results.isEmpty { try perform(machine.handle(.finished(results), now: MonotonicClock.now())) }
    }

    /// Messages from the coordinator. A SETUP is decoded off this thread (it can carry hundreds
    /// of MiB of data); meanwhile it counts as a heartbeat, and the machine sees it once decoded.
    mutating func receiveAll() throws {
        while running, let parts = try connection.receiveParts() {
            let now = MonotonicClock.now()
            if parts.count == 1, let sweepID = Codec.setupSweepID(parts[0]) {
                tasks.decodeSetup(parts[0], sweepID: sweepID)
                try perform(machine.handle(.received(.heartbeat), now: now))
                continue
            }
            let event = WorkerConnection.event(parts)
            tasks.observe(event)
            try perform(machine.handle(event, now: now))
        }
    }

    /// Handshake outcomes from the connection's monitor.
    mutating func handshakes() throws {
        for kind in try connection.handshakeEvents() {
            if kind == .handshakeSucceeded {
                handshakeProblem = nil
                try perform(machine.handle(.handshakeSucceeded, now: MonotonicClock.now()))
                continue
            }
            if handshakeProblem != kind { logger.error("\(handshakeAdvice(kind))") }
            handshakeProblem = kind
            try perform(machine.handle(.handshakeFailed, now: MonotonicClock.now()))
        }
    }

    mutating func perform(_ actions: [WorkerMachine.Action]) throws {
        for action in actions {
            switch action {
            case .send(.results(let sweepID, let results)):
                // Many large results at once go in several messages, each under the size cap.
                for batch in WireLimits.batches(results) { connection.send(.results(sweepID: sweepID, batch)) }
            case .send(let message):
                connection.send(message)
            case .loadSetup(let setup):
                for request in tasks.load(setup) { connection.send(request) }
            case .run(let assignment, let sweepID):
                tasks.run(assignment, sweepID: sweepID)
            case .cancel(let lease):
                tasks.cancel(lease)
            case .deliverChunk(let hash, let offset, let total, let bytes):
                for request in tasks.deliver(hash, offset: offset, total: total, bytes: bytes) {
                    connection.send(request)
                }
            case .serveArtifact(let hash, let offset, let length):
                let cache = tasks.contexts.keys.max().map {
                    ArtifactKeeper.directory(store: tasks.store.root, sweepID: $0)
                }
                connection.send(ArtifactKeeper.chunk(hash, offset: offset, length: length, cache: cache))
            case .reconnect:
                try connection.reconnect()
            case .report(let report):
                tell(report)
            case .exit:
                running = false
            }
        }
    }

    /// The objective of the sweep this worker holds, kept first when metrics are trimmed.
    var objective: String? {
        guard let context = tasks.contexts.values.first, case .command(let command) = context.runner else {
            return nil
        }
        return command.command.objective
    }

    mutating func tell(_ report: WorkerMachine.Report) {
        switch report {
        case .registered(let sweepID):
            logger.info("registered with the coordinator at \(options.connect) (sweep \(String(sweepID, radix: 16)))")
            coordinatorKnown = true
            for request in tasks.outstandingRequests() { connection.send(request) }
        case .coordinatorLost(let silence):
            if coordinatorKnown {
                logger.warning(
                    "coordinator silent for \(formatNumber((silence * 10).rounded() / 10)) s; reconnecting to \(options.connect)"
                )
            }
            coordinatorKnown = false
        case .sweepDone(let sweepID):
            logger.info("sweep \(String(sweepID, radix: 16)) finished; waiting for the next one")
        case .rejected(let reason) where reason.hasPrefix("the result of"):
            logger.error("\(reason) by the coordinator")
        case .rejected(let reason):
            logger.error("the coordinator rejected us: \(reason)")
        case .malformed(let reason):
            logger.warning("dropped a malformed message from the coordinator: \(reason)")
        case .leftSweep(let sweepID, let cancelled):
            logger.warning(
                "joined another sweep: cancelled \(cancelled) running tasks of sweep \(String(sweepID, radix: 16)), which can no longer count"
            )
        case .resultDropped(let lease, let sweepID):
            logger.info("dropped the result of \(lease): its sweep \(String(sweepID, radix: 16)) is gone")
        }
    }

    /// What a failed handshake means for the user, said once until a handshake succeeds.
    func handshakeAdvice(_ kind: SocketEvent.Kind) -> String {
        switch (kind, options.security) {
        case (.handshakeFailedAuth, .curve(let publicKey, _, _)):
            return
                "the coordinator at \(options.connect) refused this worker's key; ask its operator to allow public key \(publicKey) (the worker's .key file)"
        case (_, .curve):
            return
                "the encrypted handshake with \(options.connect) failed: check that --server-key is the coordinator's public key and that the coordinator uses keys"
        case (_, .plaintext):
            return
                "the handshake with \(options.connect) failed: the coordinator probably requires keys (--key and --server-key)"
        }
    }
}
