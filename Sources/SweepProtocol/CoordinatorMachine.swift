import SweepCore

/// The coordinator's decisions, as a pure state machine (after swift-cluster-membership's SWIM
/// instance): each event goes in with the time, a list of actions comes out; it never touches a
/// socket, a file or a clock. The shell (SweepRuntime's CoordinatorLoop and RunJournal) performs
/// the actions: sends go to sockets, everything else is recorded.
///
/// Terms: a *task* is (trial, fold). A *lease* is one dispatch of a task to one worker, numbered
/// by attempt. Execution is at-least-once; accounting is exactly-once: the first successful
/// result of a task counts, later ones are reported as duplicates and ignored.
///
/// Scheduling is pull-based: a worker announces its slots in HELLO and never holds more leases
/// than that. Re-queued tasks go to the front of the queue. Heartbeats flow both ways every
/// `heartbeatInterval`; any message counts as one. A worker silent for `livenessIntervals`
/// intervals is dropped and its leases re-queued at once. A lease running past `taskTimeout`
/// is a failed attempt (the worker's slot stays busy until it answers).
/// A task ends when it succeeds or after `maxAttempts` attempts; then its trial is failed.
///
/// Trials come from the search (a `SearchDriver`) one at a time, when a worker has a free slot
/// and no task waits, so a sampler that learns from results sees every result counted so far.
/// Fold results and intermediate reports go to the search as they are counted; when it stops a
/// trial, the trial's queued tasks are dropped and its running ones cancelled on their workers.
/// The sweep finishes when the search is spent and every task has ended; it then says SWEEP-DONE
/// to every worker and serves until each has answered (so its last acknowledgements arrive) or
/// a short grace period passes.
///
/// Timers: `nextWake` says when the shell must deliver the next `.tick` (heartbeats to send,
/// silent workers to drop, leases past their timeout, the search's time limit, the end of the
/// farewell). It is a lower bound kept up to date as timers are added and recomputed exactly at
/// each tick, so an idle coordinator sleeps until something is due. Heartbeats are coalesced:
/// a tick sends one to every worker not sent anything for half an interval.
public struct CoordinatorMachine: Sendable {
    public struct Configuration: Sendable {
        public var sweepID: UInt64
        public var search: SearchDriver.Configuration
        /// The metric whose value the search learns from.
        public var objective: String
        public var folds: Int
        public var maxAttempts: Int
        public var taskTimeout: Double
        public var heartbeatInterval: Double
        public var livenessIntervals: Double
        /// What each task needs of a worker's slots (cpus) and GPUs.
        public var resources: Resources

        public init(
            sweepID: UInt64, search: SearchDriver.Configuration, objective: String, maxAttempts: Int,
            taskTimeout: Double,
            heartbeatInterval: Double = 1, livenessIntervals: Double = 3, resources: Resources = Resources()
        ) {
            self.resources = resources
            self.sweepID = sweepID
            self.search = search
            self.objective = objective
            self.folds = search.folds
            self.maxAttempts = maxAttempts
            self.taskTimeout = taskTimeout
            self.heartbeatInterval = heartbeatInterval
            self.livenessIntervals = livenessIntervals
        }

        /// A sweep over exactly these trials (objective `score`, maximized).
        public init(
            sweepID: UInt64, trials: [Trial], folds: Int, maxAttempts: Int, taskTimeout: Double,
            heartbeatInterval: Double = 1, livenessIntervals: Double = 3, resources: Resources = Resources()
        ) {
            self.init(
                sweepID: sweepID, search: .fixed(trials, folds: folds), objective: "score", maxAttempts: maxAttempts,
                taskTimeout: taskTimeout, heartbeatInterval: heartbeatInterval, livenessIntervals: livenessIntervals,
                resources: resources)
        }
    }

    public enum Event: Sendable {
        case received(PeerID, Message)
        /// A message from this peer could not be decoded.
        case malformed(PeerID, DecodeError)
        /// A send to this peer failed: it is no longer connected.
        case unreachable(PeerID)
        case tick
    }

    public enum Action: Sendable {
        case send(PeerID, Message)
        /// A task was handed to a worker (to record before the WORK message leaves).
        case dispatched(LeaseRef, worker: String, host: String)
        /// Send the sweep's SETUP (encoded once by the shell: it carries the dataset).
        case sendSetup(PeerID)
        /// A task's outcome to count (exactly once per task).
        case record(TaskRecord)
        /// Send `length` bytes of a served file from `offset` (the shell holds the files).
        case serveChunk(PeerID, sha256: String, offset: Int, length: Int)
        /// An intermediate report of a running task.
        case progress(LeaseRef, worker: String, step: Int, metrics: [String: Double])
        /// The output tail of one attempt, to keep in the run directory.
        case taskLog(LeaseRef, worker: String, host: String, log: String)
        /// The search suggested a new trial (to record before its tasks are sent).
        case trialAdded(Trial)
        /// An early-stopping rule stopped a trial: `dropped` queued tasks never ran, `cancelled`
        /// running ones were told to stop.
        case stopped(StopDecision, dropped: Int, cancelled: Int)
        /// No further trial will start, and why (budget spent, space exhausted).
        case searchEnded(String)
        case report(Report)
        /// Every task has ended; the sweep's outcome is final (the shell serves on until `isDone`).
        case finished
    }

