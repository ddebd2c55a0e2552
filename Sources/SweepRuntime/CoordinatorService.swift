import Foundation
import Logging
import SweepCore
import SweepProtocol
import ZeroMQ

/// What a coordinator run produced: the counted tasks, whether every task was counted, and
/// dispatch-to-result round trips (for the dispatch benchmark).
public struct CoordinatorOutcome: Sendable {
    /// Every trial the search suggested, by number.
    public let trials: [Trial]
    public let records: [TaskID: TaskRecord]
    /// Early-stopping decisions, in the order they were taken (this run and any before a resume).
    public let decisions: [StoppedTrial]
    /// Why the search stopped suggesting trials.
    public let searchEnded: String?
    public let complete: Bool
    public let wallSeconds: Double
    public let roundTrips: [Double]
    /// Seconds from the start of `run` to the first task dispatch (workers joining).
    public let firstDispatch: Double?
}

/// The coordinator's shell: owns the ROUTER socket on the thread that calls `run`, feeds
/// received messages and timer ticks to the CoordinatorMachine, and performs its actions.
public final class CoordinatorService {
    public struct Options: Sendable {
        public var bind: String
        public var heartbeatInterval: Double
        public var showProgress: Bool
        /// Where per-task logs and intermediate reports go as they arrive (nil: not kept).
        public var runDirectory: String?
        public var security: CoordinatorSecurity

        public init(bind: String, heartbeatInterval: Double = 1, showProgress: Bool = true, runDirectory: String? = nil,
                    security: CoordinatorSecurity = .plaintext) {
            self.bind = bind
            self.security = security
            self.runDirectory = runDirectory
            self.heartbeatInterval = heartbeatInterval
            self.showProgress = showProgress
        }
    }

    public enum Control: Sendable { case stop }

    let sweep: LoadedSweep
    let options: Options
    let logger: Logger
    let context: Context
    let router: Socket
    let zap: ZAPHandler?
    let record: RunRecord?
    public let sweepID: UInt64
    public let control = Mailbox<Control>()
    /// Messages dropped because they could not be decoded.
    public private(set) var malformedCount = 0
    /// The endpoint actually bound (with the port chosen for `tcp://host:*`).
    public private(set) var endpoint = ""

    /// `record`: the run database to write (and, when resuming, the state to continue from).
    public init(sweep: LoadedSweep, options: Options, logger: Logger, record: RunRecord? = nil) throws {
        self.sweep = sweep
        self.options = options
        self.logger = logger
        self.record = record
        self.sweepID = record?.sweepID ?? UInt64.random(in: 1...UInt64.max)
        context = Context()
        router = try Socket(context, .router)
        try SocketSettings.configureRouter(router, heartbeatInterval: options.heartbeatInterval)
        if case .curve(let publicKey, let secretKey, let allow) = options.security {
            // The ZAP handler must answer before the first client can connect.
            zap = try ZAPHandler(context: context, allowPaths: allow, logger: logger)
            do {
                try router.set(.curveServer, Int32(1))
                try router.set(.curveSecretKey, secretKey)
                try router.set(.zapDomain, "sweep")
                try router.bind(options.bind)
                endpoint = router.lastEndpoint
                try zap!.probe(endpoint: Self.reachable(endpoint), serverKey: publicKey)
            } catch let error as ZMQError {
                zap!.stop()
                throw BindError(endpoint: options.bind, underlying: error)
            } catch {
                zap!.stop()
                throw error
            }
            logger.info("CURVE encryption on; only allowed worker keys are admitted (checked: an unlisted key is refused)")
        } else {
            zap = nil
            do {
                try router.bind(options.bind)
            } catch {
                throw BindError(endpoint: options.bind, underlying: error)
            }
            endpoint = router.lastEndpoint
            if !isLocalEndpoint(endpoint) {
                logger.warning("INSECURE: \(endpoint) is served without encryption or authentication; anyone who can reach it can run commands on your workers")
            }
        }
    }

    /// An address this process can connect to for a bound endpoint (wildcards become loopback).
    static func reachable(_ endpoint: String) -> String {
        endpoint.replacingOccurrences(of: "tcp://0.0.0.0:", with: "tcp://127.0.0.1:")
            .replacingOccurrences(of: "tcp://[::]:", with: "tcp://[::1]:")
    }

