import Testing

@testable import SweepCore
@testable import SweepProtocol

/// Issue 12, item 1: a RESULTS entry over the wire's limits (sent by a worker that does not trim)
/// is never lost: its lease is acknowledged, the worker's slot refilled, the attempt failed with
/// the reason, and the reason handed back for a REJECTED.
struct OversizedResultTests {
    let a = PeerID([1])

    @Test func anOversizedResultFailsItsAttemptFreesTheSlotAndSaysWhy() throws {
        var m = CoordinatorMachine(
            .init(
                sweepID: 77, trials: (0..<2).map { Trial(number: $0, params: Params(["x": .int($0)])) }, folds: 1,
                maxAttempts: 2, taskTimeout: 100, heartbeatInterval: 1))
        let hello = Hello(workerID: "a", incarnation: 1, name: "a", host: "h", slots: 1, cachedSweep: 0, running: [])
        let first = try #require(leases(m.handle(.received(a, .hello(hello)), now: 0)).first)
        var huge = BoundedResultTests.hugeResult
        huge.lease = first
        var refusals: [String] = []
        let message = try Codec.decode(Codec.encode(.results(sweepID: 77, [huge])), refusals: &refusals)
        #expect(refusals.count == 1)
        #expect(refusals.first?.contains("trial \(first.trial) fold 0 attempt 1") == true)
        #expect(refusals.first?.contains("log of") == true)
        #expect(refusals.first?.contains("exceeds the limit of 1 MiB") == true)
        #expect(refusals.first?.contains("metric name of 300 bytes") == true)
        let actions = m.handle(.received(a, message), now: 1)
        let acked = actions.flatMap { action -> [LeaseRef] in
            if case .send(_, .work(_, let acks, _)) = action { return acks }
            return []
        }
        #expect(acked == [first])
        #expect(leases(actions).count == 1, "the worker's slot is free again")
        let failures = actions.compactMap { action -> String? in
            if case .report(.attemptFailed(first, _, let error, true)) = action { return error }
            return nil
        }
        #expect(failures.count == 1)
        #expect(failures.first?.hasPrefix("result rejected: ") == true)
    }

    @Test func aResultWithinTheLimitsIsNotRefused() throws {
        var refusals: [String] = []
        let result = TaskResult(
            lease: BoundedResultTests.lease, succeeded: true, duration: 1, metrics: ["score": 1], error: "", log: "x")
        let message = try Codec.decode(Codec.encode(.results(sweepID: 1, [result])), refusals: &refusals)
        #expect(refusals.isEmpty)
        guard case .results(1, let results) = message else {
            Issue.record("not RESULTS")
            return
        }
        #expect(results == [result])
    }

    func leases(_ actions: [CoordinatorMachine.Action]) -> [LeaseRef] {
        actions.flatMap { action -> [LeaseRef] in
            if case .send(_, .work(_, _, let tasks)) = action { return tasks.map(\.lease) }
            return []
        }
    }
}

extension OversizedResultTests {
    /// The lenient path is as bounded as the strict one: every truncation of an oversized RESULTS
    /// is refused, and flipped bytes never trap.
    @Test func truncatedOrCorruptedOversizedResultsNeverTrap() {
        let result = TaskResult(
            lease: BoundedResultTests.lease, succeeded: true, duration: 1,
            metrics: [String(repeating: "m", count: 300): 1, "score": 2], error: "e",
            log: String(repeating: "x", count: 300))
        let bytes = Codec.encode(.results(sweepID: 1, [result]))
        for length in stride(from: 0, to: bytes.count, by: 7) {
            var refusals: [String] = []
            #expect(throws: DecodeError.self) { try Codec.decode(Array(bytes[..<length]), refusals: &refusals) }
        }
        var generator = SeededGenerator(seed: 12)
        for _ in 0..<2000 {
            var mutated = bytes
            let index = Int.random(in: 4..<mutated.count, using: &generator)
            mutated[index] = UInt8.random(in: 0...255, using: &generator)
            var refusals: [String] = []
            _ = try? Codec.decode(mutated, refusals: &refusals)
        }
    }
}
