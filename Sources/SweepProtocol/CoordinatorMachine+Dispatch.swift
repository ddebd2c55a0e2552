import SweepCore

/// Handing out tasks: the queue (re-queued tasks first, then the newest trial's folds, then a
/// new suggestion), and which worker has room for which task.
extension CoordinatorMachine {
    /// Puts a task back at the front of the queue.
    mutating func requeue(task: TaskID) {
        if retryHead > 64 && retryHead * 2 > retryQueue.count {
            retryQueue.removeFirst(retryHead)
            retryHead = 0
        }
        retryQueue.append(task)
        requeuedSinceDispatch = true
    }

    mutating func dispatchAll(now: Double, into actions: inout [Action]) {
        requeuedSinceDispatch = false
        guard mayHaveWork else { return }
        for peer in workers.keys.sorted(by: { $0.bytes.lexicographicallyPrecedes($1.bytes) }) {
            dispatch(to: peer, acks: [], now: now, into: &actions)
        }
    }

    var hasQueuedWork: Bool { retryHead < retryQueue.count || nextFresh < tasks.count }
    /// Queued tasks, or a search that may still suggest trials.
    var mayHaveWork: Bool { failedFast == nil && (hasQueuedWork || search.exhausted == nil) }

    /// Fills the worker's free slots; sends acks (if any) in the same message.
    mutating func dispatch(to peer: PeerID, acks: [LeaseRef], now: Double, into actions: inout [Action]) {
        guard var worker = workers[peer] else { return }
        var assignments: [Assignment] = []
        while holds(worker.leases.count + 1, on: worker), isAvailable(worker, now: now),
            case let queued = !fits(worker.leases.count + 1, on: worker.hello),
            let task = nextTask(for: worker.hello.name, queued: queued, now: now, into: &actions)
        {
            let index = taskIndex(task)!
            tasks[index].attempts += 1
            let lease = LeaseRef(task, attempt: tasks[index].attempts)
            leasesSent += 1
            leases[lease] = Lease(peer: peer, started: now, queued: queued, sequence: leasesSent)
            worker.leases.insert(lease)
            actions.append(.dispatched(lease, worker: worker.hello.name, host: worker.hello.host))
            assignments.append(Assignment(lease: lease, params: trials[task.trial].params))
        }
        guard !assignments.isEmpty || !acks.isEmpty else { return }
        if !assignments.isEmpty {
            wakeAt = min(wakeAt, now + configuration.taskTimeout)
            search.startClock(now: now)  // a resumed sweep's time runs from its first task, as the first run's did
        }
        worker.lastSent = now
        workers[peer] = worker
        actions.append(.send(peer, .work(sweepID: configuration.sweepID, acks: acks, tasks: assignments)))
    }

    /// A worker that could not start the trainer's program gets tasks only while no connected
    /// worker can (then they fail there and use up their attempts, as any failure would).
    func canRunTrainer(_ worker: Worker) -> Bool {
        worker.cannotRunTrainer == nil || workers.values.allSatisfy { $0.cannotRunTrainer != nil }
    }

    /// Whether a connected worker other than the named one, which has not failed the task, could take it.
    func anotherCanTake(_ task: TaskState, besides name: String, now: Double) -> Bool {
        workers.values.contains {
            $0.hello.name != name && !task.failedOn.contains($0.hello.name) && fits(1, on: $0.hello)
                && isAvailable($0, now: now)
        }
    }

    /// Whether `tasks` tasks of this sweep fit a worker's slots and GPUs together.
    func fits(_ tasks: Int, on hello: Hello) -> Bool {
        tasks * configuration.resources.cpus <= hello.slots && tasks * configuration.resources.gpus <= hello.gpus
    }

    /// Why queued tasks are not running, when no connected worker could ever take one.
    public var waitingReason: String? {
        guard mayHaveWork else { return nil }
        guard !workers.isEmpty else { return "waiting for workers" }
        guard !workers.values.contains(where: { fits(1, on: $0.hello) }) else { return nil }
        let need = configuration.resources
        let mostGPUs = workers.values.map(\.hello.gpus).max() ?? 0
        if need.gpus > mostGPUs {
            return "waiting: needs \(need.gpus) GPU\(need.gpus == 1 ? "" : "s"), largest worker has \(mostGPUs)"
        }
        let mostSlots = workers.values.map(\.hello.slots).max() ?? 0
        return "waiting: needs \(need.cpus) cpus, largest worker has \(mostSlots) slots"
    }

    /// The next task to run on the named worker: a re-queued one (not one it failed while
    /// another worker could take it, nor a suspect when the task would be `queued` behind its
    /// slots), else the next fold of the newest trial, else the first fold of a trial the search
    /// suggests now.
    mutating func nextTask(for worker: String, queued: Bool = false, now: Double, into actions: inout [Action])
        -> TaskID?
    {
        guard failedFast == nil else { return nil }
        var position = retryHead
        while position < retryQueue.count {
            let task = retryQueue[position]
            let state = tasks[taskIndex(task)!]
            if !state.done
                && ((queued && state.suspect)
                    || (state.failedOn.contains(worker) && anotherCanTake(state, besides: worker, now: now)))
            {
                position += 1
                continue
            }
            if position == retryHead {
                retryHead += 1
                position += 1
            } else {
                retryQueue.remove(at: position)
            }
            if !state.done { return task }
        }
        while nextFresh < tasks.count {
            let index = nextFresh
            nextFresh += 1
            if !tasks.isDone(index) {
                return TaskID(trial: index / configuration.folds, fold: index % configuration.folds)
            }
        }
        if let cap = configuration.maxParallelTrials, openTrialCount() >= cap {
            heldByTrialCap = true
            return nil
        }
        guard let trial = search.nextTrial(now: now) else { return nil }
        trials.append(trial)
        tasks.append(fresh: configuration.folds)
        actions.append(.trialAdded(trial))
        nextFresh = tasks.count - configuration.folds + 1
        return TaskID(trial: trial.number, fold: 0)
    }

    /// Trials with a task queued or running: what `limits.max_parallel_trials` caps.
    mutating func openTrialCount() -> Int {
        let (folds, tasks) = (configuration.folds, tasks)
        let isOpen = { (trial: Int) in (0..<folds).contains { !tasks.isDone(trial * folds + $0) } }
        while oldestOpenTrial < trials.count && !isOpen(oldestOpenTrial) { oldestOpenTrial += 1 }
        return (oldestOpenTrial..<trials.count).count(where: isOpen)
    }
}