    /// Runs the sweep until every task is counted or `control` says stop. Blocks the caller,
    /// which owns the socket from here on.
    public func run() throws -> CoordinatorOutcome {
        let spec = sweep.spec
        // Command trainers are stopped by their worker at the timeout (then SIGKILL after a grace
        // period); the coordinator's own deadline comes later, for workers that cannot answer.
        let leaseTimeout = spec.limits.taskTimeout + (spec.trainer.isCommand ? CommandTrainer.stopGrace + 5 : 0)
        var records: [TaskID: TaskRecord] = record?.restoredRecords ?? [:]
        var machine = CoordinatorMachine(.init(
            sweepID: sweepID, search: sweep.searchConfiguration, objective: spec.objective.metric, maxAttempts: spec.limits.maxAttempts,
            taskTimeout: leaseTimeout, heartbeatInterval: options.heartbeatInterval, resources: spec.trainer.resources),
            restored: record?.restoredState)
        let database = record?.database
        let artifacts = try options.runDirectory.map { try RunArtifacts(directory: $0) }
        let setupBytes = Codec.encode(.setup(makeSetup()))
        records.reserveCapacity(machine.totalTasks)
        var dispatched: [LeaseRef: Double] = [:]
        var roundTrips: [Double] = []
        roundTrips.reserveCapacity(machine.totalTasks)
        var firstDispatch: Double?
        var progress = ProgressLine(spec: spec, trials: sweep.plannedTrials)
        var decisions: [StoppedTrial] = record?.restoredDecisions ?? []
        var searchEnded: String?
        // Intermediate values are kept in the run database when a stopping rule decides on them.
        let keepReports: Bool = switch spec.earlyStopping { case .asha, .median: true; default: false }
        for restored in records.values { progress.add(restored) }
        let started = MonotonicClock.now()
        let tickInterval = options.heartbeatInterval / 4
        var nextTick = started
        var lastProgress = -Double.infinity
        var stopped = false
        // Sends wait here until the database has committed what led to them (acks above all).
        var outbox: [(PeerID, [UInt8])] = []
        var workerNames: [PeerID: (name: String, host: String)] = [:]
        var poller = Poller([.socket(router), .fileDescriptor(control.fileDescriptor)])

        func perform(_ actions: [CoordinatorMachine.Action], now: Double) {
            for action in actions {
                switch action {
                case .send(let peer, let message):
                    if case .work(_, _, let tasks) = message {
                        if firstDispatch == nil && !tasks.isEmpty {
                            firstDispatch = now - started
                            database?.event("first-dispatch", String(format: "%.6f", firstDispatch!))
                        }
                        let worker = workerNames[peer] ?? ("?", "?")
                        for task in tasks {
                            dispatched[task.lease] = now
                            database?.dispatched(task.lease, worker: worker.name, host: worker.host)
                        }
                    }
                    outbox.append((peer, Codec.encode(message)))
                case .sendSetup(let peer):
                    outbox.append((peer, setupBytes))
                case .record(let record):
                    records[record.task] = record
                    database?.counted(record)
                    progress.add(record)
                    if let sent = dispatched.removeValue(forKey: LeaseRef(record.task, attempt: record.attempt)) {
                        roundTrips.append(now - sent)
                    }
                case .report(let report):
                    if case .workerJoined(let peer, let name, let host, _) = report { workerNames[peer] = (name, host) }
                    if case .duplicate(let lease, let worker, let metrics) = report {
                        database?.duplicate(lease, worker: worker, metrics: metrics)
                        if let counted = records[lease.task], counted.metrics != metrics {
                            logger.info("the duplicate of \(lease) from \(worker) differs from the counted result (attempt \(counted.attempt)): \(metrics) vs \(counted.metrics)")
                        }
                    }
                    log(report, database: database)
                case .serveChunk(let peer, let hash, let offset, let length):
                    outbox.append((peer, Codec.encode(chunk(hash, offset: offset, length: length))))
                case .progress(let lease, let worker, let step, let metrics):
                    artifacts?.progress(lease, worker: worker, step: step, metrics: metrics)
                    if keepReports, let value = metrics[spec.objective.metric] { database?.reported(lease, step: step, value: value) }
                case .trialAdded(let trial):
                    database?.trialAdded(trial)
                case .stopped(let decision, let dropped, let cancelled):
                    database?.stopped(decision, dropped: dropped, cancelled: cancelled)
                    decisions.append(StoppedTrial(decision: decision, dropped: dropped, cancelled: cancelled))
                    logger.info("stopped trial \(decision.trial) (\(decision.rule.rawValue)): \(decision.reason); \(dropped) queued folds dropped, \(cancelled) running cancelled")
                case .searchEnded(let reason):
                    searchEnded = reason
                    database?.event("search-ended", reason)
                    logger.info("no new trials: \(reason)")
                case .taskLog(let lease, let worker, let host, let text):
                    artifacts?.log(lease, worker: worker, host: host, text: text)
                case .finished:
                    break
                }
            }
        }

        /// Commits what the last events decided, then sends. A send to a departed worker fails
        /// loudly (ROUTER_MANDATORY) and becomes an event of its own: drop it, re-queue its tasks.
        func flush(now: Double) throws {
            while !outbox.isEmpty {
                try database?.commit()
                let sending = outbox
                outbox.removeAll(keepingCapacity: true)
                var unreachable: [PeerID] = []
                for (peer, bytes) in sending where !unreachable.contains(peer) {
                    do {
                        if try !router.send([peer.bytes, bytes]) {
                            logger.warning("send queue to peer \(peer) is full; dropping the peer")
                            unreachable.append(peer)
                        }
                    } catch {
                        unreachable.append(peer)
                    }
                }
                for peer in unreachable { perform(machine.handle(.unreachable(peer), now: now), now: now) }
            }
            try database?.commit()
        }

        if let record, record.isResume {
            logger.info("resuming sweep '\(spec.name)' on \(endpoint): \(records.count) of \(machine.totalTasks) tasks already counted; waiting for workers to reconnect")
            database?.event("resumed", "\(records.count) of \(machine.totalTasks) tasks counted")
        } else {
            let trials = sweep.plannedTrials.map { "up to \($0) trials" } ?? "trials until the budget ends"
            logger.info("serving sweep '\(spec.name)' on \(endpoint): \(spec.search.algorithm.rawValue) search, \(trials) × \(spec.taskFolds) folds")
        }
        if record?.mode == "coordinator" { database?.bound(endpoint) }
        try database?.commit()
        var farewellDeadline = Double.infinity
        var finishedAt: Double?
        while !stopped {
            if machine.isFinished {
                // Serve briefly after the finish so every worker gets its last acknowledgements.
                if farewellDeadline == .infinity {
                    finishedAt = MonotonicClock.now()
                    farewellDeadline = finishedAt! + max(1, options.heartbeatInterval)
                }
                if machine.awaitingFarewell.isEmpty || MonotonicClock.now() > farewellDeadline { break }
            }
            let now = MonotonicClock.now()
            let timeout = max(0, Int(((nextTick - now) * 1000).rounded(.up)))
            let ready = try poller.poll(timeoutMilliseconds: min(timeout, 1000))
            if ready[1] {
                for command in control.drain() where command == .stop { stopped = true }
            }
            if ready[0] {
                var budget = 4096  // let timers run even under a flood
                while budget > 0, let parts = try router.receive() {
                    budget -= 1
                    let now = MonotonicClock.now()
                    guard parts.count == 2 else {
                        if let peer = parts.first { perform(machine.handle(.malformed(PeerID(peer), DecodeError("expected 1 frame, got \(parts.count - 1)")), now: now), now: now) }
                        continue
                    }
                    let peer = PeerID(parts[0])
                    do {
                        perform(machine.handle(.received(peer, try Codec.decode(parts[1])), now: now), now: now)
                    } catch {
                        perform(machine.handle(.malformed(peer, error), now: now), now: now)
                    }
                }
            }
            let after = MonotonicClock.now()
            if after >= nextTick {
                perform(machine.handle(.tick, now: after), now: after)
                nextTick = after + tickInterval
            }
            try flush(now: after)
            if options.showProgress && (after - lastProgress >= (Console.shared.isTTY ? 0.1 : 2)) {
                Console.shared.status(progress.text(running: machine.runningTasks, workers: machine.workerCount, elapsed: after - started,
                                                    waiting: machine.waitingReason))
                lastProgress = after
            }
        }
        let wall = (finishedAt ?? MonotonicClock.now()) - started
        if options.showProgress {
            Console.shared.status(progress.text(running: machine.runningTasks, workers: machine.workerCount, elapsed: wall))
            Console.shared.endStatus()
        }
        if stopped { logger.warning("stopped before the sweep finished: \(records.count) of \(machine.totalTasks) tasks counted") }
        if malformedCount > 0 { logger.warning("dropped \(malformedCount) malformed messages in all") }
        database?.finished(complete: machine.isFinished, wallSeconds: wall)
        try database?.commit()
        database?.checkpoint()
        return CoordinatorOutcome(trials: machine.trials, records: records, decisions: decisions, searchEnded: searchEnded,
                                  complete: machine.isFinished, wallSeconds: wall, roundTrips: roundTrips, firstDispatch: firstDispatch)
    }

