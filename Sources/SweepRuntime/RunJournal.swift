import Foundation
import Logging
import SweepCore
import SweepProtocol

/// The coordinator's record keeper: applies the machine's actions to the run database and the
/// run directory (per-attempt logs, `progress.csv`) and words them for the log. Writes are
/// buffered until `commit()`, which the socket loop calls before anything leaves, so a result
/// is durable before its acknowledgement is sent.
final class RunJournal {
    let database: RunDatabase
    let artifacts: RunArtifacts
    let logger: Logger
    /// The metric the search learns from; its intermediate values are kept when `keepReports`.
    let objective: String
    /// A stopping rule (asha, median) decides on intermediate values: keep them for resume.
    let keepReports: Bool
    private var firstDispatchRecorded = false
    /// When serving started (monotonic), for the first dispatch's delay.
    private var servingSince = MonotonicClock.now()
    private(set) var malformedCount = 0
    /// Counts into the dashboard's metrics (`--http`); nil without one, which costs nothing.
    var tracker: MetricsTracker?

    init(database: RunDatabase, directory: String, spec: Spec, logger: Logger) throws {
        self.database = database
        self.logger = logger
        artifacts = try RunArtifacts(directory: directory)
        objective = spec.objective.metric
        keepReports =
            switch spec.earlyStopping {
            case .asha, .median: true;
            default: false
            }
    }

    /// Records what an action says happened; sends are the socket loop's and ignored here.
    func apply(_ action: CoordinatorMachine.Action) {
        switch action {
        case .send, .sendSetup, .serveChunk, .finished:
            break
        case .dispatched(let lease, let worker, let host):
            if !firstDispatchRecorded {
                firstDispatchRecorded = true
                database.event("first-dispatch", String(format: "%.6f", MonotonicClock.now() - servingSince))
            }
            database.dispatched(lease, worker: worker, host: host)
            if tracker != nil { tracker!.dispatched(lease, now: MonotonicClock.now()) }
        case .record(let record):
            database.counted(record)
            if tracker != nil { tracker!.counted(record, now: MonotonicClock.now()) }
        case .progress(let lease, let worker, let step, let metrics):
            artifacts.progress(lease, worker: worker, step: step, metrics: metrics)
            if keepReports, let value = metrics[objective] { database.reported(lease, step: step, value: value) }
        case .trialAdded(let trial):
            database.trialAdded(trial)
        case .stopped(let decision, let dropped, let cancelled):
            database.stopped(decision, dropped: dropped, cancelled: cancelled)
            logger.info(
                "stopped trial \(decision.trial) (\(decision.rule.rawValue)): \(decision.reason); \(dropped) queued folds dropped, \(cancelled) running cancelled"
            )
        case .searchEnded(let reason):
            database.event("search-ended", reason)
            logger.info("no new trials: \(reason)")
        case .taskLog(let lease, let worker, let host, let text):
            artifacts.log(lease, worker: worker, host: host, text: text)
        case .report(let report):
            record(report)
        }
    }

    func record(_ report: CoordinatorMachine.Report) {
        switch report {
        case .workerJoined(_, let name, let host, let slots):
            logger.info("worker joined: \(name) on \(host) with \(slots) slots")
            database.event("worker-joined", "\(name)@\(host) slots=\(slots)")
        case .workerLost(let name, let host, let requeued, let reason):
            logger.warning("worker lost: \(name) on \(host) (\(reason)); re-queued \(requeued) tasks")
            database.event("worker-lost", "\(name)@\(host): \(reason)")
            if requeued > 0 { database.event("requeued", String(requeued)) }
            tracker?.metrics.requeues.increment(by: requeued)
        case .workerLeft(let name, let host, let requeued):
            logger.info("worker left: \(name) on \(host); re-queued \(requeued) tasks")
            database.event("worker-left", "\(name)@\(host)")
            if requeued > 0 { database.event("requeued", String(requeued)) }
            tracker?.metrics.requeues.increment(by: requeued)
        case .workerCannotRunTrainer(let name, let host, let reason):
            logger.warning("worker \(name) on \(host) cannot run the trainer; its tasks go to other workers: \(reason)")
            database.event("worker-cannot-run", "\(name)@\(host): \(reason)")
        case .attemptFailed(let lease, let worker, let error, let retrying):
            logger.warning(
                "task \(lease) failed on \(worker): \(error)\(retrying ? "; retrying" : "; no attempts left")")
            database.event("attempt-failed", "\(lease) on \(worker): \(error)")
        case .duplicate(let lease, let worker, let metrics):
            logger.info(
                "duplicate result for \(lease) from \(worker): already counted, ignored (kept in run.db's results, counted = 0)"
            )
            database.duplicate(lease, worker: worker, metrics: metrics)
            tracker?.metrics.duplicates.increment()
        case .malformed(let peer, let reason):
            malformedCount += 1
            // The first few in full, then a count now and then: a flood must not flood the log.
            if malformedCount <= 10 || malformedCount % 1000 == 0 {
                logger.warning("dropped a malformed message from peer \(peer): \(reason) (\(malformedCount) so far)")
            }
            database.event("malformed", reason)
            tracker?.metrics.malformed.increment()
        case .workerRefused(let name, let host, let reason):
            logger.warning("refused worker \(name) on \(host): \(reason)")
            database.event("worker-refused", "\(name)@\(host): \(reason)")
        case .workerPaused(let name, let host, let seconds, let failures, let refunded):
            logger.warning(
                "worker \(name) on \(host) paused for \(formatNumber(seconds)) s: \(failures) failures in a row while other workers succeed; \(refunded) of them no longer count against their tasks"
            )
            database.event("worker-paused", "\(name)@\(host): \(formatNumber(seconds)) s after \(failures) failures")
        case .leaseAbandoned(let lease, let worker, let after):
            logger.warning(
                "abandoned \(lease) on \(worker): cancelled \(formatNumber(after.rounded())) s ago and still not ended; counted as lost"
            )
            database.event("lease-abandoned", "\(lease) on \(worker)")
        case .failedFast(let reason):
            logger.error("stopping the sweep: \(reason); fix the cause, then `sweep resume` continues it")
            database.event("failed-fast", reason)
        }
    }

    /// Time the search has run, across resumes (for `search.time_limit`): kept as an event now
    /// and then, and when the sweep stops, so a resumed sweep (even after a crash) continues it.
    func searchClock(_ elapsed: Double?, now: Double, final: Bool = false) {
        guard let elapsed, final || now - lastClockEvent >= Self.clockInterval else { return }
        lastClockEvent = now
        database.event(Self.searchClockEvent, String(format: "%.3f", elapsed))
    }

    static let searchClockEvent = "search-seconds"
    static let clockInterval = 10.0
    private var lastClockEvent = -Double.infinity

    /// The sweep starts (or resumes) serving at `endpoint`.
    func started(endpoint: String, mode: String, resumedFrom counted: Int?, of total: Int) {
        servingSince = MonotonicClock.now()
        if let counted { database.event("resumed", "\(counted) of \(total) tasks counted") }
        if mode == "coordinator" { database.bound(endpoint) }
    }

    func commit() throws { try database.commit() }

    /// Workers, slots and the best objective for the metrics (now and then; nothing without them).
    func observe(_ machine: CoordinatorMachine, now: Double, final: Bool = false) {
        if tracker != nil { tracker!.observe(machine, now: now, final: final) }
    }
}