    /// Things worth telling the user and the run log.
    public enum Report: Sendable {
        case workerJoined(PeerID, name: String, host: String, slots: Int)
        case workerLost(name: String, host: String, requeued: Int, reason: String)
        case workerLeft(name: String, host: String, requeued: Int)
        case attemptFailed(LeaseRef, worker: String, error: String, retrying: Bool)
        /// A worker could not start the trainer's program; its tasks go to other workers.
        case workerCannotRunTrainer(name: String, host: String, reason: String)
        case duplicate(LeaseRef, worker: String, metrics: [String: Double])
        case malformed(PeerID, reason: String)
    }

    struct Worker {
        var peer: PeerID
        var hello: Hello
        var leases: Set<LeaseRef> = []
        var lastHeard: Double
        var lastSent: Double
        /// It could not start the trainer's program (not installed there): it gets no more of
        /// this sweep's tasks while another worker can take them.
        var cannotRunTrainer: String?
    }

    struct Lease {
        enum State {
            case running
            /// Past the task timeout: counted as a failed attempt; the worker was told to cancel.
            case timedOut
            /// Its trial was stopped: the worker was told to cancel it; its result will not count.
            case cancelled
        }

        var peer: PeerID
        var started: Double
        var state = State.running
    }

    /// Serving until every task has ended; then saying farewell; then done.
    enum Phase: Equatable {
        case serving
        case finishing(awaiting: Set<PeerID>, until: Double)
        case done
    }

    struct TaskState {
        var attempts = 0
        var done = false
    }

    public let configuration: Configuration
    public internal(set) var search: SearchDriver
    /// Every trial the search suggested, by number.
    public internal(set) var trials: [Trial] = []
    var workers: [PeerID: Worker] = [:]
    var leases: [LeaseRef: Lease] = [:]
    var tasks: [TaskState]
    var retryQueue: [TaskID] = []
    var retryHead = 0
    var nextFresh = 0
    public internal(set) var succeeded = 0
    public internal(set) var failed = 0
    /// Tasks of stopped trials (dropped or cancelled).
    public internal(set) var pruned = 0
    var searchEndReported = false
    /// Actions decided while restoring, performed with the first event.
    var deferred: [Action] = []
    var phase = Phase.serving
    /// Tasks were re-queued outside a dispatch: offer them to every worker before returning.
    var requeuedSinceDispatch = false
    /// No timer is due before this (a lower bound; see `nextWake`).
    var wakeAt = -Double.infinity

    /// Every task has ended (the sweep's outcome is final).
    public var isFinished: Bool { phase != .serving }
    /// The farewell is over too: the shell can stop serving.
    public var isDone: Bool { phase == .done }
    /// When the shell must deliver the next `.tick`.
    public var nextWake: Double { wakeAt }

    public var totalTasks: Int { tasks.count }
    public var endedTasks: Int { succeeded + failed + pruned }
    public var runningTasks: Int { leases.count }
    public var workerCount: Int { workers.count }

    public mutating func handle(_ event: Event, now: Double) -> [Action] {
        var actions: [Action] = deferred
        deferred = []
        switch event {
        case .received(let peer, let message):
            receive(message, from: peer, now: now, into: &actions)
        case .malformed(let peer, let error):
            workers[peer]?.lastHeard = now
            actions.append(.report(.malformed(peer, reason: error.reason)))
            actions.append(.send(peer, .rejected(reason: "malformed message: \(error.reason)")))
        case .unreachable(let peer):
            if let worker = workers[peer] { drop(worker, reason: "disconnected", into: &actions) }
        case .tick:
            if now >= wakeAt { tick(now: now, into: &actions) }
        }
        if requeuedSinceDispatch { dispatchAll(now: now, into: &actions) }
        let searchSpent = search.isExhausted(now: now)
        if searchSpent && !searchEndReported {
            searchEndReported = true
            actions.append(.searchEnded(search.exhausted!))
        }
        // Cancelled leases are awaited too, so no worker is left running a task of a finished sweep.
        if phase == .serving && searchSpent && endedTasks == tasks.count
            && !leases.values.contains(where: { $0.state == .cancelled })
        {
            finish(now: now, into: &actions)
        }
        return actions
    }

    mutating func finish(now: Double, into actions: inout [Action]) {
        let grace = now + max(1, configuration.heartbeatInterval)
        phase = .finishing(awaiting: Set(workers.keys), until: grace)
        wakeAt = min(wakeAt, grace)
        for peer in workers.keys { actions.append(.send(peer, .sweepDone(sweepID: configuration.sweepID))) }
        actions.append(.finished)
        farewellHeard(from: nil)
    }

