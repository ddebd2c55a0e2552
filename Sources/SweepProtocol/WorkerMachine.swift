import SweepCore

/// The worker's decisions, as a pure state machine (see CoordinatorMachine for the terms).
///
/// Life: *connecting* — say HELLO every heartbeat interval until WELCOME; *registered* — run
/// assigned tasks (the shell runs them off the socket thread), send RESULTS as they finish, and
/// keep every result until the coordinator acknowledges it. A coordinator silent for
/// `livenessIntervals` heartbeat intervals is presumed gone: the shell reconnects the socket and
/// the worker says HELLO again, naming the tasks it is still running; unacknowledged results are
/// resent after the next WELCOME. A coordinator that does not know us says REREGISTER.
/// A worker outlives sweeps: after SWEEP-DONE it waits for the next coordinator. It belongs to
/// one sweep at a time: welcomed into another sweep, it cancels the old sweep's tasks (freeing
/// their slots) and drops their results, which can never count, with a log line.
/// A HELLO refused with REJECTED (e.g. the name is taken by a live worker) is said again after
/// the handshake backoff (1 s doubling to 32 s), not at once.
///
/// Timers: the machine keeps no clock of its own. `nextWake` says when the shell must deliver
/// the next `.tick` (the next HELLO, heartbeat, liveness check or handshake retry); between
/// then and the next message an idle worker sleeps. A tick before that time does nothing.
/// Heartbeats are coalesced: a message from the coordinator is answered with our heartbeat when
/// we have sent nothing for half an interval, so an idle worker wakes about once an interval.
public struct WorkerMachine: Sendable {
    public struct Identity: Sendable {
        public var workerID: String
        public var incarnation: UInt64
        public var name: String
        public var host: String
        public var slots: Int
        public var gpus: Int

        public init(workerID: String, incarnation: UInt64, name: String, host: String, slots: Int, gpus: Int = 0) {
            self.gpus = gpus
            self.workerID = workerID
            self.incarnation = incarnation
            self.name = name
            self.host = host
            self.slots = slots
        }
    }

    public enum Event: Sendable {
        case started
        case received(Message)
        case malformed(DecodeError)
        case finished([TaskResult])
        /// An intermediate report from a running task.
        case progress(LeaseRef, step: Int, metrics: [String: Double])
        case tick
        /// Stop taking work (SIGTERM): say goodbye once running tasks are reported.
        case drain
        /// The transport refused the coordinator's handshake (keys): reconnect after a backoff.
        case handshakeFailed
        /// A handshake succeeded: the backoff starts again from its first step.
        case handshakeSucceeded
    }

    public enum Action: Sendable {
        case send(Message)
        case loadSetup(Setup)
        case run(Assignment, sweepID: UInt64)
        /// Stop a running task (its result will not count).
        case cancel(LeaseRef)
        /// Bytes of a file the worker asked for.
        case deliverChunk(sha256: String, offset: Int, total: Int, bytes: [UInt8])
        /// The coordinator asks for bytes of an artifact this worker keeps (answer with CHUNK).
        case serveArtifact(sha256: String, offset: Int, length: Int)
        case reconnect
        case report(Report)
        case exit
    }

    public enum Report: Sendable, Equatable {
        case registered(sweepID: UInt64)
        case coordinatorLost(silentFor: Double)
        case sweepDone(sweepID: UInt64)
        case rejected(String)
        case malformed(String)
        /// Welcomed into another sweep: the old sweep's running tasks were cancelled.
        case leftSweep(sweepID: UInt64, cancelled: Int)
        /// A task ended after its sweep was left: its result can never count.
        case resultDropped(LeaseRef, sweepID: UInt64)
    }

    enum Phase: Sendable, Equatable {
        case connecting(lastHello: Double)
        case registered(sweepID: UInt64)
    }

    /// HELLO repeats while connecting, first after `firstHelloRetry`, then twice as long each
    /// time up to the heartbeat interval: quick to register once the connection is up, quiet after.
    public static let firstHelloRetry = 0.01
    /// libzmq does not retry a connection whose handshake was refused; the worker does, after
    /// 1 s, then twice as long each time up to 32 s, so a key allowed later is picked up.
    public static let handshakeBackoff = (first: 1.0, most: 32.0)

