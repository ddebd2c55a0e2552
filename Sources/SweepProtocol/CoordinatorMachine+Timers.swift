import SweepCore

/// The machine's timers: heartbeats to quiet workers, silent workers dropped, leases past
/// their timeout failed, the farewell's end; and when the next of them is due (`nextWake`).
extension CoordinatorMachine {
    /// Performs every timer that is due and computes when the next one is.
    mutating func tick(now: Double, into actions: inout [Action]) {
        let interval = configuration.heartbeatInterval
        let silence = configuration.livenessIntervals * interval
        var next = Double.infinity
        let heard = min(now, heardThrough)
        for worker in workers.values {
            if heard - worker.lastHeard >= silence {
                drop(
                    worker, reason: "silent for \(formatNumber(((heard - worker.lastHeard) * 10).rounded() / 10)) s",
                    into: &actions)
                continue
            }
            var lastSent = worker.lastSent
            if now - lastSent >= interval / 2 {
                actions.append(.send(worker.peer, .heartbeat))
                workers[worker.peer]!.lastSent = now
                lastSent = now
            }
            next = min(next, lastSent + interval, worker.lastHeard + silence)
        }
        for (leaseRef, lease) in leases where lease.state == .running && !lease.queued {
            guard heard - lease.started >= configuration.taskTimeout else {
                next = min(next, lease.started + configuration.taskTimeout)
                continue
            }
            timeOut(leaseRef, lease, now: now, into: &actions)
        }
        next = min(next, abandonCancelled(now: now, into: &actions))
        for record in health.values where record.pausedUntil > now { next = min(next, record.pausedUntil) }
        if let limit = search.timeLimitDeadline { next = min(next, limit) }
        if case .finishing(_, let until) = phase {
            if now >= until {
                phase = .done
            } else {
                next = min(next, until)
            }
        }
        wakeAt = next
        dispatchAll(now: now, into: &actions)
    }

    mutating func timeOut(_ leaseRef: LeaseRef, _ lease: Lease, now: Double, into actions: inout [Action]) {
        leases[leaseRef]!.state = .timedOut
        withdrawQueued(from: lease.peer, into: &actions)
        if workers[lease.peer] != nil {
            actions.append(.send(lease.peer, .cancel(sweepID: configuration.sweepID, [leaseRef])))
        }
        let worker = workers[lease.peer]?.hello
        tasks[taskIndex(leaseRef.task)!].failures += 1
        failAttempt(
            leaseRef,
            worker: worker
                ?? Hello(workerID: "?", incarnation: 0, name: "?", host: "?", slots: 0, cachedSweep: 0, running: []),
            error: "timed out after \(formatNumber(configuration.taskTimeout)) s (limits.task_timeout)",
            duration: now - lease.started, into: &actions)
    }

    mutating func drop(_ worker: Worker, reason: String, into actions: inout [Action]) {
        removeWorker(worker.peer)
        farewellHeard(from: worker.peer)
        let requeued = lose(worker.leases, worker: worker.hello, into: &actions)
        actions.append(
            .report(.workerLost(name: worker.hello.name, host: worker.hello.host, requeued: requeued, reason: reason)))
    }
}
