import SweepCore

/// Early stopping in the machine: what happens to a trial the search stops.
extension CoordinatorMachine {
    /// Ends a stopped trial's tasks: queued ones are dropped, running ones cancelled on their workers.
    mutating func stop(_ decision: StopDecision, now: Double, into actions: inout [Action]) {
        var dropped = 0, cancelled = 0
        for fold in 0..<configuration.folds {
            let task = TaskID(trial: decision.trial, fold: fold)
            let index = taskIndex(task)!
            guard !tasks.isDone(index) else { continue }
            let running = leases(of: task).filter { $0.1.state == .running }
            let attempts = tasks[index].attempts
            tasks[index].done = true
            pruned += 1
            for (ref, entry) in running {
                leases[ref]!.state = .cancelled
                leases[ref]!.cancelledAt = now
                wakeAt = min(wakeAt, now + configuration.cancelGrace)
                actions.append(.send(entry.peer, .cancel(sweepID: configuration.sweepID, [ref])))
            }
            if running.isEmpty { dropped += 1 } else { cancelled += 1 }
            let worker = running.first.flatMap { workers[$0.1.peer]?.hello }
            actions.append(
                .record(
                    TaskRecord(
                        task: task, status: .pruned, worker: worker?.name ?? "", host: worker?.host ?? "",
                        attempt: running.first?.0.attempt ?? attempts, duration: 0,
                        metrics: [:], error: "\(decision.rule.rawValue): \(decision.reason)")))
        }
        actions.append(.stopped(decision, dropped: dropped, cancelled: cancelled))
    }
}
