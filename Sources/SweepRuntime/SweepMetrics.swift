import Foundation
import GRDB
import Metrics
import SweepCore
import SweepProtocol

/// The sweep's operational metrics, through swift-metrics: every handle is made once, from the
/// factory given (the dashboard's Prometheus registry with `--http`), so counting on the socket
/// loop is a handful of atomic updates and builds nothing. Without `--http` nothing is made.
public final class SweepMetrics: Sendable {
    /// The metrics' names and their HELP texts (the Prometheus backend prints them).
    public static let help: [String: String] = [
        "sweep_tasks_total":
            "Tasks counted, by outcome (ok, failed, pruned); a resumed sweep starts from run.db's counts.",
        "sweep_trials_total":
            "Trials whose every fold was counted, by outcome (ok, failed, stopped); a resumed sweep starts from run.db's counts.",
        "sweep_workers": "Workers registered with the coordinator now.",
        "sweep_slots": "Task slots of the registered workers, busy (holding a lease) or free.",
        "sweep_task_duration_seconds":
            "Run time of each counted task as its worker measured it (this process's tasks).",
        "sweep_dispatch_seconds":
            "Coordinator and network overhead per counted task: from its dispatch to its result being counted, minus the task's own run time.",
        "sweep_requeues_total": "Tasks re-queued because their worker was lost or left.",
        "sweep_duplicate_results_total": "Results for tasks already counted (at-least-once execution), ignored.",
        "sweep_malformed_messages_total": "Messages the coordinator could not decode and dropped.",
        "sweep_best_objective": "Mean objective of the best trial so far (single-objective sweeps).",
    ]

    /// Histogram bucket bounds, in seconds, for the two timers.
    public static let buckets: [String: [Double]] = [
        "sweep_task_duration_seconds": [0.001, 0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300, 900, 3600],
        "sweep_dispatch_seconds": [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
    ]

    let tasksOK, tasksFailed, tasksPruned: Counter
    let trialsOK, trialsFailed, trialsStopped: Counter
    let workers, slotsBusy, slotsFree, bestObjective: Gauge
    let taskDuration, dispatch: Metrics.Timer
    let requeues, duplicates, malformed: Counter

    public init(factory: any MetricsFactory) {
        func counter(_ name: String, _ status: String? = nil) -> Counter {
            Counter(label: name, dimensions: status.map { [("status", $0)] } ?? [], factory: factory)
        }
        tasksOK = counter("sweep_tasks_total", "ok")
        tasksFailed = counter("sweep_tasks_total", "failed")
        tasksPruned = counter("sweep_tasks_total", "pruned")
        trialsOK = counter("sweep_trials_total", "ok")
        trialsFailed = counter("sweep_trials_total", "failed")
        trialsStopped = counter("sweep_trials_total", "stopped")
        requeues = counter("sweep_requeues_total")
        duplicates = counter("sweep_duplicate_results_total")
        malformed = counter("sweep_malformed_messages_total")
        workers = Gauge(label: "sweep_workers", factory: factory)
        slotsBusy = Gauge(label: "sweep_slots", dimensions: [("state", "busy")], factory: factory)
        slotsFree = Gauge(label: "sweep_slots", dimensions: [("state", "free")], factory: factory)
        bestObjective = Gauge(label: "sweep_best_objective", factory: factory)
        taskDuration = Metrics.Timer(label: "sweep_task_duration_seconds", factory: factory)
        dispatch = Metrics.Timer(label: "sweep_dispatch_seconds", factory: factory)
    }

    func counted(_ status: TaskStatus) {
        switch status {
        case .ok: tasksOK.increment()
        case .failed: tasksFailed.increment()
        case .pruned: tasksPruned.increment()
        }
    }

    func trialEnded(_ status: TaskStatus) {
        switch status {
        case .ok: trialsOK.increment()
        case .failed: trialsFailed.increment()
        case .pruned: trialsStopped.increment()
        }
    }
}

/// The journal's side of the metrics: what it needs to remember between events (when each task
/// was last dispatched, how far each open trial is), kept on the socket loop's thread.
struct MetricsTracker {
    let metrics: SweepMetrics
    let folds: Int
    let goal: Goal
    /// Task → (attempt, monotonic dispatch time) of its latest lease.
    private var dispatchedAt: [TaskID: (attempt: Int, at: Double)] = [:]
    /// Open trials: folds counted so far and the worst outcome among them (pruned > failed > ok).
    private var open: [Int: (folds: Int, worst: TaskStatus)] = [:]
    private var lastObserved = -Double.infinity