    public let identity: Identity
    var phase: Phase
    var heartbeatInterval: Double
    let livenessIntervals: Double
    var lastHeard: Double = 0
    var lastSent: Double = 0
    var cachedSweep: UInt64 = 0
    var running: [LeaseRef: UInt64] = [:]  // lease → sweep it belongs to
    /// Tasks of a sweep this worker left, cancelled and not yet ended (lease → their sweep).
    var left: [LeaseRef: UInt64] = [:]
    /// New tasks whose lease is the same as a left task's, to start once that one has ended
    /// (results name only the lease, so the two must never run at once).
    var startAfterLeft: [LeaseRef: (task: Assignment, sweepID: UInt64)] = [:]
    var unacknowledged: [LeaseRef: (sweepID: UInt64, result: TaskResult)] = [:]
    var draining = false
    /// When the coordinator last asked for an artifact's bytes: a draining worker stays until it
    /// has asked for nothing for `artifactLinger` intervals, so the files of its last results arrive.
    var lastArtifactFetch = -Double.infinity
    static let artifactLinger = 2.0
    var helloRetry = WorkerMachine.firstHelloRetry
    /// HELLOs said so far; with the identity it seeds each retry's jitter.
    var helloSerial: UInt64 = 0
    /// This retry's share of `helloRetry` (1 to 1.5): workers started together (a thousand at
    /// once, or all after the coordinator restarted) do not say HELLO again in step.
    var helloJitter = 1.0
    /// When to reconnect after a refused handshake, and the backoff that set it.
    var handshakeRetry: (at: Double, backoff: Double)?
    /// While connecting, after a refused HELLO: when to say it again, and the backoff that set it.
    var refusedRetry: (at: Double, backoff: Double)?

    public init(_ identity: Identity, heartbeatInterval: Double = 1, livenessIntervals: Double = 3) {
        self.identity = identity
        self.heartbeatInterval = heartbeatInterval
        self.livenessIntervals = livenessIntervals
        phase = .connecting(lastHello: -.infinity)
    }

    public var runningCount: Int { running.count }
    public var unacknowledgedCount: Int { unacknowledged.count }
    public var isRegistered: Bool { if case .registered = phase { true } else { false } }

    /// When the shell must deliver the next `.tick`: the next HELLO while connecting; the next
    /// heartbeat or liveness check once registered; a pending handshake retry.
    public var nextWake: Double {
        let phaseWake: Double
        switch phase {
        case .connecting(let lastHello):
            phaseWake = max(lastHello + helloRetry * helloJitter, refusedRetry?.at ?? -.infinity)
        case .registered:
            phaseWake = min(lastSent + heartbeatInterval, lastHeard + livenessIntervals * heartbeatInterval)
        }
        return min(phaseWake, handshakeRetry?.at ?? .infinity)
    }

    public mutating func handle(_ event: Event, now: Double) -> [Action] {
        var actions: [Action] = []
        switch event {
        case .started:
            lastHeard = now
            sayHello(now: now, into: &actions)
        case .received(let message):
            lastHeard = now
            receive(message, now: now, into: &actions)
            // Answer while awake rather than wake again for our own heartbeat a moment later:
            // an idle worker then wakes about once an interval, when the coordinator's arrives.
            if isRegistered && now - lastSent >= heartbeatInterval / 2 && !actions.contains(where: \.isSend) {
                send(.heartbeat, now: now, into: &actions)
            }
        case .malformed(let error):
            actions.append(.report(.malformed(error.reason)))
        case .finished(let results):
            for result in results {
                // A left sweep's task with the same lease as a new one ends first: the new one waits for it.
                if let old = left.removeValue(forKey: result.lease) {
                    actions.append(.report(.resultDropped(result.lease, sweepID: old)))
                    if let next = startAfterLeft.removeValue(forKey: result.lease) {
                        actions.append(.run(next.task, sweepID: next.sweepID))
                    }
                    continue
                }
                guard let sweepID = running.removeValue(forKey: result.lease) else { continue }
                unacknowledged[result.lease] = (sweepID, result)
            }
            if case .registered(let sweepID) = phase {
                let ready = results.filter { unacknowledged[$0.lease]?.sweepID == sweepID }
                if !ready.isEmpty { send(.results(sweepID: sweepID, ready), now: now, into: &actions) }
            }
        case .progress(let lease, let step, let metrics):
            // While a left sweep's task with this lease runs, reports are that task's, not the new one's.
            if case .registered(let sweepID) = phase, running[lease] == sweepID, left[lease] == nil {
                send(.progress(sweepID: sweepID, lease: lease, step: step, metrics: metrics), now: now, into: &actions)
            }
        case .tick:
            tick(now: now, into: &actions)
        case .handshakeFailed:
            let backoff =
                handshakeRetry.map { min($0.backoff * 2, Self.handshakeBackoff.most) } ?? Self.handshakeBackoff.first
            handshakeRetry = (now + backoff, backoff)
        case .handshakeSucceeded:
            handshakeRetry = nil
            // The connection is up: say HELLO now rather than at the next backed-off retry (HELLOs
            // said before it were dropped locally), so workers joining together register as soon
            // as each one's connection is ready.
            if case .connecting = phase, refusedRetry == nil {
                helloRetry = Self.firstHelloRetry
                sayHello(now: now, into: &actions)
            }
        case .drain:
            draining = true
            // Tell the coordinator we have no free slots; it sends nothing new from here on.
            if isRegistered { sayHello(now: now, into: &actions) } else { stopRunning(into: &actions) }
        }
        let fetching = isRegistered && now - lastArtifactFetch < Self.artifactLinger * heartbeatInterval
        if draining && running.isEmpty && (unacknowledged.isEmpty || !isRegistered) && !fetching {
            // Results nobody can acknowledge (the coordinator is gone) are left behind: their
            // tasks run again elsewhere, which at-least-once execution allows.
            if isRegistered { actions.append(.send(.goodbye)) }
            actions.append(.exit)
        }
        return actions
    }