    /// A worker answered SWEEP-DONE or left (nil: only check whether anyone is left to hear from).
    mutating func farewellHeard(from peer: PeerID?) {
        guard case .finishing(var awaiting, let until) = phase else { return }
        if let peer { awaiting.remove(peer) }
        phase = awaiting.isEmpty ? .done : .finishing(awaiting: awaiting, until: until)
    }

    mutating func receive(_ message: Message, from peer: PeerID, now: Double, into actions: inout [Action]) {
        if case .hello(let hello) = message {
            register(hello, peer: peer, now: now, into: &actions)
            return
        }
        farewellHeard(from: peer)
        guard workers[peer] != nil else {
            // Unknown peer (e.g. we restarted, or dropped it as silent): ask it to say hello again.
            // Its results are not taken now; the worker resends them after re-registering.
            if case .goodbye = message { return }
            actions.append(.send(peer, .reregister))
            return
        }
        workers[peer]!.lastHeard = now
        switch message {
        case .results(let sweepID, let results):
            var acks: [LeaseRef] = []
            for result in results {
                acks.append(result.lease)
                workers[peer]!.leases.remove(result.lease)
                guard sweepID == configuration.sweepID else { continue }
                if !result.log.isEmpty {
                    let hello = workers[peer]!.hello
                    actions.append(.taskLog(result.lease, worker: hello.name, host: hello.host, log: result.log))
                }
                settle(result, from: peer, now: now, into: &actions)
            }
            dispatch(to: peer, acks: acks, now: now, into: &actions)
        case .goodbye:
            let worker = workers.removeValue(forKey: peer)!
            let requeued = requeue(worker.leases)
            actions.append(.report(.workerLeft(name: worker.hello.name, host: worker.hello.host, requeued: requeued)))
            dispatchAll(now: now, into: &actions)
        case .fetch(let hash, let offset, let length):
            actions.append(.serveChunk(peer, sha256: hash, offset: offset, length: length))
        case .progress(let sweepID, let lease, let step, let metrics):
            guard sweepID == configuration.sweepID, let entry = leases[lease], entry.state != .cancelled,
                let worker = workers[peer]
            else { return }
            actions.append(.progress(lease, worker: worker.hello.name, step: step, metrics: metrics))
            if let value = metrics[configuration.objective],
                let decision = search.intermediate(trial: lease.trial, fold: lease.fold, step: step, value: value)
            {
                stop(decision, into: &actions)
            }
        case .heartbeat, .hello, .welcome, .setup, .work, .reregister, .sweepDone, .rejected, .chunk, .cancel:
            break  // only liveness; workers do not send the coordinator's messages
        }
    }

    mutating func register(_ hello: Hello, peer: PeerID, now: Double, into actions: inout [Action]) {
        // A new incarnation of a worker (it restarted) supersedes the old one at once.
        for (other, worker) in workers
        where other != peer
            && worker.hello.workerID == hello.workerID && worker.hello.incarnation != hello.incarnation
        {
            drop(worker, reason: "superseded by a new incarnation", into: &actions)
        }
        // The same worker incarnation on a new connection replaces its old entry; its leases move.
        var carried: Set<LeaseRef> = []
        for (other, worker) in workers
        where other != peer
            && worker.hello.workerID == hello.workerID && worker.hello.incarnation == hello.incarnation
        {
            workers.removeValue(forKey: other)
            carried.formUnion(worker.leases)
        }
        let isNew = workers[peer] == nil
        var worker = workers[peer] ?? Worker(peer: peer, hello: hello, lastHeard: now, lastSent: now)
        worker.hello = hello
        worker.lastHeard = now
        // Leases the worker says are still running keep its slots busy until their results come.
        // Leases carried from an old connection that it does not name were lost on the wire.
        let running = Set(hello.running)
        for lease in carried.subtracting(running) {
            guard let entry = leases[lease], entry.state != .timedOut else { continue }
            leases.removeValue(forKey: lease)
            if let index = taskIndex(lease.task), !tasks[index].done { requeue(task: lease.task) }
        }
        worker.leases.formUnion(running)
        for lease in running where leases[lease] != nil { leases[lease]!.peer = peer }
        workers[peer] = worker
        // Its first heartbeat is due within an interval (and no timer may be armed yet).
        wakeAt = min(wakeAt, now + configuration.heartbeatInterval / 2)
        if isNew {
            actions.append(.report(.workerJoined(peer, name: hello.name, host: hello.host, slots: hello.slots)))
        }
        actions.append(
            .send(
                peer,
                .welcome(
                    sweepID: configuration.sweepID,
                    heartbeatMilliseconds: Int(configuration.heartbeatInterval * 1000))))
        if hello.cachedSweep != configuration.sweepID { actions.append(.sendSetup(peer)) }
        dispatch(to: peer, acks: [], now: now, into: &actions)
    }

    func taskIndex(_ task: TaskID) -> Int? {
        guard task.trial >= 0, task.trial < trials.count, task.fold >= 0, task.fold < configuration.folds else {
            return nil
        }
        return task.trial * configuration.folds + task.fold
    }
}
