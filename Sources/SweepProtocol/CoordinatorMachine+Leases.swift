import SweepCore

/// Leases: finding a task's, and prefetching (`limits.prefetch`): how many a worker may hold,
/// which of them its pool is running, and taking back the ones that may never start.
extension CoordinatorMachine {
    /// The leases of a task not yet ended, found by its attempt numbers (a task has one or two)
    /// instead of a scan of every lease (a thousand at a thousand workers, on every result).
    func leases(of task: TaskID) -> [(LeaseRef, Lease)] {
        guard let index = taskIndex(task) else { return [] }
        let attempts = tasks[index].attempts
        guard attempts > 0 else { return [] }
        return (1...attempts).compactMap { attempt in
            let ref = LeaseRef(task, attempt: attempt)
            return leases[ref].map { (ref, $0) }
        }
    }

    func taskIndex(_ task: TaskID) -> Int? {
        guard task.trial >= 0, task.trial < trials.count, task.fold >= 0, task.fold < configuration.folds else {
            return nil
        }
        return task.trial * configuration.folds + task.fold
    }

    /// Whether a worker may hold `tasks` tasks: what fits its slots, plus `prefetch` queued behind
    /// them. Only for one-cpu tasks without GPUs: a worker's pool has a thread per slot and hands
    /// out GPUs as a task arrives, so only then does a task beyond its slots wait for one.
    func holds(_ tasks: Int, on worker: Worker) -> Bool {
        if fits(tasks, on: worker.hello) { return true }
        let resources = configuration.resources
        guard mayPrefetch, resources.cpus == 1, resources.gpus == 0, !worker.noPrefetch, fits(1, on: worker.hello)
        else { return false }
        guard tasks <= worker.hello.slots + prefetchDepth else { return false }
        // Nothing queued behind a suspect: if the worker dies, the loss is the suspect's.
        return !hasSuspects || !worker.leases.contains { taskState(of: $0)?.suspect == true }
    }

    private func taskState(of lease: LeaseRef) -> TaskState? { taskIndex(lease.task).map { tasks[$0] } }

    /// The spec allows prefetching at all (a depth of 0 now may grow later with `auto`).
    var mayPrefetch: Bool {
        switch configuration.prefetch {
        case .tasks(let depth): depth > 0
        case .auto: autoPrefetches
        }
    }

    /// `auto` prefetches only where queued tasks change neither the suggestions nor which trials
    /// run: a search that does not learn from results (grid, random, sobol), without early
    /// stopping, a target, a patience or a cap on trials in parallel (whose next trial waits for
    /// one to end: a fold queued on a busy worker would wait while another worker idles).
    var autoPrefetches: Bool {
        let search = configuration.search
        switch search.algorithm {
        case .grid, .random, .sobol:
            return search.earlyStopping == nil && search.target == nil && search.stopAfterNoImprovement == nil
                && configuration.maxParallelTrials == nil
        case .tpe, .nsga2:
            return false
        }
    }

    /// Tasks a worker may hold beyond its slots now. `auto` (where `autoPrefetches`): tasks
    /// shorter than 0.1 s get enough to keep a slot busy ~2 ms (a round trip under load), at least
    /// 1 and at most 64 (16 left a worker idle for part of each round trip with trivial tasks);
    /// longer ones none (a task queued behind a long one can end a sweep late while another idles).
    var prefetchDepth: Int {
        switch configuration.prefetch {
        case .tasks(let depth):
            return depth
        case .auto:
            guard autoPrefetches, let seconds = recentTaskSeconds, seconds < 0.1 else { return 0 }
            return min(64, max(1, Int((0.002 / max(seconds, 1e-6)).rounded(.up))))
        }
    }

    /// A task ran for `seconds`: the moving average `auto` prefetch goes by.
    mutating func noteTaskSeconds(_ seconds: Double) {
        guard seconds.isFinite, seconds >= 0 else { return }
        recentTaskSeconds = recentTaskSeconds.map { $0 * 0.8 + seconds * 0.2 } ?? seconds
    }

    /// A task of this worker timed out or was abandoned: the tasks queued behind it may never
    /// start. They are taken back (cancelled there, queued again here without using an attempt).
    mutating func withdrawQueued(from peer: PeerID, into actions: inout [Action]) {
        guard mayPrefetch, let worker = workers[peer] else { return }
        workers[peer]!.noPrefetch = true
        let queued = worker.leases.filter { leases[$0]?.queued == true }.sorted {
            leases[$0]!.sequence < leases[$1]!.sequence
        }
        guard !queued.isEmpty else { return }
        for ref in queued {
            let state = leases.removeValue(forKey: ref)?.state
            workers[peer]!.leases.remove(ref)
            // A cancelled one (its trial was stopped) is only dropped; a task running elsewhere stays there.
            if state == .running, let index = taskIndex(ref.task), !tasks.isDone(index), leases(of: ref.task).isEmpty {
                requeue(task: ref.task)
            }
        }
        actions.append(.send(peer, .cancel(sweepID: configuration.sweepID, queued)))
    }

    /// A worker's pool runs its tasks in the order they arrived: as leases end, the oldest
    /// prefetched ones start (their timeouts run from now).
    mutating func startQueued(on peer: PeerID, now: Double) {
        guard mayPrefetch, let worker = workers[peer] else { return }
        // A worker holds a few leases: scanned again per start, without allocating (once per result).
        while true {
            var running = 0
            var earliest: (ref: LeaseRef, sent: Int)?
            for ref in worker.leases {
                guard let lease = leases[ref], lease.queued else {
                    running += 1  // ended here but not yet answered (cancelled, timed out) still holds a slot
                    continue
                }
                if let current = earliest, lease.sequence >= current.sent { continue }
                earliest = (ref, lease.sequence)
            }
            // Its most slots, not what a draining HELLO says (0): it still runs what it holds.
            guard let next = earliest?.ref, running < worker.capacity else { return }
            leases[next]!.queued = false
            leases[next]!.started = now
            if leases[next]!.state == .cancelled { leases[next]!.cancelledAt = now }
            wakeAt = min(wakeAt, now + configuration.taskTimeout)
        }
    }
}