    /// A CHUNK answering a FETCH: the requested range of a served file (total 0: unknown file).
    func chunk(_ hash: String, offset: Int, length: Int) -> Message {
        guard let bytes = sweep.blobs[hash], offset >= 0, offset <= bytes.count else {
            return .chunk(sha256: hash, offset: offset, total: 0, bytes: [])
        }
        let end = min(bytes.count, offset + max(0, min(length, 4 << 20)))
        return .chunk(sha256: hash, offset: offset, total: bytes.count, bytes: Array(bytes[offset..<end]))
    }

    /// Closes the socket (pending messages linger briefly) and the context.
    public func close() {
        router.close()
        zap?.stop()
    }

    func log(_ report: CoordinatorMachine.Report, database: RunDatabase?) {
        switch report {
        case .workerJoined(_, let name, let host, let slots):
            logger.info("worker joined: \(name) on \(host) with \(slots) slots")
            database?.event("worker-joined", "\(name)@\(host) slots=\(slots)")
        case .workerLost(let name, let host, let requeued, let reason):
            logger.warning("worker lost: \(name) on \(host) (\(reason)); re-queued \(requeued) tasks")
            database?.event("worker-lost", "\(name)@\(host): \(reason)")
            if requeued > 0 { database?.event("requeued", String(requeued)) }
        case .workerLeft(let name, let host, let requeued):
            logger.info("worker left: \(name) on \(host); re-queued \(requeued) tasks")
            database?.event("worker-left", "\(name)@\(host)")
            if requeued > 0 { database?.event("requeued", String(requeued)) }
        case .attemptFailed(let lease, let worker, let error, let retrying):
            logger.warning("task \(lease) failed on \(worker): \(error)\(retrying ? "; retrying" : "; no attempts left")")
            database?.event("attempt-failed", "\(lease) on \(worker): \(error)")
        case .duplicate(let lease, let worker, _):
            logger.info("duplicate result for \(lease) from \(worker): already counted, ignored")
        case .malformed(let peer, let reason):
            malformedCount += 1
            // The first few in full, then a count now and then: a flood must not flood the log.
            if malformedCount <= 10 || malformedCount % 1000 == 0 {
                logger.warning("dropped a malformed message from peer \(peer): \(reason) (\(malformedCount) so far)")
            }
            database?.event("malformed", reason)
        }
    }

