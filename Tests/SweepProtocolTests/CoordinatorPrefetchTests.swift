import Testing

@testable import SweepCore
@testable import SweepProtocol

/// `limits.prefetch`: tasks a worker holds queued beyond its slots, so the next starts as one
/// ends. A queued task's timeout runs from when it reaches a slot; losing the worker re-queues
/// them with the rest; GPU sweeps never prefetch.
struct CoordinatorPrefetchTests {
    let a = PeerID([1]), b = PeerID([2])

    func machine(prefetch: Int, timeout: Double = 100, resources: Resources = Resources()) -> CoordinatorMachine {
        var configuration = CoordinatorMachine.Configuration(
            sweepID: 77, trials: (0..<10).map { Trial(number: $0, params: Params(["x": .int($0)])) },
            folds: 1, maxAttempts: 3, taskTimeout: timeout, heartbeatInterval: 1, resources: resources)
        configuration.prefetch = .tasks(prefetch)
        return CoordinatorMachine(configuration)
    }

    func cancels(_ actions: [CoordinatorMachine.Action], to peer: PeerID) -> [LeaseRef] {
        actions.flatMap { action -> [LeaseRef] in
            if case .send(peer, .cancel(_, let leases)) = action { return leases }
            return []
        }
    }

    @Test func aWorkerHoldsPrefetchedTasksBeyondItsSlots() {
        var plain = machine(prefetch: 0)
        #expect(Kit.assigned(plain.handle(.received(a, Kit.hello("a", slots: 2)), now: 0), to: a).count == 2)
        var m = machine(prefetch: 1)
        let first = Kit.assigned(m.handle(.received(a, Kit.hello("a", slots: 2)), now: 0), to: a)
        #expect(first.count == 3, "2 slots + 1 prefetched")
        #expect(m.runningTasks == 2, "the queued one is not running yet")
        // Each result frees one place: one new task follows, never more.
        let next = Kit.assigned(m.handle(.received(a, .results(sweepID: 77, [Kit.ok(first[0])])), now: 1), to: a)
        #expect(next.count == 1)
    }

    @Test func aPrefetchedTaskTimesOutOnlyFromWhenItReachesASlot() {
        var m = machine(prefetch: 1, timeout: 100)
        let leases = Kit.assigned(m.handle(.received(a, Kit.hello("a", slots: 1)), now: 0), to: a)
        #expect(leases.count == 2)
        _ = m.handle(.received(a, .heartbeat), now: 0.4)
        // The first ends at 90: the queued one starts then (its 100 s run to 190), a third is queued.
        let third = Kit.assigned(m.handle(.received(a, .results(sweepID: 77, [Kit.ok(leases[0])])), now: 90), to: a)
        #expect(third.count == 1)
        var timedOut: [LeaseRef] = []
        for now in stride(from: 91.0, through: 189, by: 1) {
            _ = m.handle(.received(a, .heartbeat), now: now)
            timedOut += cancels(m.handle(.tick, now: now), to: a)
        }
        #expect(timedOut.isEmpty, "timed out from its dispatch at 0 instead of its start at 90")
        _ = m.handle(.received(a, .heartbeat), now: 190.5)
        let cancelled = cancels(m.handle(.tick, now: 190.5), to: a)
        #expect(Set(cancelled) == [leases[1], third[0]], "the running one timed out; the one queued behind taken back")
        #expect(m.tasks[m.taskIndex(leases[1].task)!].failures == 1)
        #expect(m.tasks[m.taskIndex(third[0].task)!].failures == 0, "taken back, not failed: it never ran")
    }

