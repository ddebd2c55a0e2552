import SweepCore

/// Handing out tasks: the queue (re-queued tasks first, then the newest trial's folds, then a
/// new suggestion), and which worker has room for which task.
extension CoordinatorMachine {
    /// Ends these leases and puts their unfinished tasks back at the front of the queue.
    @discardableResult
    mutating func requeue(_ refs: Set<LeaseRef>) -> Int {
        var count = 0
        for ref in refs.sorted(by: { ($0.trial, $0.fold) < ($1.trial, $1.fold) }) {
            guard let lease = leases.removeValue(forKey: ref), lease.state != .timedOut else { continue }
            if let index = taskIndex(ref.task), !tasks[index].done {
                requeue(task: ref.task)
                count += 1
            }
        }
        return count
    }

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
    var mayHaveWork: Bool { hasQueuedWork || search.exhausted == nil }

    /// Fills the worker's free slots; sends acks (if any) in the same message.
    mutating func dispatch(to peer: PeerID, acks: [LeaseRef], now: Double, into actions: inout [Action]) {
        guard var worker = workers[peer] else { return }
        var assignments: [Assignment] = []
        while fits(worker.leases.count + 1, on: worker.hello), canRunTrainer(worker),
            let task = nextTask(now: now, into: &actions)
        {
            let index = taskIndex(task)!
            tasks[index].attempts += 1
            let lease = LeaseRef(task, attempt: tasks[index].attempts)
            leases[lease] = Lease(peer: peer, started: now)
            worker.leases.insert(lease)
            actions.append(.dispatched(lease, worker: worker.hello.name, host: worker.hello.host))
            assignments.append(Assignment(lease: lease, params: trials[task.trial].params))
        }
        guard !assignments.isEmpty || !acks.isEmpty else { return }
        if !assignments.isEmpty { wakeAt = min(wakeAt, now + configuration.taskTimeout) }
        worker.lastSent = now
        workers[peer] = worker
        actions.append(.send(peer, .work(sweepID: configuration.sweepID, acks: acks, tasks: assignments)))
    }

    /// A worker that could not start the trainer's program gets tasks only while no connected
    /// worker can (then they fail there and use up their attempts, as any failure would).
    func canRunTrainer(_ worker: Worker) -> Bool {
        worker.cannotRunTrainer == nil || workers.values.allSatisfy { $0.cannotRunTrainer != nil }
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

    /// The next task to run: a re-queued one, else the next fold of the newest trial, else the
    /// first fold of a trial the search suggests now.
    mutating func nextTask(now: Double, into actions: inout [Action]) -> TaskID? {
        while retryHead < retryQueue.count {
            let task = retryQueue[retryHead]
            retryHead += 1
            if !tasks[taskIndex(task)!].done { return task }
        }
        while nextFresh < tasks.count {
            let index = nextFresh
            nextFresh += 1
            if !tasks[index].done {
                return TaskID(trial: index / configuration.folds, fold: index % configuration.folds)
            }
        }
        guard let trial = search.nextTrial(now: now) else { return nil }
        trials.append(trial)
        tasks += Array(repeating: TaskState(), count: configuration.folds)
        actions.append(.trialAdded(trial))
        nextFresh = tasks.count - configuration.folds + 1
        return TaskID(trial: trial.number, fold: 0)
    }
}
