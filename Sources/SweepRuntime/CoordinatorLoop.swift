import Foundation
import Logging
import SweepCore
import SweepProtocol
import ZeroMQ

/// What stops a serving coordinator from outside its thread (a signal handler's queue).
public enum CoordinatorControl: Sendable { case stop }

/// The coordinator's socket loop: owns the ROUTER on the thread that calls `run`, feeds what
/// arrives (and the timers the machine asks for) to the CoordinatorMachine, hands every action
/// to the journal, and sends only after the journal has committed what led to the sends.
final class CoordinatorLoop {
    /// How `run` ended.
    struct Outcome {
        /// Every task ended (false: stopped from outside first).
        var complete: Bool
        /// From serving to the last task's end (or to the stop).
        var wallSeconds: Double
    }

    /// The longest the loop blocks without an event or a due timer (polls are never infinite).
    static let longestWait = 10.0
    /// Messages taken before what they decided is committed and sent. Draining everything first
    /// let 1,000 workers fall into step: a burst of results held every WORK until the last was
    /// handled. 64 (3 ms of work at most) measured 1.34 × ideal against 1.50 × for 4,096 at 1,000
    /// workers (`sweep-bench scale`, median of 5 and 3 runs); 16 cost more CPU and gained nothing.
    static let receiveBatch = 64

    private(set) var machine: CoordinatorMachine
    let socket: CoordinatorSocket
    let journal: RunJournal
    let sweep: LoadedSweep
    let control: Mailbox<CoordinatorControl>
    let logger: Logger
    private(set) var progress: ProgressReporter
    private let setupBytes: [UInt8]
    /// Sends wait here until the journal has committed what led to them (acks above all).
    private var outbox: [(PeerID, [UInt8])] = []
    private var finishedAt: Double?
    /// Fetches command trainers' artifacts from workers (nil: the policy wants none).
    let artifacts: ArtifactCollector?

    init(
        machine: CoordinatorMachine, socket: CoordinatorSocket, journal: RunJournal, sweep: LoadedSweep,
        progress: ProgressReporter, control: Mailbox<CoordinatorControl>, logger: Logger,
        artifacts: ArtifactCollector? = nil
    ) {
        self.artifacts = artifacts
        self.machine = machine
        self.socket = socket
        self.journal = journal
        self.sweep = sweep
        self.progress = progress
        self.control = control
        self.logger = logger
        setupBytes = Codec.encode(.setup(sweep.setup(sweepID: machine.configuration.sweepID)))
    }

    /// Serves until the machine is done (every task ended, farewells heard) or `control` says
    /// stop. Blocks the caller, which owns the socket from here on.
    func run() throws -> Outcome {
        let started = MonotonicClock.now()
        var poller = Poller([.socket(socket.router), .fileDescriptor(control.fileDescriptor)])
        var stopped = false
        try journal.commit()
        while !stopped && !machine.isDone {
            let now = MonotonicClock.now()
            let wait = min(max(min(machine.nextWake, progress.nextDue) - now, 0), Self.longestWait)
            let ready = try poller.poll(timeoutMilliseconds: Int((wait * 1000).rounded(.up)))
            if ready[1] { stopped = control.drain().contains(.stop) }
            let drainedAt = ready[0] ? try receiveAll() : MonotonicClock.now()
            if let drainedAt { machine.socketDrained(at: drainedAt) }
            let after = MonotonicClock.now()
            if after >= machine.nextWake { perform(machine.handle(.tick, now: after), now: after) }
            try flush(now: after)
            journal.searchClock(machine.search.elapsed(now: after), now: after)
            progress.show(machine, now: after)
            journal.observe(machine, now: after)
            artifacts?.expire(now: after)
        }
        if !stopped { try finishTransfers(&poller) }
        artifacts?.close()
        try artifacts?.record(in: journal.database)
        journal.searchClock(machine.search.elapsed(now: MonotonicClock.now()), now: MonotonicClock.now(), final: true)
        journal.observe(machine, now: MonotonicClock.now(), final: true)
        try journal.commit()
        let wall = (finishedAt ?? MonotonicClock.now()) - started
        progress.close(machine, wall: wall)
        // A sweep that failed fast stopped with tasks left: it is stopped, not finished (resumable).
        return Outcome(complete: machine.isFinished && machine.failedFast == nil, wallSeconds: wall)
    }