    @Test func losingTheWorkerRequeuesItsPrefetchedTasks() {
        var m = machine(prefetch: 1)
        let held = Kit.assigned(m.handle(.received(a, Kit.hello("a", slots: 1)), now: 0), to: a)
        #expect(held.count == 2)
        _ = m.handle(.received(a, .goodbye), now: 1)
        let taken = Kit.assigned(m.handle(.received(b, Kit.hello("b", slots: 2)), now: 1), to: b)
        #expect(Set(taken.map(\.task)).isSuperset(of: held.map(\.task)))
        for lease in taken { _ = m.handle(.received(b, .results(sweepID: 77, [Kit.ok(lease)])), now: 2) }
        #expect(m.succeeded == taken.count)
    }

    @Test func gpuSweepsAndDrainingWorkersGetNoPrefetch() {
        var gpu = machine(prefetch: 2, resources: Resources(cpus: 1, gpus: 1))
        let hello = Message.hello(
            Hello(workerID: "g", incarnation: 1, name: "g", host: "h", slots: 2, gpus: 2, cachedSweep: 77, running: []))
        #expect(Kit.assigned(gpu.handle(.received(a, hello), now: 0), to: a).count == 2)
        var m = machine(prefetch: 2)
        #expect(Kit.assigned(m.handle(.received(b, Kit.hello("b", slots: 0)), now: 0), to: b).isEmpty)
    }

    /// A task that times out may never end on its worker: the tasks queued behind it go elsewhere.
    @Test func aTimedOutTaskGivesBackTheTasksQueuedBehindIt() {
        var m = machine(prefetch: 2, timeout: 10)
        let held = Kit.assigned(m.handle(.received(a, Kit.hello("a", slots: 1)), now: 0), to: a)
        #expect(held.count == 3)
        var cancelled: [LeaseRef] = []
        for now in stride(from: 1.0, through: 10.5, by: 0.5) {
            _ = m.handle(.received(a, .heartbeat), now: now)
            cancelled += cancels(m.handle(.tick, now: now), to: a)
        }
        #expect(Set(cancelled) == Set(held), "the running one timed out, the two behind it taken back")
        #expect(Kit.assigned(m.handle(.received(a, .heartbeat), now: 11), to: a).isEmpty)
        let taken = Kit.assigned(m.handle(.received(b, Kit.hello("b", slots: 3)), now: 11), to: b)
        #expect(Set(held.map(\.task)).isSubset(of: Set(taken.map(\.task))), "\(taken)")
        #expect(taken.filter { held.map(\.task).dropFirst().contains($0.task) }.allSatisfy { $0.attempt == 2 })
    }

    /// A worker's pool has a thread per slot: tasks that take several cpus never wait there.
    @Test func tasksOfSeveralCPUsGetNoPrefetch() {
        var m = machine(prefetch: 2, resources: Resources(cpus: 2, gpus: 0))
        #expect(Kit.assigned(m.handle(.received(a, Kit.hello("a", slots: 4)), now: 0), to: a).count == 2)
    }

    /// Draining, a worker says it has no slots, yet its pool still runs what it holds in order:
    /// the queued task starts (and can time out) when the one ahead of it ends.
    @Test func aDrainingWorkersQueuedTaskStillStarts() {
        var m = machine(prefetch: 1, timeout: 10)
        let held = Kit.assigned(m.handle(.received(a, Kit.hello("a", slots: 1)), now: 0), to: a)
        #expect(held.count == 2)
        _ = m.handle(.received(a, Kit.hello("a", slots: 0, running: held, cached: 77)), now: 1)
        #expect(Kit.assigned(m.handle(.received(a, .results(sweepID: 77, [Kit.ok(held[0])])), now: 5), to: a).isEmpty)
        var cancelled: [LeaseRef] = []
        for now in stride(from: 5.5, through: 15.5, by: 0.5) {
            _ = m.handle(.received(a, .heartbeat), now: now)
            cancelled += cancels(m.handle(.tick, now: now), to: a)
        }
        #expect(cancelled == [held[1]], "started at 5 when the one ahead ended, timed out at 15")
    }

