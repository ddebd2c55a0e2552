import SweepCore

/// Whose problem a failure is: the task's, the worker's or the sweep's.
///
/// - A lease lost with its worker (dropped, silent, superseded) is not a failed attempt: the task
///   is re-queued without using its retry budget, up to `maxLost` losses (a task that kills
///   every worker it lands on must end too).
/// - A retry goes to a worker that has not failed the task, while a connected one could take it.
/// - A worker whose attempts fail while others succeed is paused (`shouldPause` says exactly
///   when; failures spread over every worker pause none): it takes no new tasks for
///   `firstPause` seconds, twice as long each time again, and the failures of its current streak
///   are refunded to their tasks. A success on it ends the streak and resets the pause.
/// - A failure because the worker cannot start the program at all never counts against the task.
/// - Fail fast: when the first `failFastAttempts` attempts of a session all failed for the same
///   reason, nothing succeeded, and every connected worker has tried, the sweep stops with that
///   reason (its tasks stay unrecorded, so `sweep resume` continues after a fix). One worker's
///   failures while another has not tried yet are that worker's problem.
extension CoordinatorMachine {
    struct WorkerHealth {
        /// Failed leases since its last success, and whether each counted against its task
        /// (those are refunded if it is paused).
        var streak: [(lease: LeaseRef, counted: Bool)] = []
        /// It has ended an attempt this session (either way).
        var tried = false
        var pausedUntil = -Double.infinity
        var nextPause = CoordinatorMachine.firstPause
    }

    /// The first pause of a failing worker, in seconds; each further one is twice as long, up to `longestPause`.
    public static let firstPause = 30.0
    public static let longestPause = 960.0
    /// Failures in a row on one worker that pause it while other workers succeed.
    static let pauseAfterFailures = 3
    /// Attempts that must all fail alike, with no success anywhere, before the sweep stops.
    public static let failFastAttempts = 5

    /// Ends leases lost with their worker: unfinished tasks go back to the front of the queue
    /// without using an attempt, unless they were lost `maxLost` times. Returns how many were re-queued.
    @discardableResult
    mutating func lose(_ refs: Set<LeaseRef>, worker: Hello, into actions: inout [Action]) -> Int {
        var count = 0
        for ref in refs.sorted(by: { ($0.trial, $0.fold, $0.attempt) < ($1.trial, $1.fold, $1.attempt) }) {
            // A timed-out lease was counted as a failed attempt already; a cancelled one's task has ended.
            guard let lease = leases.removeValue(forKey: ref), lease.state != .timedOut else { continue }
            lostLeases += 1
            guard lease.state == .running, let index = taskIndex(ref.task), !tasks.isDone(index) else { continue }
            tasks[index].suspect = true
            hasSuspects = true
            // Prefetched: the coordinator's view of it is a round trip late, so it may have started
            // (and killed the worker) or not. No loss is counted now; as a suspect it runs next
            // time only in a free slot, with nothing queued behind it, where a loss counts.
            if lease.queued {
                if leases(of: ref.task).isEmpty { requeue(task: ref.task) }
                count += 1
                continue
            }
            tasks[index].lost += 1
            guard tasks[index].lost >= configuration.maxLost else {
                requeue(task: ref.task)
                count += 1
                continue
            }
            guard leases(of: ref.task).isEmpty else { continue }
            let lost = tasks[index].lost
            tasks[index].done = true
            failed += 1
            actions.append(
                .record(
                    TaskRecord(
                        task: ref.task, status: .failed, worker: worker.name, host: worker.host, attempt: ref.attempt,
                        duration: 0, metrics: [:],
                        error: "lost with its worker \(lost) times (limits.max_lost)")))
            _ = search.foldFinished(trial: ref.trial, fold: ref.fold, value: nil)
        }
        return count
    }

    /// Whether a worker may take tasks now (not paused, and able to run the trainer).
    func isAvailable(_ worker: Worker, now: Double) -> Bool {
        canRunTrainer(worker) && (health[worker.hello.name]?.pausedUntil ?? -.infinity) <= now
    }

    /// Names of workers paused now, with when their pause ends.
    public func pausedWorkers(now: Double) -> [(name: String, until: Double)] {
        health.filter { $0.value.pausedUntil > now }.map { ($0.key, $0.value.pausedUntil) }.sorted { $0.name < $1.name }
    }

    /// A success on `worker`: its streak ends, and workers failing what others now succeed at pause.
    mutating func noteSuccess(_ lease: LeaseRef, worker: Hello, now: Double, into actions: inout [Action]) {
        Self.succeeded(&health[worker.name, default: WorkerHealth()])
        successfulWorkers.insert(worker.name)
        // Only workers on a failure streak can pause: usually none, so a success costs O(1).
        guard !failing.isEmpty else { return }
        failing.remove(worker.name)
        for name in failing.sorted() where shouldPause(name, after: lease.task) {
            pause(name, now: now, into: &actions)
        }
    }

    /// A success ends the streak (one dictionary access in the hot path, not three).
    private static func succeeded(_ record: inout WorkerHealth) {
        record.streak = []
        record.tried = true
        record.nextPause = firstPause
    }

