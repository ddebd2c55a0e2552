import Testing

@testable import SweepCore
@testable import SweepProtocol

/// `limits.prefetch: auto` (the default): workers hold tasks beyond their slots only once tasks
/// have proved short, as many as cover a round trip, and never for searches that learn from results.
struct CoordinatorAutoPrefetchTests {
    let a = PeerID([1])

    func machine(
        _ algorithm: SearchAlgorithm = .random, earlyStopping: EarlyStopping? = nil,
        change: (inout CoordinatorMachine.Configuration) -> Void = { _ in }
    ) -> CoordinatorMachine {
        var configuration = CoordinatorMachine.Configuration(
            sweepID: 77, trials: (0..<100).map { Trial(number: $0, params: Params(["x": .int($0)])) },
            folds: 1, maxAttempts: 3, taskTimeout: 100, heartbeatInterval: 1)
        configuration.search.algorithm = algorithm
        configuration.search.earlyStopping = earlyStopping
        configuration.prefetch = .auto
        change(&configuration)
        return CoordinatorMachine(configuration)
    }

    func result(_ lease: LeaseRef, seconds: Double, succeeded: Bool = true) -> TaskResult {
        TaskResult(
            lease: lease, succeeded: succeeded, duration: seconds, metrics: succeeded ? ["score": 1] : [:],
            error: succeeded ? "" : "diverged")
    }

    /// Tasks sent to `a` after one result of this length, with one slot.
    func sentAfter(_ m: inout CoordinatorMachine, seconds: Double, succeeded: Bool = true) -> [LeaseRef] {
        let first = Kit.assigned(m.handle(.received(a, Kit.hello("a", slots: 1)), now: 0), to: a)
        #expect(first.count == 1, "nothing is known of the tasks yet: no prefetch")
        let reply = m.handle(
            .received(a, .results(sweepID: 77, [result(first[0], seconds: seconds, succeeded: succeeded)])), now: 1)
        return Kit.assigned(reply, to: a)
    }

    @Test func shortTasksAreQueuedToCoverARoundTrip() {
        var m = machine()
        #expect(sentAfter(&m, seconds: 0.0008).count == 4, "0.8 ms tasks: a slot and 3 beyond (2 ms, rounded up)")
        var fast = machine()
        #expect(sentAfter(&fast, seconds: 0.000_001).count == 65, "tiny tasks: at most 64 beyond the slot")
        var fifty = machine()
        #expect(sentAfter(&fifty, seconds: 0.05).count == 2, "50 ms tasks: one beyond the slot")
    }

    @Test func longTasksFailuresAndLearningSearchesGetNone() {
        var long = machine()
        #expect(sentAfter(&long, seconds: 0.2).count == 1)
        var failing = machine()
        #expect(sentAfter(&failing, seconds: 0, succeeded: false).count == 1, "an instant failure proves nothing")
        for algorithm in [SearchAlgorithm.tpe, .nsga2] {
            var learning = machine(algorithm)
            #expect(sentAfter(&learning, seconds: 0.001).count == 1, "\(algorithm) suggests from every result")
        }
        var stopping = machine(earlyStopping: .median(MedianOptions()))
        #expect(sentAfter(&stopping, seconds: 0.001).count == 1)
    }

    /// A target or a patience ends the search on a result, and a cap on trials in parallel makes
    /// the next trial wait for one: queued trials would run past the end, or wait on a busy worker.
    @Test func budgetsThatFollowResultsGetNone() {
        var target = machine { $0.search.target = 2 }  // scores are 1: never reached
        #expect(sentAfter(&target, seconds: 0.001).count == 1)
        var patience = machine { $0.search.stopAfterNoImprovement = 20 }
        #expect(sentAfter(&patience, seconds: 0.001).count == 1)
        var capped = machine { $0.maxParallelTrials = 4 }
        #expect(sentAfter(&capped, seconds: 0.001).count == 1)
        #expect(!capped.mayPrefetch && !machine(.tpe).mayPrefetch && machine().mayPrefetch)
    }

    @Test func theDepthFollowsTheTasksAsTheyChange() {
        var m = machine()
        #expect(m.prefetchDepth == 0)
        m.noteTaskSeconds(0.0005)
        #expect(m.prefetchDepth == 4)
        for _ in 0..<20 { m.noteTaskSeconds(0.5) }
        #expect(m.prefetchDepth == 0, "tasks grew long: no more queued")
    }
}
