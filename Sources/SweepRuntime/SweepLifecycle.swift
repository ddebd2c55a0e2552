import Foundation
import Logging
import SweepCore
import SweepProtocol

/// One sweep's life on its coordinator, the same for `sweep run`, `sweep coordinator`,
/// `sweep resume` and the benchmarks: *start* (bind the socket, open the journal, start local
/// workers if asked), *serve* (the socket loop, until every task ended or a stop), *finish*
/// (the sweep's status, the refit of the best trial, the run-directory files from `run.db`).
public final class SweepLifecycle {
    public struct Options: Sendable {
        public var bind: String
        public var heartbeatInterval: Double
        public var security: CoordinatorSecurity
        public var showProgress: Bool
        /// Stop serving on SIGINT/SIGTERM (the files are still written from what was counted).
        public var stopOnSignals: Bool
        /// Worker processes of this binary to start on loopback once bound (`sweep run`).
        public var localWorkers: LocalWorkerOptions?
        /// Workers started through a site's engine once bound (`sweep launch`), stopped at the end.
        public var launcher: (any WorkerLauncher)?
        /// The host launched workers connect to when bound to a wildcard address (default: this host's name).
        public var advertiseHost: String?

        public init(
            bind: String, heartbeatInterval: Double = 1, security: CoordinatorSecurity = .plaintext,
            showProgress: Bool = true, stopOnSignals: Bool = true, localWorkers: LocalWorkerOptions? = nil,
            launcher: (any WorkerLauncher)? = nil
        ) {
            self.bind = bind
            self.heartbeatInterval = heartbeatInterval
            self.security = security
            self.showProgress = showProgress
            self.stopOnSignals = stopOnSignals
            self.localWorkers = localWorkers
            self.launcher = launcher
        }
    }

    public struct LocalWorkerOptions: Sendable {
        public var count: Int
        public var slots: Int
        public var logLevel: String
        public var executable: URL
        /// `--keep-task-dirs`, passed on to each worker.
        public var keepTaskDirectories = false

        public init(count: Int, slots: Int, logLevel: String, executable: URL = LocalWorkers.currentExecutable) {
            self.count = count
            self.slots = slots
            self.logLevel = logLevel
            self.executable = executable
        }
    }

    public let sweep: LoadedSweep
    public let record: RunRecord
    let options: Options
    let logger: Logger
    let socket: CoordinatorSocket
    let journal: RunJournal
    let localWorkers = LocalWorkers()
    /// Posting `.stop` here ends serving early (any thread).
    public let control = Mailbox<CoordinatorControl>()

    /// The endpoint actually bound (with the port chosen for `tcp://host:*`).
    public var endpoint: String { socket.endpoint }
    /// The run directory: run.db and the files written at the finish.
    public var directory: String { record.directory }

    /// Starts the sweep: binds (with keys, if any) and opens its journal. Throws `SweepError`.
    public init(sweep: LoadedSweep, record: RunRecord, options: Options, logger: Logger) throws {
        self.sweep = sweep
        self.record = record
        self.options = options
        self.logger = logger
        do {
            socket = try CoordinatorSocket(
                bind: options.bind, heartbeatInterval: options.heartbeatInterval,
                security: options.security, logger: logger)
        } catch let error as KeyError {
            throw SweepError(.cannotStart, "\(error)")
        }
        journal = try RunJournal(
            database: record.database, directory: record.directory, spec: sweep.spec, logger: logger)
    }

    deinit {
        options.launcher?.shutdown()
        localWorkers.stop()
        socket.close()
    }

    /// Where launched workers connect (the bound endpoint, with a reachable host for a wildcard).
    public var connectAddress: String { LaunchAddress.connect(bound: endpoint, advertise: options.advertiseHost) }