    /// Takes what the socket holds, up to `receiveBatch`, so sends and timers run under a flood. Returns
    /// when it found the socket empty (nil: the budget ran out first).
    private func receiveAll() throws -> Double? {
        var budget = Self.receiveBatch
        while true {
            guard budget > 0 else { return nil }
            let now = MonotonicClock.now()
            guard let parts = try socket.router.receive() else { return now }
            budget -= 1
            guard parts.count == 2 else {
                guard let peer = parts.first else { continue }
                let error = DecodeError("expected 1 frame, got \(parts.count - 1)")
                perform(machine.handle(.malformed(PeerID(peer), error), now: now), now: now)
                continue
            }
            let peer = PeerID(parts[0])
            let event: CoordinatorMachine.Event
            var refusals: [String] = []
            do {
                event = .received(peer, try Codec.decode(parts[1], refusals: &refusals))
            } catch {
                event = .malformed(peer, error)
            }
            let actions = machine.handle(event, now: now)
            // Artifact FETCHes leave before the WORK that acknowledges their result: a draining
            // worker then knows to stay until its files are in.
            if let artifacts, case .received(_, let message) = event {
                let sends = artifacts.observe(message, from: peer, actions: actions, now: now)
                outbox += sends.map { ($0.0, Codec.encode($0.1)) }
            }
            perform(actions, now: now)
            refuse(refusals, to: peer)
        }
    }

    /// After the farewell, artifact transfers still under way are served to their end (each
    /// bounded by `ArtifactCollector.stallSeconds`); only chunks are taken from here on.
    private func finishTransfers(_ poller: inout Poller) throws {
        guard let artifacts, artifacts.isBusy else { return }
        logger.info("waiting for artifacts still on their way from workers")
        while artifacts.isBusy {
            let ready = try poller.poll(timeoutMilliseconds: 250)
            if ready[1], control.drain().contains(.stop) { return }
            let now = MonotonicClock.now()
            while ready[0], let parts = try socket.router.receive() {
                guard parts.count == 2, let message = try? Codec.decode(parts[1]), case .chunk = message else {
                    continue
                }
                let sends = artifacts.observe(message, from: PeerID(parts[0]), actions: [], now: now)
                for (peer, reply) in sends where socket.send(peer, Codec.encode(reply)) != .sent {
                    artifacts.peerLost(peer)
                }
            }
            artifacts.expire(now: now)
        }
    }

    /// Results over the wire's limits arrived as failed attempts (acknowledged with the rest);
    /// the worker is told why, after the acknowledgement.
    private func refuse(_ refusals: [String], to peer: PeerID) {
        for reason in refusals {
            logger.warning("\(reason)")
            let text = WireLimits.prefix(reason, bytes: WireLimits.reasonBytes)
            outbox.append((peer, Codec.encode(.rejected(reason: text))))
        }
    }

    private func perform(_ actions: [CoordinatorMachine.Action], now: Double) {
        for action in actions {
            switch action {
            case .send(let peer, let message):
                outbox.append((peer, Codec.encode(message)))
            case .sendSetup(let peer):
                outbox.append((peer, setupBytes))
            case .serveChunk(let peer, let hash, let offset, let length):
                outbox.append((peer, Codec.encode(sweep.chunk(hash, offset: offset, length: length))))
            case .record(let record):
                progress.counted(record)
                journal.apply(action)
            case .finished:
                finishedAt = now
            default:
                journal.apply(action)
            }
        }
    }

    /// Commits what the last events decided, then sends. A send to a departed worker fails
    /// loudly (ROUTER_MANDATORY) and becomes an event of its own: drop it, re-queue its tasks.
    private func flush(now: Double) throws {
        while !outbox.isEmpty {
            try journal.commit()
            let sending = outbox
            outbox.removeAll(keepingCapacity: true)
            var unreachable: [PeerID] = []
            for (peer, bytes) in sending where !unreachable.contains(peer) {
                switch socket.send(peer, bytes) {
                case .sent:
                    continue
                case .queueFull:
                    logger.warning("send queue to peer \(peer) is full; dropping the peer")
                    unreachable.append(peer)
                case .unreachable:
                    unreachable.append(peer)
                }
            }
            for peer in unreachable {
                artifacts?.peerLost(peer)
                perform(machine.handle(.unreachable(peer), now: now), now: now)
            }
        }
        try journal.commit()
    }
}
