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
/// than that, plus, with `limits.prefetch`, a few queued behind them (CoordinatorMachine+Leases).
/// Re-queued tasks go to the front of the queue. Heartbeats flow both ways every
/// `heartbeatInterval`; any message counts as one. A worker silent for `livenessIntervals`
/// intervals is dropped and its leases re-queued at once. A lease running past `taskTimeout`
/// is a failed attempt (the worker's slot stays busy until it answers).
/// A task ends when it succeeds or after `maxAttempts` failed attempts (or `maxLost` leases lost
/// with their workers); then its trial is failed. Whose problem a failure is — the task's, the
/// worker's or the whole sweep's — is decided in CoordinatorMachine+Health; who may register, in
/// CoordinatorMachine+Workers.
///
/// Trials come from the search (a `SearchDriver`) one at a time, when a worker has a free slot
/// (or room in its prefetch queue) and no task waits, so a sampler that learns from results sees
/// every result counted so far.
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
        /// Tasks per trial: the folds the search scores, then nested CV's (never shown to it).
        public var folds: Int
        /// Failed attempts a task may have before its trial is failed (losses do not count).
        public var maxAttempts: Int
        /// Leases a task may lose with their worker (dropped, silent, superseded) before it is
        /// failed: a task that kills every worker it lands on must end too.
        public var maxLost: Int
        /// How long a cancelled lease may take to end before it is abandoned (counted as lost).
        public var cancelGrace: Double
        public var taskTimeout: Double
        public var heartbeatInterval: Double
        public var livenessIntervals: Double
        /// What each task needs of a worker's slots (cpus) and GPUs.
        public var resources: Resources
        /// `limits.max_parallel_trials`: no new trial is asked of the search while this many
        /// have tasks queued or running (nil: no cap).
        public var maxParallelTrials: Int?
        /// `limits.prefetch`: tasks a worker may hold queued beyond its slots (one-cpu tasks, no GPUs).
        public var prefetch: Prefetch

        /// The metrics the search learns from, in `SearchDriver.foldFinished`'s order: the
        /// objectives, then the constrained metrics. A success that lacks one is a failed attempt.
        public var searchedMetrics: [String] {
            [objective] + search.moreObjectives.map(\.metric) + search.constraints.map(\.metric)
        }

        public init(
            sweepID: UInt64, search: SearchDriver.Configuration, objective: String, maxAttempts: Int,
            maxLost: Int = 10, taskTimeout: Double, cancelGrace: Double = 30,
            heartbeatInterval: Double = 1, livenessIntervals: Double = 3, resources: Resources = Resources(),
            maxParallelTrials: Int? = nil, taskFolds: Int? = nil, prefetch: Prefetch = .tasks(0)
        ) {
            self.maxParallelTrials = maxParallelTrials
            self.prefetch = prefetch
            self.maxLost = maxLost
            self.cancelGrace = cancelGrace
            self.resources = resources
            self.sweepID = sweepID
            self.search = search
            self.objective = objective
            // Nested CV: more tasks per trial than the search scores (`scoresSearch`).
            self.folds = taskFolds ?? search.folds
            self.maxAttempts = maxAttempts
            self.taskTimeout = taskTimeout
            self.heartbeatInterval = heartbeatInterval
            self.livenessIntervals = livenessIntervals
        }

        /// A sweep over exactly these trials (objective `score`, maximized).
        public init(
            sweepID: UInt64, trials: [Trial], folds: Int, maxAttempts: Int, maxLost: Int = 10, taskTimeout: Double,
            cancelGrace: Double = 30, heartbeatInterval: Double = 1, livenessIntervals: Double = 3,
            resources: Resources = Resources()
        ) {
            self.init(
                sweepID: sweepID, search: .fixed(trials, folds: folds), objective: "score", maxAttempts: maxAttempts,
                maxLost: maxLost, taskTimeout: taskTimeout, cancelGrace: cancelGrace,
                heartbeatInterval: heartbeatInterval, livenessIntervals: livenessIntervals, resources: resources)
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
        /// A HELLO was refused (its name belongs to another live worker); it was told why.
        case workerRefused(name: String, host: String, reason: String)
        /// A worker failing where others succeed takes no tasks for `seconds`; `refunded` of its
        /// failures no longer count against their tasks.
        case workerPaused(name: String, host: String, seconds: Double, failures: Int, refunded: Int)
        /// A cancelled lease did not end within the grace period: its slot is freed, it counts as lost.
        case leaseAbandoned(LeaseRef, worker: String, after: Double)
        /// The first attempts all failed alike and none succeeded: the sweep stops (resumable).
        case failedFast(reason: String)
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
        /// SETUP was sent on this connection (a reconnected worker is a new peer and gets it again).
        var setupSent = false
        /// The most slots it said it has (a draining worker says 0 but still runs what it holds).
        var capacity = 0
        /// A task of it timed out or was abandoned: it may never reach tasks queued behind, so it
        /// gets none beyond its slots until it answers again.
        var noPrefetch = false
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
        /// When it started running: its dispatch, or for a prefetched lease the end of the lease
        /// ahead of it on its worker (its timeout runs from here).
        var started: Double
        var state = State.running
        /// Prefetched: sent beyond the worker's free slots, waiting there for one.
        var queued = false
        /// Its place in the order tasks were sent (a worker's pool runs them in that order).
        var sequence = 0
        /// When it was cancelled (its grace period runs from here).
        var cancelledAt = Double.infinity
    }

    /// Serving until every task has ended; then saying farewell; then done.
    enum Phase: Equatable {
        case serving
        case finishing(awaiting: Set<PeerID>, until: Double)
        case done
    }

    struct TaskState {
        /// Dispatches so far (numbers the leases).
        var attempts = 0
        /// Failed attempts that count against `maxAttempts` (refunds take them back).
        var failures = 0
        /// Leases lost with their worker, bounded by `maxLost`.
        var lost = 0
        /// Workers on which it failed: a retry goes elsewhere while another worker could take it.
        var failedOn: Set<String> = []
        var done = false
        /// Lost with a worker that held it: it may have been what killed it. It is never prefetched
        /// again, nor queued behind, so a next loss is counted against it (`maxLost`).
        var suspect = false
    }

    public let configuration: Configuration
    public internal(set) var search: SearchDriver
    /// Every trial the search suggested, by number.
    public internal(set) var trials: [Trial] = []
    var workers: [PeerID: Worker] = [:]
    /// Leases sent so far (each lease's `sequence`).
    var leasesSent = 0
    /// `workers` by worker id and name (change both through `setWorker` and `removeWorker`).
    var index = WorkerIndex()
    var leases: [LeaseRef: Lease] = [:]
    var tasks = TaskTable()
    var retryQueue: [TaskID] = []
    var retryHead = 0
    var nextFresh = 0
    public internal(set) var succeeded = 0
    /// How long tasks have been running lately (a moving average; nil before any ended): `auto` prefetch.
    var recentTaskSeconds: Double?
    /// Some task was lost with its worker (`TaskState.suspect`): only then are workers' leases scanned for one.
    var hasSuspects = false
    public internal(set) var failed = 0
    /// Tasks of stopped trials (dropped or cancelled).
    public internal(set) var pruned = 0
    /// Leases lost with their worker or abandoned after a cancel, this session.
    public internal(set) var lostLeases = 0
    /// Each worker's record of failures and pauses, by name (kept across its reconnects).
    var health: [String: WorkerHealth] = [:]
    /// Names whose `health` streak is not empty (the only workers a success elsewhere can pause).
    var failing: Set<String> = []
    /// Workers that succeeded at a task this session (evidence that failures elsewhere are the worker's).
    var successfulWorkers: Set<String> = []
    /// The reasons of this session's failed attempts while nothing has succeeded (fail fast).
    var earlyFailures = (count: 0, reason: String?.none, alike: true)
    /// Why the sweep stopped early (its first attempts all failed alike); nil while it has not.
    public internal(set) var failedFast: String?
    /// Incarnations superseded by a newer one, by worker id: if one speaks again it is a live
    /// duplicate, not a dead process, and is refused.
    var superseded: [String: Set<UInt64>] = [:]
    var searchEndReported = false
    /// Actions decided while restoring, performed with the first event.
    var deferred: [Action] = []
    var phase = Phase.serving
    /// Tasks were re-queued outside a dispatch: offer them to every worker before returning.
    var requeuedSinceDispatch = false
    /// No timer is due before this (a lower bound; see `nextWake`).
    var wakeAt = -Double.infinity
    /// A worker found no task because `maxParallelTrials` trials were open: offer work again
    /// once one ends.
    var heldByTrialCap = false
    /// Trials before this one have every task ended (where counting open trials starts).
    var oldestOpenTrial = 0

    /// When the shell last found its socket empty: every message that arrived before then has
    /// been handled. Silence and lease timeouts are judged up to here, so a backlog in our own
    /// queue (a thousand workers' results at once) is never taken for silent workers.
    var heardThrough = Double.infinity

    /// The shell found its socket empty at `time` (see `heardThrough`).
    public mutating func socketDrained(at time: Double) { heardThrough = time }

    /// Every task has ended (the sweep's outcome is final).
    public var isFinished: Bool { phase != .serving }
    /// The farewell is over too: the shell can stop serving.
    public var isDone: Bool { phase == .done }
    /// When the shell must deliver the next `.tick`.
    public var nextWake: Double { wakeAt }

    public var totalTasks: Int { tasks.count }
    public var endedTasks: Int { succeeded + failed + pruned }
    /// Leases in a slot (prefetched ones waiting on their worker are not running yet).
    public var runningTasks: Int { mayPrefetch ? leases.values.count { !$0.queued } : leases.count }
    public var workerCount: Int { workers.count }
    /// Task slots of the registered workers (busy or free).
    public var slotCount: Int { workers.values.reduce(0) { $0 + $1.hello.slots } }

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
        // A worker the cap held back takes the folds of a trial started since, or a new trial.
        if heldByTrialCap, let cap = configuration.maxParallelTrials, hasQueuedWork || openTrialCount() < cap {
            heldByTrialCap = false
            requeuedSinceDispatch = true
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
        guard workers.index(forKey: peer) != nil else {  // a lookup, not a copy of the worker
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
            workers[peer]!.noPrefetch = false
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
            startQueued(on: peer, now: now)
            dispatch(to: peer, acks: acks, now: now, into: &actions)
        case .goodbye:
            let worker = removeWorker(peer)!
            let requeued = lose(worker.leases, worker: worker.hello, into: &actions)
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
                stop(decision, now: now, into: &actions)
            }
        case .heartbeat, .hello, .welcome, .setup, .work, .reregister, .sweepDone, .rejected, .chunk, .cancel:
            break  // only liveness; workers do not send the coordinator's messages
        }
    }
}