    /// Serves the sweep to its end (or to a stop) and writes the run directory.
    public func run() throws -> SweepEnd {
        let watcher = options.stopOnSignals ? SignalWatcher { [control] _ in control.post(.stop) } : nil
        defer { withExtendedLifetime(watcher) {} }
        // Launched jobs never outlive the sweep: stopped on every way out, a throw included.
        defer { options.launcher?.shutdown() }
        if let local = options.localWorkers {
            try localWorkers.start(
                count: local.count, connect: endpoint, slots: local.slots,
                heartbeatInterval: options.heartbeatInterval, logLevel: local.logLevel,
                executable: local.executable, extraArguments: local.keepTaskDirectories ? ["--keep-task-dirs"] : [])
        }
        if let launcher = options.launcher {
            launcher.attach { [control, logger, directory] reason in
                logger.error("\(reason); stopping the sweep (sweep resume \(directory) continues it)")
                control.post(.stop)
            }
            logger.info("starting workers through \(launcher.engine); they connect to \(connectAddress)")
            try launcher.launch(connect: connectAddress)
        }
        let loop = try makeLoop()
        announce(loop.machine)
        let outcome = try loop.run()
        options.launcher?.shutdown()
        // Local workers exit while the run directory is written; the wait for them comes after.
        localWorkers.requestStop()
        defer { localWorkers.stop() }
        socket.close()
        if !outcome.complete {
            logger.warning(
                "stopped before the sweep finished: \(loop.machine.endedTasks) of \(loop.machine.totalTasks) tasks ended"
            )
        }
        if journal.malformedCount > 0 { logger.warning("dropped \(journal.malformedCount) malformed messages in all") }
        return try finish(complete: outcome.complete, wallSeconds: outcome.wallSeconds)
    }

    func makeLoop() throws -> CoordinatorLoop {
        let spec = sweep.spec
        // Command trainers are stopped by their worker at the timeout (then SIGKILL after a grace
        // period); the coordinator's own deadline comes later, for workers that cannot answer.
        let leaseTimeout = spec.limits.taskTimeout + (spec.trainer.isCommand ? CommandTrainer.stopGrace + 5 : 0)
        let machine = CoordinatorMachine(
            .init(
                sweepID: record.sweepID, search: record.searchConfiguration(sweep), objective: spec.objective.metric,
                maxAttempts: spec.limits.maxAttempts, maxLost: spec.limits.maxLost, taskTimeout: leaseTimeout,
                cancelGrace: CommandTrainer.stopGrace + 2 * options.heartbeatInterval + 5,
                heartbeatInterval: options.heartbeatInterval,
                resources: spec.trainer.resources, maxParallelTrials: spec.limits.maxParallelTrials,
                taskFolds: spec.taskFolds, prefetch: spec.limits.prefetch),
            restored: record.restoredState)
        var progress = ProgressReporter(
            spec: spec, plannedTrials: sweep.plannedTrials, enabled: options.showProgress,
            started: MonotonicClock.now(), note: options.launcher.map { launcher in { launcher.progressNote() } })
        for restored in record.restoredRecords.values { progress.counted(restored) }
        return CoordinatorLoop(
            machine: machine, socket: socket, journal: journal, sweep: sweep, progress: progress,
            control: control, logger: logger,
            artifacts: spec.trainer.command.map(\.artifacts) == .some(.none) || !spec.trainer.isCommand
                ? nil : ArtifactCollector(runDirectory: directory, logger: logger))
    }

    func announce(_ machine: CoordinatorMachine) {
        let spec = sweep.spec
        if record.isResume {
            let counted = record.restoredRecords.count
            logger.info(
                "resuming sweep '\(spec.name)' on \(endpoint): \(counted) of \(machine.totalTasks) tasks already counted; waiting for workers to reconnect"
            )
            journal.started(endpoint: endpoint, mode: record.mode, resumedFrom: counted, of: machine.totalTasks)
        } else {
            for note in record.warmStartNotes { logger.info("warm start from \(note)") }
            let trials = sweep.plannedTrials.map { "up to \($0) trials" } ?? "trials until the budget ends"
            logger.info(
                "serving sweep '\(spec.name)' on \(endpoint): \(spec.search.algorithm.rawValue) search, \(trials) × \(spec.taskFolds) folds\(spec.validationNote.map { "; \($0)" } ?? "")"
            )
            journal.started(endpoint: endpoint, mode: record.mode, resumedFrom: nil, of: machine.totalTasks)
        }
    }
}
