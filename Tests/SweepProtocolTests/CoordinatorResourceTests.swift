import Testing

@testable import SweepCore
@testable import SweepProtocol

struct CoordinatorResourceTests {
    let a = PeerID([1]), b = PeerID([2])

    func machine(resources: Resources) -> CoordinatorMachine {
        CoordinatorMachine(
            .init(
                sweepID: 9, trials: (0..<4).map { Trial(number: $0, params: Params(["x": .int($0)])) },
                folds: 1, maxAttempts: 3, taskTimeout: 100, resources: resources))
    }

    func hello(_ name: String, slots: Int, gpus: Int, incarnation: UInt64 = 1) -> Message {
        .hello(
            Hello(
                workerID: name, incarnation: incarnation, name: name, host: "h", slots: slots, gpus: gpus,
                cachedSweep: 9, running: []))
    }

    func assigned(_ actions: [CoordinatorMachine.Action]) -> [LeaseRef] {
        actions.flatMap { action -> [LeaseRef] in
            if case .send(_, .work(_, _, let tasks)) = action { return tasks.map(\.lease) }
            return []
        }
    }

    @Test func tasksGoOnlyWhereTheirCPUsAndGPUsFit() {
        var m = machine(resources: Resources(cpus: 2, gpus: 1))
        #expect(assigned(m.handle(.received(a, hello("a", slots: 8, gpus: 0)), now: 0)).isEmpty)
        #expect(m.waitingReason == "waiting: needs 1 GPU, largest worker has 0")
        #expect(
            assigned(m.handle(.received(b, hello("b", slots: 5, gpus: 3)), now: 0)).count == 2,
            "5 slots / 2 cpus per task")
        #expect(m.waitingReason == nil)
    }

    @Test func cpuShortageIsExplained() {
        var m = machine(resources: Resources(cpus: 4, gpus: 0))
        #expect(m.waitingReason == "waiting for workers")
        _ = m.handle(.received(a, hello("a", slots: 2, gpus: 0)), now: 0)
        #expect(m.waitingReason == "waiting: needs 4 cpus, largest worker has 2 slots")
    }

    @Test func theFirstSuccessCancelsOtherAttemptsOfTheTask() {
        var m = machine(resources: Resources())
        let lease = assigned(m.handle(.received(a, hello("a", slots: 1, gpus: 0)), now: 0))[0]
        _ = m.handle(.tick, now: 10)  // a is dropped as silent; its task is re-queued
        let second = assigned(m.handle(.received(b, hello("b", slots: 1, gpus: 0)), now: 10))
        #expect(second.first == LeaseRef(lease.task, attempt: 2))
        // a comes back on a new connection, still running attempt 1, and finishes first.
        _ = m.handle(
            .received(
                PeerID([3]),
                .hello(
                    Hello(
                        workerID: "a", incarnation: 1, name: "a", host: "h", slots: 1,
                        cachedSweep: 9, running: [lease]))), now: 11)
        let actions = m.handle(
            .received(
                PeerID([3]),
                .results(sweepID: 9, [Kit.ok(lease)])),
            now: 12)
        #expect(
            actions.contains {
                if case .send(b, .cancel(9, [LeaseRef(lease.task, attempt: 2)])) = $0 { true } else { false }
            })
    }

    @Test func fetchesAreServedAndProgressIsPassedOn() {
        var m = machine(resources: Resources())
        let lease = assigned(m.handle(.received(a, hello("a", slots: 1, gpus: 0)), now: 0))[0]
        let fetch = m.handle(.received(a, .fetch(sha256: "ab", offset: 10, length: 20)), now: 1)
        guard case .serveChunk(a, "ab", 10, 20) = fetch.first else {
            Issue.record("expected serveChunk: \(fetch)"); return
        }
        let progress = m.handle(
            .received(a, .progress(sweepID: 9, lease: lease, step: 3, metrics: ["loss": 0.5])), now: 2)
        guard case .progress(lease, "a", 3, ["loss": 0.5]) = progress.first else {
            Issue.record("expected progress: \(progress)"); return
        }
        #expect(
            m.handle(.received(a, .progress(sweepID: 8, lease: lease, step: 3, metrics: [:])), now: 3).isEmpty,
            "another sweep's report")
    }
}