    mutating func receive(_ message: Message, now: Double, into actions: inout [Action]) {
        switch message {
        case .welcome(let sweepID, let heartbeatMilliseconds):
            helloRetry = Self.firstHelloRetry
            refusedRetry = nil
            heartbeatInterval = max(Double(heartbeatMilliseconds) / 1000, 0.01)
            leaveOtherSweeps(joining: sweepID, into: &actions)
            let wasRegistered = phase == .registered(sweepID: sweepID)
            phase = .registered(sweepID: sweepID)
            if !wasRegistered { actions.append(.report(.registered(sweepID: sweepID))) }
            // Results of this sweep that were never acknowledged go again; others can never count.
            // Only on registering: a WELCOME answering a HELLO repeated while connecting arrives
            // after the first, when results sent since are merely not acknowledged yet.
            let pending = unacknowledged.values.filter { $0.sweepID == sweepID }.map(\.result)
            for (lease, entry) in unacknowledged where entry.sweepID != sweepID {
                unacknowledged.removeValue(forKey: lease)
            }
            if !pending.isEmpty && !wasRegistered {
                send(
                    .results(
                        sweepID: sweepID,
                        pending.sorted { ($0.lease.trial, $0.lease.fold) < ($1.lease.trial, $1.lease.fold) }),
                    now: now, into: &actions)
            }
        case .setup(let setup):
            // HELLOs repeated while connecting can each be answered with SETUP: load it once.
            guard setup.sweepID != cachedSweep else { return }
            cachedSweep = setup.sweepID
            actions.append(.loadSetup(setup))
        case .work(let sweepID, let acks, let tasks):
            for lease in acks { unacknowledged.removeValue(forKey: lease) }
            for task in tasks where running[task.lease] == nil && unacknowledged[task.lease] == nil {
                running[task.lease] = sweepID
                if left[task.lease] != nil {
                    startAfterLeft[task.lease] = (task, sweepID)
                } else {
                    actions.append(.run(task, sweepID: sweepID))
                }
            }
        case .reregister:
            phase = .connecting(lastHello: -.infinity)
            sayHello(now: now, into: &actions)
        case .sweepDone(let sweepID):
            // Answer, so the coordinator knows everything before it (acks included) arrived.
            send(.heartbeat, now: now, into: &actions)
            actions.append(.report(.sweepDone(sweepID: sweepID)))
        case .rejected(let reason):
            actions.append(.report(.rejected(reason)))
            // A refused HELLO: say it again after a backoff, not at the next quick retry. What it
            // still runs can never be delivered (a live namesake holds the name): stop it.
            if case .connecting = phase {
                for lease in running.keys.sorted(by: { ($0.trial, $0.fold) < ($1.trial, $1.fold) }) {
                    actions.append(.cancel(lease))
                }
                let backoff =
                    refusedRetry.map { min($0.backoff * 2, Self.handshakeBackoff.most) } ?? Self.handshakeBackoff.first
                refusedRetry = (now + backoff, backoff)
            }
        case .cancel(let sweepID, let leases):
            for lease in leases where running[lease] == sweepID { actions.append(.cancel(lease)) }
        case .chunk(let hash, let offset, let total, let bytes):
            actions.append(.deliverChunk(sha256: hash, offset: offset, total: total, bytes: bytes))
        case .fetch(let hash, let offset, let length):
            lastArtifactFetch = now
            actions.append(.serveArtifact(sha256: hash, offset: offset, length: length))
        case .heartbeat, .hello, .results, .goodbye, .progress:
            break
        }
    }