    /// Tasks queued on a worker that is lost never started there: they go back without counting
    /// against `limits.max_lost` (a trainer that kills its worker would otherwise fail them too).
    @Test func queuedTasksLostWithTheirWorkerCountNoLoss() {
        var m = machine(prefetch: 2)
        let held = Kit.assigned(m.handle(.received(a, Kit.hello("a", slots: 1)), now: 0), to: a)
        #expect(held.count == 3)
        _ = m.handle(.received(a, .goodbye), now: 1)
        #expect(m.tasks[m.taskIndex(held[0].task)!].lost == 1, "the running one was lost")
        for queued in held.dropFirst() { #expect(m.tasks[m.taskIndex(queued.task)!].lost == 0) }
    }

    /// A worker paused for failing gives back the tasks queued on it: they would run there anyway.
    @Test func aPausedWorkerGivesBackItsQueuedTasks() {
        var m = machine(prefetch: 4)
        let held = Kit.assigned(m.handle(.received(a, Kit.hello("a", slots: 1)), now: 0), to: a)
        #expect(held.count == 5)
        let other = Kit.assigned(m.handle(.received(b, Kit.hello("b", slots: 1)), now: 0), to: b)
        _ = m.handle(.received(b, .results(sweepID: 77, [Kit.ok(other[0])])), now: 1)
        var cancelled: [LeaseRef] = []
        for (step, lease) in held.prefix(3).enumerated() {
            let actions = m.handle(.received(a, .results(sweepID: 77, [Kit.failure(lease)])), now: 2 + Double(step))
            cancelled += cancels(actions, to: a)
        }
        #expect(m.pausedWorkers(now: 5).map(\.name) == ["a"])
        #expect(Set(cancelled) == Set(held.suffix(2)), "the two still queued on it were taken back")
        for lease in held.suffix(2) { #expect(m.tasks[m.taskIndex(lease.task)!].failures == 0) }
    }

    /// A prefetched task lost with its worker may have been what killed it (the coordinator's view
    /// of which one runs is a round trip late). It runs again only in a free slot with nothing
    /// queued behind it, so a task that keeps killing workers is failed after `limits.max_lost`.
    @Test func aTaskLostWhileQueuedRunsAloneNextSoALossCounts() {
        var configuration = CoordinatorMachine.Configuration(
            sweepID: 77, trials: (0..<10).map { Trial(number: $0, params: Params(["x": .int($0)])) },
            folds: 1, maxAttempts: 3, maxLost: 2, taskTimeout: 100, heartbeatInterval: 1)
        configuration.prefetch = .tasks(2)
        var m = CoordinatorMachine(configuration)
        let held = Kit.assigned(m.handle(.received(a, Kit.hello("a", slots: 1)), now: 0), to: a)
        #expect(held.count == 3)
        _ = m.handle(.received(a, .goodbye), now: 1)
        // The one queued behind (say it killed the worker): alone on the next worker, nothing behind it.
        let suspect = held[1].task
        var peer: UInt8 = 10
        var lost = 0
        while !m.tasks.isDone(m.taskIndex(suspect)!), peer < 40 {
            let next = PeerID([peer])
            var sent = Kit.assigned(m.handle(.received(next, Kit.hello("w\(peer)", slots: 1)), now: 2), to: next)
            // Other tasks succeed here; the suspect kills every worker it runs on.
            while let lease = sent.first {
                if lease.task == suspect {
                    #expect(sent.count == 1, "nothing is queued behind a suspect")
                    _ = m.handle(.received(next, .goodbye), now: 4)
                    lost += 1
                    break
                }
                sent.removeFirst()
                let reply = m.handle(.received(next, .results(sweepID: 77, [Kit.ok(lease)])), now: 3)
                sent += Kit.assigned(reply, to: next)
            }
            if sent.isEmpty { _ = m.handle(.received(next, .goodbye), now: 4) }
            peer += 1
        }
        #expect(m.tasks.isDone(m.taskIndex(suspect)!), "failed after limits.max_lost losses")
        #expect(lost == 2)
    }
}
