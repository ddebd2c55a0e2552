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
        configuration.prefetch = prefetch
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
        #expect(cancels(m.handle(.tick, now: 190.5), to: a) == [leases[1]], "only the running one, not the queued")
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
}