    mutating func tick(now: Double, into actions: inout [Action]) {
        if let retry = handshakeRetry, now >= retry.at {
            // Armed again by the next failure, with the backoff kept until a handshake succeeds.
            handshakeRetry = (.infinity, retry.backoff)
            actions.append(.reconnect)
        }
        switch phase {
        case .registered:
            if now - lastHeard >= livenessIntervals * heartbeatInterval {
                actions.append(.report(.coordinatorLost(silentFor: now - lastHeard)))
                actions.append(.reconnect)
                if draining { stopRunning(into: &actions) }
                phase = .connecting(lastHello: -.infinity)
                sayHello(now: now, into: &actions)
            } else if now - lastSent >= heartbeatInterval {
                send(.heartbeat, now: now, into: &actions)
            }
        case .connecting(let lastHello):
            // HELLO is idempotent and cheap; while no connection exists libzmq drops it locally
            // (ZMQ_IMMEDIATE), so repeat it often to register soon after the connection is up.
            // The same sum as `nextWake`: a tick delivered at that moment is due (no float gap).
            if now >= lastHello + helloRetry * helloJitter && now >= refusedRetry?.at ?? -.infinity {
                helloRetry = min(helloRetry * 2, heartbeatInterval)
                sayHello(now: now, into: &actions)
            }
        }
    }

    mutating func sayHello(now: Double, into actions: inout [Action]) {
        if case .connecting = phase { phase = .connecting(lastHello: now) }
        helloSerial &+= 1
        helloJitter = 1 + 0.5 * Self.unitJitter(identity, serial: helloSerial)
        let hello = Hello(
            workerID: identity.workerID, incarnation: identity.incarnation, name: identity.name,
            host: identity.host, slots: draining ? 0 : identity.slots, gpus: draining ? 0 : identity.gpus,
            cachedSweep: cachedSweep,
            running: running.keys.sorted { ($0.trial, $0.fold, $0.attempt) < ($1.trial, $1.fold, $1.attempt) })
        send(.hello(hello), now: now, into: &actions)
    }

    /// A draining worker without a coordinator stops its tasks rather than wait on them (a hung
    /// trainer would hold it forever): nobody can take their results, and their leases run again
    /// elsewhere, which at-least-once execution allows.
    mutating func stopRunning(into actions: inout [Action]) {
        for lease in running.keys.sorted(by: { ($0.trial, $0.fold) < ($1.trial, $1.fold) }) {
            actions.append(.cancel(lease))
        }
    }

    /// Cancels the running tasks of every sweep but `sweepID`: their results can never count.
    mutating func leaveOtherSweeps(joining sweepID: UInt64, into actions: inout [Action]) {
        let others = running.filter { $0.value != sweepID }
        guard !others.isEmpty else { return }
        for (lease, old) in others.sorted(by: { ($0.key.trial, $0.key.fold) < ($1.key.trial, $1.key.fold) }) {
            running.removeValue(forKey: lease)
            left[lease] = old
            actions.append(.cancel(lease))
        }
        for old in Set(others.values).sorted() {
            actions.append(.report(.leftSweep(sweepID: old, cancelled: others.values.filter { $0 == old }.count)))
        }
    }

    mutating func send(_ message: Message, now: Double, into actions: inout [Action]) {
        lastSent = now
        actions.append(.send(message))
    }
}

extension WorkerMachine {
    /// A number in [0, 1) fixed by the worker's identity and the HELLO's serial: SplitMix64 over
    /// FNV-1a of the worker id and the incarnation (pure, so tests can replay it).
    static func unitJitter(_ identity: Identity, serial: UInt64) -> Double {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in identity.workerID.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        var z = (hash ^ identity.incarnation) &+ serial &* 0x9e37_79b9_7f4a_7c15
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        z ^= z >> 31
        return Double(z >> 11) / Double(UInt64(1) << 53)
    }
}

extension WorkerMachine.Action {
    var isSend: Bool { if case .send = self { true } else { false } }
}
