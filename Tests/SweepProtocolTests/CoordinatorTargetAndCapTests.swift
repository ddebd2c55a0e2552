import Testing

@testable import SweepCore
@testable import SweepProtocol

/// `objective.target` ends the search once the best reaches it (running trials finish), and
/// `limits.max_parallel_trials` caps the trials with tasks queued or running.
struct CoordinatorTargetAndCapTests {
    let a = PeerID([1]), b = PeerID([2])

    func hello(_ name: String, slots: Int) -> Message { Kit.hello(name, slots: slots) }

    func assigned(_ actions: [CoordinatorMachine.Action], to peer: PeerID) -> [Assignment] {
        Kit.assignments(actions, to: peer)
    }

    func added(_ actions: [CoordinatorMachine.Action]) -> [Int] {
        actions.compactMap { if case .trialAdded(let trial) = $0 { trial.number } else { nil } }
    }

    func result(_ assignment: Assignment) -> Message {
        let score = assignment.params["x"]!.number!
        return .results(
            sweepID: 5,
            [TaskResult(lease: assignment.lease, succeeded: true, duration: 0.1, metrics: ["score": score], error: "")])
    }

    func machine(trials: Int, folds: Int, target: Double? = nil, cap: Int? = nil) -> CoordinatorMachine {
        var search = SearchDriver.Configuration.fixed(
            (0..<trials).map { Trial(number: $0, params: Params(["x": .double(Double($0) / 10)])) }, folds: folds)
        search.target = target
        return CoordinatorMachine(
            .init(
                sweepID: 5, search: search, objective: "score", maxAttempts: 2, taskTimeout: 100, maxParallelTrials: cap
            ))
    }

    @Test func theTargetEndsTheSearchAndRunningTrialsFinish() {
        var m = machine(trials: 20, folds: 1, target: 0.2)
        var running = assigned(m.handle(.received(a, hello("a", slots: 3)), now: 0), to: a)
        #expect(running.map(\.lease.trial) == [0, 1, 2])
        // Trial 2 (score 0.2) reaches the target: nothing new starts, trials 0 and 1 still count.
        let reached = m.handle(.received(a, result(running.removeLast())), now: 1)
        #expect(
            reached.contains {
                if case .searchEnded("the target (0.2) was reached by trial 2") = $0 { true } else { false }
            })
        #expect(added(reached).isEmpty && assigned(reached, to: a).isEmpty && !m.isFinished)
        _ = m.handle(.received(a, result(running.removeFirst())), now: 2)
        let last = m.handle(.received(a, result(running.removeFirst())), now: 3)
        #expect(last.contains { if case .finished = $0 { true } else { false } })
        #expect(m.succeeded == 3 && m.trials.count == 3)
    }

    @Test func theTargetCountsAcrossResume() {
        var search = SearchDriver.Configuration.fixed(
            (0..<5).map { Trial(number: $0, params: Params(["x": .double(Double($0))])) }, folds: 1, goal: .minimize)
        search.target = 1
        let counted = (0..<2).map {
            (task: TaskID(trial: $0, fold: 0), status: TaskStatus.ok, metrics: ["score": Double(3 - $0 * 2)])
        }
        let restored = CoordinatorMachine.Restored(
            trials: (0..<2).map { Trial(number: $0, params: Params(["x": .double(Double($0))])) }, counted: counted,
            attempts: [:])
        var m = CoordinatorMachine(
            .init(sweepID: 5, search: search, objective: "score", maxAttempts: 2, taskTimeout: 100), restored: restored)
        #expect(m.search.exhausted == "the target (1) was reached by trial 1", "≤ for minimize, replayed on resume")
        let actions = m.handle(.received(a, hello("a", slots: 2)), now: 0)
        #expect(added(actions).isEmpty && m.isFinished)
    }

    @Test func atMostNTrialsAreOpenAndTheirFoldsStillFillFreeSlots() {
        var m = machine(trials: 6, folds: 2, cap: 2)
        let first = m.handle(.received(a, hello("a", slots: 8)), now: 0)
        #expect(added(first) == [0, 1], "two trials open, though 8 slots are free")
        #expect(assigned(first, to: a).count == 4, "every fold of the open trials runs")
        var running = assigned(first, to: a)
        // One fold of trial 0 ends: trial 0 is still open, so nothing new starts.
        let one = m.handle(.received(a, result(running.removeFirst())), now: 1)
        #expect(added(one).isEmpty && assigned(one, to: a).isEmpty)
        // Its other fold ends: trial 0 is finished and trial 2 starts (both folds).
        let two = m.handle(.received(a, result(running.removeFirst())), now: 2)
        #expect(added(two) == [2] && assigned(two, to: a).map(\.lease.trial) == [2, 2])
    }

    @Test func aWorkerHeldBackByTheCapGetsWorkWhenATrialEndsElsewhere() {
        var m = machine(trials: 6, folds: 2, cap: 1)
        let onA = assigned(m.handle(.received(a, hello("a", slots: 1)), now: 0), to: a)
        let onB = assigned(m.handle(.received(b, hello("b", slots: 1)), now: 0), to: b)
        #expect(
            onA.map(\.lease.task) == [TaskID(trial: 0, fold: 0)] && onB.map(\.lease.task) == [TaskID(trial: 0, fold: 1)]
        )
        // a finishes first: trial 0 is still open on b, so a waits.
        #expect(assigned(m.handle(.received(a, result(onA[0])), now: 1), to: a).isEmpty)
        // b finishes trial 0: trial 1 starts, one fold on b and the other on the idle a.
        let freed = m.handle(.received(b, result(onB[0])), now: 2)
        #expect(added(freed) == [1])
        #expect(assigned(freed, to: b).map(\.lease.task) == [TaskID(trial: 1, fold: 0)])
        #expect(assigned(freed, to: a).map(\.lease.task) == [TaskID(trial: 1, fold: 1)])
    }
}
