import Testing

@testable import SweepCore
@testable import SweepProtocol

/// Issue 12 item 10: a worker whose tasks fail at once must not use up the sweep's retries, and a
/// sweep whose first attempts all fail alike stops with that reason.
struct CoordinatorHealthTests {
    let good = PeerID([1]), bad = PeerID([2]), third = PeerID([3])

    func paused(_ actions: [CoordinatorMachine.Action]) -> [String] {
        Kit.reports(actions).compactMap { if case .workerPaused(let name, _, _, _, _) = $0 { name } else { nil } }
    }

    /// Drives `bad` to fail everything it gets at once, until it gets nothing more.
    func failEverything(on peer: PeerID, _ m: inout CoordinatorMachine, first: [LeaseRef], now: Double)
        -> [CoordinatorMachine.Action]
    {
        var all: [CoordinatorMachine.Action] = []
        var next = first
        while let lease = next.first {
            let actions = m.handle(.received(peer, .results(sweepID: 77, [Kit.failure(lease, "exit 127")])), now: now)
            all += actions
            next = Kit.assigned(actions, to: peer)
        }
        return all
    }

    @Test func aRetryGoesToAnotherWorkerWhileOneCouldTakeIt() {
        var m = Kit.machine(trials: 2, folds: 1)
        let busy = Kit.assigned(m.handle(.received(good, Kit.hello("good")), now: 0), to: good)
        let mine = Kit.assigned(m.handle(.received(bad, Kit.hello("bad")), now: 0), to: bad)
        #expect(busy.count == 1 && mine.count == 1)
        let after = m.handle(.received(bad, .results(sweepID: 77, [Kit.failure(mine[0])])), now: 1)
        #expect(Kit.assigned(after, to: bad).isEmpty, "the failed task waits for the other worker")
        let freed = m.handle(.received(good, .results(sweepID: 77, [Kit.ok(busy[0])])), now: 2)
        #expect(Kit.assigned(freed, to: good) == [LeaseRef(trial: 1, fold: 0, attempt: 2)])
    }

    /// The field report: 14 of 20 tasks "no attempts left" in 2 s beside a healthy worker.
    @Test func aWorkerFailingWhereOthersSucceedIsPausedAndItsFailuresRefunded() {
        var m = Kit.machine(trials: 10, folds: 2, maxAttempts: 2)
        var running = Kit.assigned(m.handle(.received(good, Kit.hello("good")), now: 0), to: good)
        let first = Kit.assigned(m.handle(.received(bad, Kit.hello("bad")), now: 0), to: bad)
        var actions = failEverything(on: bad, &m, first: first, now: 1)
        #expect(Kit.records(actions).isEmpty, "no task failed: each failed once, on one worker")
        #expect(paused(actions).isEmpty, "no success anywhere yet: nothing says it is the worker's fault")
        // The healthy worker succeeds: the failing worker is paused and its failures refunded.
        var now = 2.0
        while let lease = running.first {
            actions = m.handle(.received(good, .results(sweepID: 77, [Kit.ok(lease)])), now: now)
            if now == 2 { #expect(paused(actions) == ["bad"]) }
            running = Kit.assigned(actions, to: good)
            now += 1
        }
        #expect(m.succeeded == 20 && m.failed == 0)
        #expect(m.pausedWorkers(now: 10).map(\.name) == ["bad"])
        #expect(m.pausedWorkers(now: 40).isEmpty, "a pause ends (30 s the first time)")
    }

    @Test func aPausedWorkerTakesNoTasksUntilItsPauseEnds() {
        var m = Kit.machine(trials: 10, folds: 1)
        let busy = Kit.assigned(m.handle(.received(good, Kit.hello("good")), now: 0), to: good)
        _ = m.handle(.received(good, .results(sweepID: 77, [Kit.ok(busy[0])])), now: 0)
        let first = Kit.assigned(m.handle(.received(bad, Kit.hello("bad")), now: 1), to: bad)
        let actions = failEverything(on: bad, &m, first: first, now: 1)
        #expect(paused(actions) == ["bad"], "three failures in a row while another worker succeeds")
        #expect(m.nextWake <= 31)
        _ = m.handle(.received(good, .heartbeat), now: 30.9)
        _ = m.handle(.received(bad, .heartbeat), now: 30.9)
        let resumed = m.handle(.tick, now: 31)
        #expect(!Kit.assigned(resumed, to: bad).isEmpty, "its pause is over")
    }

    @Test func theSweepFailsFastWhenItsFirstAttemptsAllFailAlike() {
        var m = Kit.machine(trials: 10, folds: 2, maxAttempts: 3)
        let first = Kit.assigned(m.handle(.received(bad, Kit.hello("bad", slots: 1)), now: 0), to: bad)
        let actions = failEverything(on: bad, &m, first: first, now: 1)
        let stops = Kit.reports(actions).compactMap { if case .failedFast(let reason) = $0 { reason } else { nil } }
        #expect(stops.count == 1)
        #expect(stops.first?.contains("the first 5 attempts all failed the same way") == true)
        #expect(stops.first?.hasSuffix(": exit 127") == true)
        #expect(m.isFinished && m.failedFast != nil)
        #expect(m.failed == 1, "one task used its three attempts; the rest stay unrecorded for resume")
    }

    @Test func oneWorkersFailuresWhileAnotherHasNotTriedAreNotTheSweeps() {
        var m = Kit.machine(trials: 10, folds: 2, maxAttempts: 3)
        _ = m.handle(.received(good, Kit.hello("good")), now: 0)  // busy with its first task
        let first = Kit.assigned(m.handle(.received(bad, Kit.hello("bad")), now: 0), to: bad)
        _ = failEverything(on: bad, &m, first: first, now: 1)
        #expect(m.failedFast == nil && !m.isFinished)
    }

    /// The known defect: a lone worker that cannot start the program burned every task's attempts.
    @Test func aLoneWorkerThatCannotRunTheTrainerBurnsNoAttempts() {
        var m = Kit.machine(trials: 10, folds: 2, maxAttempts: 2)
        var next = Kit.assigned(m.handle(.received(bad, Kit.hello("bad")), now: 0), to: bad)
        var all: [CoordinatorMachine.Action] = []
        let error = CommandProblem.notFound(program: "python3", worker: "bad", searched: .path("/bin")).description
        while let lease = next.first {
            let actions = m.handle(.received(bad, .results(sweepID: 77, [Kit.failure(lease, error)])), now: 1)
            all += actions
            next = Kit.assigned(actions, to: bad)
        }
        #expect(Kit.records(all).isEmpty, "no task is failed for a worker's missing program")
        #expect(m.failedFast?.contains("command not found: 'python3'") == true)
    }
}

/// Worker health: what must not pause a worker, and what must not spin.
struct CoordinatorHealthBoundsTests {
    let a = PeerID([1]), b = PeerID([2])