    /// A failed attempt on `worker`: counted against its task unless the worker cannot run the
    /// program, or is paused for it now; then fail fast if the sweep's first attempts all failed alike.
    mutating func noteFailure(
        _ lease: LeaseRef, worker: Hello, error: String, now: Double, into actions: inout [Action]
    ) {
        let index = taskIndex(lease.task)!
        tasks[index].failedOn.insert(worker.name)
        health[worker.name, default: WorkerHealth()].tried = true
        // A program the worker cannot start is the worker's problem, never the task's.
        let counted = !CommandProblem.isUnrunnable(error)
        if counted { tasks[index].failures += 1 }
        health[worker.name]!.streak.append((lease, counted))
        failing.insert(worker.name)
        checkFailFast(error, now: now, into: &actions)
        if failedFast == nil && shouldPause(worker.name, after: nil) { pause(worker.name, now: now, into: &actions) }
    }

    /// Stops the sweep if its first attempts all failed alike, nothing succeeded and every
    /// connected worker that could take a task has tried.
    mutating func checkFailFast(_ error: String, now: Double, into actions: inout [Action]) {
        guard succeeded == 0 else { return }
        let reason = CommandProblem.reasonKey(error)
        earlyFailures.count += 1
        if earlyFailures.reason == nil { earlyFailures.reason = reason }
        earlyFailures.alike = earlyFailures.alike && earlyFailures.reason == reason
        // Workers that could not take a task (draining, too small) are not waited for.
        let tried = workers.values.allSatisfy { health[$0.hello.name]?.tried == true || !fits(1, on: $0.hello) }
        if earlyFailures.count >= Self.failFastAttempts && earlyFailures.alike && tried {
            failFast(
                "the first \(earlyFailures.count) attempts all failed the same way and none succeeded: \(error)",
                now: now, into: &actions)
        }
    }

    /// Whether a worker's failure streak is its own problem: it could not start the program
    /// `failFastAttempts` times; it failed twice or more in a row,
    /// one of them a task that `succeeded` just now elsewhere; or it failed `pauseAfterFailures`
    /// in a row while the other connected workers succeed (each one's last attempt succeeded). A
    /// sweep whose failures are spread over all workers (a failing region of the space) pauses none.
    func shouldPause(_ name: String, after succeededTask: TaskID?) -> Bool {
        guard let streak = health[name]?.streak, !streak.isEmpty else { return false }
        // It cannot start the program, again and again: retrying at once would only spin.
        if streak.count(where: { !$0.counted }) >= Self.failFastAttempts { return true }
        if let succeededTask, streak.count >= 2, streak.contains(where: { $0.lease.task == succeededTask }) {
            return true
        }
        let others = workers.values.map(\.hello.name).filter { $0 != name && successfulWorkers.contains($0) }
        return streak.count >= Self.pauseAfterFailures && !others.isEmpty
            && others.allSatisfy { health[$0]?.streak.isEmpty ?? true }
    }

    /// Pauses a worker and refunds its streak's failures to their unfinished tasks.
    mutating func pause(_ name: String, now: Double, into actions: inout [Action]) {
        guard var record = health[name] else { return }
        var refunded = 0
        for (lease, counted) in record.streak where counted {
            guard let index = taskIndex(lease.task), !tasks.isDone(index), tasks[index].failures > 0 else { continue }
            tasks[index].failures -= 1
            refunded += 1
        }
        let seconds = record.nextPause
        actions.append(
            .report(
                .workerPaused(
                    name: name, host: workers.values.first { $0.hello.name == name }?.hello.host ?? "?",
                    seconds: seconds, failures: record.streak.count, refunded: refunded)))
        record.pausedUntil = now + seconds
        record.nextPause = min(seconds * 2, Self.longestPause)
        record.streak = []
        health[name] = record
        failing.remove(name)
        wakeAt = min(wakeAt, record.pausedUntil)
        // Tasks queued on it would run there anyway, and likely fail alike: they go elsewhere.
        for peer in workers.keys where workers[peer]!.hello.name == name { withdrawQueued(from: peer, into: &actions) }
    }

    /// Stops the sweep: queued tasks are dropped and running ones cancelled, all unrecorded.
    mutating func failFast(_ reason: String, now: Double, into actions: inout [Action]) {
        failedFast = reason
        actions.append(.report(.failedFast(reason: reason)))
        for (ref, lease) in leases.sorted(by: { $0.key.trial < $1.key.trial }) where workers[lease.peer] != nil {
            actions.append(.send(lease.peer, .cancel(sweepID: configuration.sweepID, [ref])))
        }
        leases.removeAll()
        for peer in workers.keys { workers[peer]!.leases.removeAll() }
        retryQueue.removeAll()
        retryHead = 0
        nextFresh = tasks.count
        finish(now: now, into: &actions)
    }

    /// Cancelled leases past their grace period are abandoned (their workers' slots freed).
    /// Returns when the next one is due.
    mutating func abandonCancelled(now: Double, into actions: inout [Action]) -> Double {
        var next = Double.infinity
        // A prefetched lease answers its cancel only when it reaches a slot: its grace starts then.
        for (ref, lease) in leases where lease.state == .cancelled && !lease.queued {
            let due = lease.cancelledAt + configuration.cancelGrace
            guard now >= due else {
                next = min(next, due)
                continue
            }
            leases.removeValue(forKey: ref)
            workers[lease.peer]?.leases.remove(ref)
            withdrawQueued(from: lease.peer, into: &actions)
            lostLeases += 1
            let name = workers[lease.peer]?.hello.name ?? "?"
            actions.append(.report(.leaseAbandoned(ref, worker: name, after: now - lease.cancelledAt)))
        }
        return next
    }
}
