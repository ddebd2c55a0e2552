import SweepCore

/// Results: the first success of a task counts (exactly once); a failure is retried until the
/// task has failed `maxAttempts` times, then its trial's fold is failed. Whether a failure counts
/// against the task at all is for the worker-health rules (CoordinatorMachine+Health) to say.
extension CoordinatorMachine {
    /// Counts a result if its task has none yet.
    mutating func settle(_ reported: TaskResult, from peer: PeerID, now: Double, into actions: inout [Action]) {
        let result = requiringSearchedMetrics(reported)
        let task = result.lease.task
        guard let index = taskIndex(task) else { return }
        let lease = leases.removeValue(forKey: result.lease)
        let worker = workers[peer]!.hello
        if lease?.state == .cancelled { return }  // its trial was stopped; the answer to our cancel
        if lease != nil && result.succeeded { noteTaskSeconds(result.duration) }  // failures can be instant
        if tasks.isDone(index) {
            if lease == nil || result.succeeded {
                actions.append(.report(.duplicate(result.lease, worker: worker.name, metrics: result.metrics)))
            }
            return
        }
        if result.succeeded {
            let others = leases(of: task)
            tasks[index].done = true
            succeeded += 1
            noteSuccess(result.lease, worker: worker, now: now, into: &actions)
            // Other attempts still running (after a re-queue) can stop: their results cannot count.
            for (other, entry) in others {
                leases.removeValue(forKey: other)
                actions.append(.send(entry.peer, .cancel(sweepID: configuration.sweepID, [other])))
            }
            actions.append(
                .record(
                    TaskRecord(
                        task: task, status: .ok, worker: worker.name, host: worker.host,
                        attempt: result.lease.attempt, duration: result.duration,
                        metrics: result.metrics, error: nil)))
            guard configuration.scoresSearch(task) else { return }
            for decision in search.foldFinished(
                trial: task.trial, fold: task.fold, values: searchedValues(result.metrics))
            {
                stop(decision, now: now, into: &actions)
            }
            return
        }
        // A failure of an attempt that already timed out was counted when it timed out.
        guard let lease, lease.state != .timedOut else { return }
        if CommandProblem.isUnrunnable(result.error) && workers[peer]!.cannotRunTrainer == nil {
            workers[peer]!.cannotRunTrainer = result.error
            actions.append(.report(.workerCannotRunTrainer(name: worker.name, host: worker.host, reason: result.error)))
        }
        noteFailure(result.lease, worker: worker, error: result.error, now: now, into: &actions)
        guard failedFast == nil else { return }
        failAttempt(result.lease, worker: worker, error: result.error, duration: result.duration, into: &actions)
    }

    /// The values the search learns from, in its order (nil: one is missing).
    func searchedValues(_ metrics: [String: Double]) -> [Double]? {
        var values: [Double] = []
        for name in configuration.searchedMetrics {
            guard let value = metrics[name] else { return nil }
            values.append(value)
        }
        return values
    }

    /// A success that lacks a metric the objectives or constraints need is a failed attempt,
    /// with a reason that names it (as a command's missing objective fails on its worker).
    func requiringSearchedMetrics(_ result: TaskResult) -> TaskResult {
        guard result.succeeded else { return result }
        let needed = configuration.searchedMetrics
        let missing = needed.enumerated().filter { result.metrics[$1] == nil && !needed[..<$0].contains($1) }.map(\.1)
        guard !missing.isEmpty else { return result }
        var failed = result
        failed.succeeded = false
        let names = Array(Set(needed)).sorted().joined(separator: ", ")
        let reported = result.metrics.keys.sorted().prefix(10).joined(separator: ", ")
        failed.error =
            "finished but never reported \(missing.map { "'\($0)'" }.joined(separator: ", ")), which the sweep's objectives and constraints need (\(names)); it reported: \(reported.isEmpty ? "nothing" : reported)"
        return failed
    }

    mutating func failAttempt(
        _ lease: LeaseRef, worker: Hello, error: String, duration: Double, into actions: inout [Action]
    ) {
        let index = taskIndex(lease.task)!
        let stillRunning = leases(of: lease.task).contains { $0.1.state != .timedOut }
        let retrying = tasks[index].failures < configuration.maxAttempts
        actions.append(.report(.attemptFailed(lease, worker: worker.name, error: error, retrying: retrying)))
        if retrying {
            if !stillRunning { requeue(task: lease.task) }
            return
        }
        guard !stillRunning else { return }
        tasks[index].done = true
        failed += 1
        actions.append(
            .record(
                TaskRecord(
                    task: lease.task, status: .failed, worker: worker.name, host: worker.host,
                    attempt: lease.attempt, duration: duration, metrics: [:], error: error)))
        if configuration.scoresSearch(lease.task) {
            _ = search.foldFinished(trial: lease.trial, fold: lease.fold, value: nil)
        }
    }
}

extension CoordinatorMachine.Configuration {
    /// Whether a task's outcome is the search's to learn from (false: a nested CV task).
    func scoresSearch(_ task: TaskID) -> Bool { task.fold < search.folds }
}
