import Testing

@testable import SweepCore
@testable import SweepProtocol

/// Issue 12: leases lost with their workers, workers of an earlier sweep, names as identities,
/// cancelled leases that never end, and the search's time across resumes.
struct CoordinatorLossTests {
    let a = PeerID([1]), b = PeerID([2]), c = PeerID([3])

    /// Item 4: two worker deaths and one genuine failure used to leave "no attempts left".
    @Test func aLeaseLostWithItsWorkerDoesNotUseAnAttempt() {
        var m = Kit.machine(trials: 1, folds: 1, maxAttempts: 2)
        let first = Kit.assigned(m.handle(.received(a, Kit.hello("a")), now: 0), to: a)
        #expect(first.count == 1)
        _ = m.handle(.unreachable(a), now: 1)
        let second = Kit.assigned(m.handle(.received(b, Kit.hello("b")), now: 2), to: b)
        _ = m.handle(.received(b, .goodbye), now: 3)
        let third = Kit.assigned(m.handle(.received(c, Kit.hello("c")), now: 4), to: c)
        #expect(second.count == 1 && third.count == 1)
        let failed = m.handle(.received(c, .results(sweepID: 77, [Kit.failure(third[0])])), now: 5)
        #expect(Kit.records(failed).isEmpty, "one failure of two allowed: the task is retried")
        #expect(Kit.assigned(failed, to: c).map(\.attempt) == [4])
        #expect(m.lostLeases == 2)
    }

    @Test func aTaskThatIsLostWithEveryWorkerItLandsOnEndsAfterMaxLost() throws {
        var m = Kit.machine(trials: 1, folds: 1, maxLost: 2)
        _ = m.handle(.received(a, Kit.hello("a")), now: 0)
        _ = m.handle(.unreachable(a), now: 1)
        _ = m.handle(.received(b, Kit.hello("b")), now: 2)
        let actions = m.handle(.unreachable(b), now: 3)
        let record = try #require(Kit.records(actions).first)
        #expect(record.status == .failed)
        #expect(record.error == "lost with its worker 2 times (limits.max_lost)")
        #expect(m.endedTasks == 1)
    }

    /// Item 3: leases of another sweep a worker names in HELLO must not take this sweep's slots.
    @Test func leasesOfAnotherSweepInAHelloDoNotTakeSlots() {
        var m = Kit.machine()
        let old = LeaseRef(trial: 0, fold: 0, attempt: 1)
        let actions = m.handle(.received(a, Kit.hello("a", running: [old], cached: 55)), now: 0)
        #expect(Kit.assigned(actions, to: a) == [LeaseRef(trial: 0, fold: 0, attempt: 1)])
        // This sweep's own leases (a coordinator that restarted) still keep the slot busy.
        var resumed = Kit.machine()
        let own = resumed.handle(.received(a, Kit.hello("a", running: [old], cached: 77)), now: 0)
        #expect(Kit.assigned(own, to: a).isEmpty)
    }

    /// Item 7: two live workers with one name evicted each other over and over.
    @Test func aSecondLiveWorkerWithATakenNameIsRefused() {
        var m = Kit.machine()
        _ = m.handle(.received(a, Kit.hello("w", id: "w@h1")), now: 0)
        let actions = m.handle(.received(b, Kit.hello("w", id: "w@h2")), now: 1)
        #expect(!Kit.welcomed(actions, b))
        #expect(Kit.rejected(actions, to: b)?.contains("worker name 'w' is in use by a live worker") == true)
        #expect(m.workerCount == 1 && m.runningTasks == 1)
    }

    @Test func aRestartedWorkerSupersedesItsOldIncarnationButALiveDuplicateIsRefused() {
        var m = Kit.machine()
        _ = m.handle(.received(a, Kit.hello("w", incarnation: 1)), now: 0)
        let restart = m.handle(.received(b, Kit.hello("w", incarnation: 2)), now: 1)
        #expect(Kit.welcomed(restart, b))
        #expect(Kit.assigned(restart, to: b).count == 1, "the old incarnation's lease goes to the new one at once")
        // The old incarnation speaks again: it was alive, a second process with the same name.
        let heard = m.handle(.received(a, .heartbeat), now: 2)
        #expect(heard.contains { if case .send(a, .reregister) = $0 { true } else { false } })
        let again = m.handle(.received(a, Kit.hello("w", incarnation: 1)), now: 2)
        #expect(!Kit.welcomed(again, a))
        #expect(Kit.rejected(again, to: a)?.contains("in use by another live worker process") == true)
        #expect(m.workerCount == 1)
        // Once the live one is gone, the refused one may join.
        _ = m.handle(.unreachable(b), now: 3)
        #expect(Kit.welcomed(m.handle(.received(a, Kit.hello("w", incarnation: 1)), now: 4), a))
    }

    /// A cancelled lease whose worker never answers (a trainer in D state) blocked the sweep's end.
    @Test func aCancelledLeaseThatNeverEndsIsAbandonedAfterTheGrace() {
        var m = Kit.machine(trials: 1, folds: 2, cancelGrace: 10)
        _ = m.handle(.received(a, Kit.hello("a", slots: 2)), now: 0)
        var actions: [CoordinatorMachine.Action] = []
        m.stop(StopDecision(trial: 0, rule: .median, fold: 0, step: 1, reason: "worse"), now: 1, into: &actions)
        #expect(m.endedTasks == 2 && m.runningTasks == 2)
        _ = m.handle(.received(a, .heartbeat), now: 4.9)
        _ = m.handle(.tick, now: 5)
        #expect(!m.isFinished, "cancelled leases are awaited for the grace period")
        #expect(m.nextWake <= 11)
        _ = m.handle(.received(a, .heartbeat), now: 10.9)
        let late = m.handle(.tick, now: 11)
        #expect(Kit.reports(late).filter { if case .leaseAbandoned = $0 { true } else { false } }.count == 2)
        #expect(m.isFinished && m.lostLeases == 2)
    }

    /// `search.time_limit` restarted on resume: the earlier runs' time counts.
    @Test func theTimeLimitCountsTheSearchTimeOfEarlierRuns() {
        var search = SearchDriver.Configuration(
            space: [Dimension(name: "x", kind: .uniform(0, 1))], algorithm: .random, seed: 3, timeLimit: 60, folds: 1)
        search.trials = nil
        let restored = CoordinatorMachine.Restored(trials: [], counted: [], attempts: [:], searchSeconds: 50)
        var m = CoordinatorMachine(
            .init(sweepID: 5, search: search, objective: "score", maxAttempts: 2, taskTimeout: 100), restored: restored)
        let started = Kit.assigned(m.handle(.received(a, Kit.hello("a")), now: 1000), to: a)
        #expect(started.count == 1)
        #expect(m.search.timeLimitDeadline == 1010)
        let after = m.handle(.received(a, .results(sweepID: 5, [Kit.ok(started[0])])), now: 1011)
        #expect(Kit.assigned(after, to: a).isEmpty)
        #expect(after.contains { if case .searchEnded = $0 { true } else { false } })
    }
}