    func makeSetup() -> Setup {
        let data = sweep.dataset.map { dataset -> WireDataset in
            let target: WireDataset.Target
            switch dataset.target {
            case .classes(let labels, let names): target = .classes(labels: labels, count: names.count)
            case .values(let values): target = .values(values)
            }
            var wire = WireDataset(rows: dataset.rows, columns: dataset.columns, features: dataset.features, target: target,
                                   categoryCounts: dataset.categories.map { $0?.count ?? 0 }, imputation: sweep.spec.data?.impute ?? "mean")
            wire.progressMetrics = sweep.spec.metricNames
            return wire
        }
        let spec = sweep.spec
        let command = spec.trainer.command.map { template in
            WireCommand(arguments: template.arguments, env: spec.trainer.env, cpus: spec.trainer.resources.cpus,
                        gpus: spec.trainer.resources.gpus, objective: spec.objective.metric, seed: spec.search.seed,
                        timeout: spec.limits.taskTimeout, data: sweep.dataBlob, workdir: sweep.workdirBlob)
        }
        return Setup(sweepID: sweepID, model: spec.trainer.model ?? "", folds: spec.taskFolds,
                     plan: sweep.plan, data: command == nil ? data : nil, command: command)
    }
}

/// The bind address could not be used, with what to try instead.
public struct BindError: Error, CustomStringConvertible {
    public let endpoint: String
    public let underlying: Error

    public var description: String {
        "cannot bind \(endpoint): \(underlying). Use an address of this host and a free port, e.g. tcp://*:5555 or tcp://127.0.0.1:*"
    }
}