    init(metrics: SweepMetrics, folds: Int, goal: Goal) {
        self.metrics = metrics
        self.folds = folds
        self.goal = goal
        dispatchedAt.reserveCapacity(1024)
    }

    mutating func dispatched(_ lease: LeaseRef, now: Double) {
        dispatchedAt[TaskID(trial: lease.trial, fold: lease.fold)] = (lease.attempt, now)
    }

    /// A task's outcome was counted (`now` nil: restored from run.db, so no timings).
    mutating func counted(_ record: TaskRecord, now: Double?) {
        metrics.counted(record.status)
        if let now, let lease = dispatchedAt.removeValue(forKey: record.task), record.status != .pruned {
            metrics.taskDuration.recordSeconds(record.duration)
            if lease.attempt == record.attempt {
                metrics.dispatch.recordSeconds(max(0, now - lease.at - record.duration))
            }
        }
        var trial = open[record.task.trial] ?? (0, .ok)
        trial.folds += 1
        if Self.rank(record.status) > Self.rank(trial.worst) { trial.worst = record.status }
        if trial.folds >= folds {
            open.removeValue(forKey: record.task.trial)
            metrics.trialEnded(trial.worst)
        } else {
            open[record.task.trial] = trial
        }
    }

    /// The order `Aggregation` decides a trial's status in: stopped first, then failed.
    private static func rank(_ status: TaskStatus) -> Int {
        switch status {
        case .ok: 0
        case .failed: 1
        case .pruned: 2
        }
    }

    /// Workers, slots and the best objective from the machine, at most ten times a second
    /// (and at the end, `final`).
    mutating func observe(_ machine: CoordinatorMachine, now: Double, final: Bool = false) {
        guard final || now - lastObserved >= 0.1 else { return }
        lastObserved = now
        let slots = machine.slotCount
        let busy = min(slots, machine.runningTasks * machine.configuration.resources.cpus)
        metrics.workers.record(machine.workerCount)
        metrics.slotsBusy.record(busy)
        metrics.slotsFree.record(slots - busy)
        let loss = machine.search.bestLoss
        if loss.isFinite { metrics.bestObjective.record(goal == .maximize ? -loss : loss) }
    }
}

extension SweepLifecycle {
    /// Whether the coordinator serves with CURVE keys (the dashboard may then leave loopback).
    public var isKeyed: Bool {
        if case .curve = options.security { return true }
        return false
    }

    /// Counts this sweep into `metrics` from now on, starting from what run.db already holds (a
    /// resumed sweep's totals). Call before `run()`.
    public func measure(with metrics: SweepMetrics) throws {
        var tracker = MetricsTracker(
            metrics: metrics, folds: sweep.spec.taskFolds, goal: sweep.spec.objective.goal)
        for restored in record.restoredRecords.values.sorted(by: { $0.task < $1.task }) {
            tracker.counted(restored, now: nil)
        }
        let totals = try record.database.read { db in
            (
                duplicates: try Int.fetchOne(
                    db,
                    sql: "SELECT count(*) FROM results WHERE counted = 0"
                        + (try db.columns(in: "results").contains { $0.name == "superseded_at" }
                            ? " AND superseded_at IS NULL" : "")) ?? 0,
                requeues: try Int.fetchOne(
                    db, sql: "SELECT coalesce(sum(CAST(detail AS INTEGER)), 0) FROM events WHERE kind = 'requeued'")
                    ?? 0,
                malformed: try Int.fetchOne(db, sql: "SELECT count(*) FROM events WHERE kind = 'malformed'") ?? 0
            )
        }
        metrics.duplicates.increment(by: totals.duplicates)
        metrics.requeues.increment(by: totals.requeues)
        metrics.malformed.increment(by: totals.malformed)
        journal.tracker = tracker
    }
}