    func paused(_ actions: [CoordinatorMachine.Action]) -> [String] {
        Kit.reports(actions).compactMap { if case .workerPaused(let name, _, _, _, _) = $0 { name } else { nil } }
    }

    /// A region of the space where the trainer fails on every worker is the tasks' problem.
    @Test func failuresSpreadOverEveryWorkerPauseNone() {
        var m = Kit.machine(trials: 20, folds: 1, maxAttempts: 1)
        var leaseA = Kit.assigned(m.handle(.received(a, Kit.hello("a")), now: 0), to: a)
        var leaseB = Kit.assigned(m.handle(.received(b, Kit.hello("b")), now: 0), to: b)
        var all: [CoordinatorMachine.Action] = []
        leaseA = Kit.assigned(m.handle(.received(a, .results(sweepID: 77, [Kit.ok(leaseA[0])])), now: 1), to: a)
        leaseB = Kit.assigned(m.handle(.received(b, .results(sweepID: 77, [Kit.ok(leaseB[0])])), now: 1), to: b)
        for step in 0..<4 {
            var actions = m.handle(.received(a, .results(sweepID: 77, [Kit.failure(leaseA[0])])), now: 2 + Double(step))
            leaseA = Kit.assigned(actions, to: a)
            all += actions
            actions = m.handle(.received(b, .results(sweepID: 77, [Kit.failure(leaseB[0])])), now: 2 + Double(step))
            leaseB = Kit.assigned(actions, to: b)
            all += actions
        }
        #expect(paused(all).isEmpty)
        #expect(m.failed == 8)
    }

    /// A worker that cannot start the program, left alone after others succeeded, must not spin
    /// on free retries: it is paused.
    @Test func aLoneWorkerThatCannotStartTheProgramAfterSuccessesIsPaused() {
        var m = Kit.machine(trials: 10, folds: 1)
        let first = Kit.assigned(m.handle(.received(a, Kit.hello("a")), now: 0), to: a)
        _ = m.handle(.received(a, .results(sweepID: 77, [Kit.ok(first[0])])), now: 1)
        _ = m.handle(.received(a, .goodbye), now: 2)
        let error = CommandProblem.notFound(program: "python3", worker: "b", searched: .path("/bin")).description
        var next = Kit.assigned(m.handle(.received(b, Kit.hello("b")), now: 3), to: b)
        var all: [CoordinatorMachine.Action] = []
        var rounds = 0
        while let lease = next.first, rounds < 100 {
            let actions = m.handle(.received(b, .results(sweepID: 77, [Kit.failure(lease, error)])), now: 4)
            all += actions
            next = Kit.assigned(actions, to: b)
            rounds += 1
        }
        #expect(rounds == 5 && paused(all) == ["b"])
        #expect(Kit.records(all).isEmpty && m.failedFast == nil)
    }
}
