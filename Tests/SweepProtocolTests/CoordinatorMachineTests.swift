import Testing

@testable import SweepCore
@testable import SweepProtocol

/// The coordinator's decisions under synthetic time: no sockets, no sleeps.
struct CoordinatorMachineTests {
    let a = PeerID([1]), b = PeerID([2])

    func machine(trials: Int = 3, folds: Int = 2, maxAttempts: Int = 3, timeout: Double = 100) -> CoordinatorMachine {
        CoordinatorMachine(
            .init(
                sweepID: 77, trials: (0..<trials).map { Trial(number: $0, params: Params(["x": .int($0)])) },
                folds: folds, maxAttempts: maxAttempts, taskTimeout: timeout, heartbeatInterval: 1))
    }

    func hello(_ name: String, slots: Int, running: [LeaseRef] = [], cached: UInt64 = 0) -> Message {
        .hello(
            Hello(
                workerID: name, incarnation: 1, name: name, host: "h", slots: slots, cachedSweep: cached,
                running: running))
    }

    /// The tasks sent in WORK messages to a peer.
    func assigned(_ actions: [CoordinatorMachine.Action], to peer: PeerID) -> [LeaseRef] {
        actions.flatMap { action -> [LeaseRef] in
            if case .send(peer, .work(_, _, let tasks)) = action { return tasks.map(\.lease) }
            return []
        }
    }

    func acks(_ actions: [CoordinatorMachine.Action], to peer: PeerID) -> [LeaseRef] {
        actions.flatMap { action -> [LeaseRef] in
            if case .send(peer, .work(_, let acks, _)) = action { return acks }
            return []
        }
    }

    func records(_ actions: [CoordinatorMachine.Action]) -> [TaskRecord] {
        actions.compactMap { if case .record(let record) = $0 { return record } else { return nil } }
    }

    func ok(_ lease: LeaseRef, score: Double = 1) -> TaskResult {
        TaskResult(lease: lease, succeeded: true, duration: 0.1, metrics: ["score": score], error: "")
    }

    func failure(_ lease: LeaseRef) -> TaskResult {
        TaskResult(lease: lease, succeeded: false, duration: 0.1, metrics: [:], error: "diverged")
    }

    @Test func helloGetsWelcomeSetupAndNoMoreTasksThanSlots() {
        var m = machine()
        let actions = m.handle(.received(a, hello("a", slots: 2)), now: 0)
        guard case .send(a, .welcome(77, 1000)) = actions[1] else {
            Issue.record("expected welcome, got \(actions)"); return
        }
        guard case .sendSetup(a) = actions[2] else { Issue.record("expected setup, got \(actions)"); return }
        #expect(
            assigned(actions, to: a) == [
                LeaseRef(trial: 0, fold: 0, attempt: 1), LeaseRef(trial: 0, fold: 1, attempt: 1),
            ])
        #expect(m.runningTasks == 2)
    }

    @Test func workersThatHoldTheSetupDoNotGetItAgain() {
        var m = machine()
        let actions = m.handle(.received(a, hello("a", slots: 1, cached: 77)), now: 0)
        #expect(!actions.contains { if case .sendSetup = $0 { true } else { false } })
    }

    @Test func aResultIsCountedOnceAcknowledgedAndTheSlotRefilled() {
        var m = machine()
        let first = assigned(m.handle(.received(a, hello("a", slots: 1)), now: 0), to: a)[0]
        let actions = m.handle(.received(a, .results(sweepID: 77, [ok(first)])), now: 1)
        #expect(records(actions).map(\.task) == [first.task])
        #expect(acks(actions, to: a) == [first])
        #expect(assigned(actions, to: a) == [LeaseRef(trial: 0, fold: 1, attempt: 1)])
        // The same result again (e.g. resent after a reconnect) is acknowledged, not counted.
        let again = m.handle(.received(a, .results(sweepID: 77, [ok(first)])), now: 2)
        #expect(records(again).isEmpty)
        #expect(acks(again, to: a) == [first])
        #expect(m.succeeded == 1)
    }

    @Test func aSilentWorkerIsDroppedAndItsTasksGoToTheNextWorkerFirst() {
        var m = machine()
        let leased = assigned(m.handle(.received(a, hello("a", slots: 2)), now: 0), to: a)
        _ = m.handle(.received(b, hello("b", slots: 1)), now: 0.5)
        // b keeps talking; a says nothing for more than 3 intervals.
        _ = m.handle(.received(b, .heartbeat), now: 3.0)
        let before = m.handle(.tick, now: 2.9)
        #expect(!before.contains { if case .report(.workerLost) = $0 { true } else { false } })
        let actions = m.handle(.tick, now: 3.2)
        #expect(
            actions.contains {
                if case .report(.workerLost(name: "a", host: "h", requeued: 2, reason: _)) = $0 { true } else { false }
            })
        // b's slot is busy; when it frees, the re-queued task comes first, as attempt 2.
        let bLease = LeaseRef(trial: 1, fold: 0, attempt: 1)
        let next = m.handle(.received(b, .results(sweepID: 77, [ok(bLease)])), now: 3.3)
        #expect(assigned(next, to: b) == [LeaseRef(leased[0].task, attempt: 2)])
    }

    @Test func aLateResultFromADroppedLeaseStillCountsIfTheTaskHasNone() {
        var m = machine(trials: 1, folds: 1)
        let lease = assigned(m.handle(.received(a, hello("a", slots: 1)), now: 0), to: a)[0]
        _ = m.handle(.tick, now: 10)  // a dropped; task re-queued
        // a comes back (same incarnation, new connection) still running the task, and reports it.
        _ = m.handle(
            .received(
                b,
                .hello(
                    Hello(
                        workerID: "a", incarnation: 1, name: "a", host: "h", slots: 1, cachedSweep: 77, running: [lease]
                    ))), now: 11)
        let actions = m.handle(.received(b, .results(sweepID: 77, [ok(lease)])), now: 12)
        #expect(records(actions).count == 1)
        #expect(actions.contains { if case .finished = $0 { true } else { false } })
    }

    @Test func failuresAreRetriedThenTheTaskFails() {
        var m = machine(trials: 1, folds: 1, maxAttempts: 2)
        let first = assigned(m.handle(.received(a, hello("a", slots: 1)), now: 0), to: a)[0]
        let retry = m.handle(.received(a, .results(sweepID: 77, [failure(first)])), now: 1)
        #expect(records(retry).isEmpty)
        let second = assigned(retry, to: a)
        #expect(second == [LeaseRef(trial: 0, fold: 0, attempt: 2)])
        let final = m.handle(.received(a, .results(sweepID: 77, [failure(second[0])])), now: 2)
        #expect(records(final).map(\.status) == [.failed])
        #expect(records(final).first?.error == "diverged")
        #expect(m.failed == 1 && m.isFinished)
        #expect(final.contains { if case .send(a, .sweepDone(77)) = $0 { true } else { false } })
    }

    @Test func aTaskPastItsTimeoutIsAFailedAttempt() {
        var m = machine(trials: 1, folds: 1, maxAttempts: 1, timeout: 5)
        _ = m.handle(.received(a, hello("a", slots: 2)), now: 0)
        _ = m.handle(.received(a, .heartbeat), now: 4)
        var actions = m.handle(.tick, now: 4.9)
        #expect(records(actions).isEmpty)
        _ = m.handle(.received(a, .heartbeat), now: 5.0)
        actions = m.handle(.tick, now: 5.1)
        #expect(records(actions).first?.error?.contains("timed out after 5 s") == true)
    }

    @Test func unknownPeersAreAskedToRegisterAndTheirResultsWait() {
        var m = machine()
        let actions = m.handle(
            .received(a, .results(sweepID: 77, [ok(LeaseRef(trial: 0, fold: 0, attempt: 1))])), now: 0)
        #expect(records(actions).isEmpty)
        guard case .send(a, .reregister) = actions.first else {
            Issue.record("expected reregister, got \(actions)"); return
        }
    }

    @Test func aWorkerJoiningMidSweepGetsTasksAtOnce() {
        var m = machine(trials: 5)
        _ = m.handle(.received(a, hello("a", slots: 1)), now: 0)
        let actions = m.handle(.received(b, hello("b", slots: 3)), now: 1)
        #expect(assigned(actions, to: b).count == 3)
    }

    func heartbeats(_ actions: [CoordinatorMachine.Action]) -> [PeerID] {
        actions.compactMap { if case .send(let peer, .heartbeat) = $0 { peer } else { nil } }
    }

    @Test func heartbeatsGoToQuietWorkersWhenTheMachineAsksToBeWoken() {
        var m = machine()
        _ = m.handle(.received(a, hello("a", slots: 1)), now: 0)  // welcome and work: a heard from us at 0
        #expect(heartbeats(m.handle(.tick, now: 0.4)).isEmpty, "sent to within half an interval")
        #expect(m.nextWake == 1.0, "a's heartbeat is due one interval after the last send")
        #expect(heartbeats(m.handle(.tick, now: 0.7)).isEmpty, "nothing is due before the wake time")
        #expect(heartbeats(m.handle(.tick, now: m.nextWake)) == [a])
        _ = m.handle(.received(a, .heartbeat), now: 1.5)
        #expect(m.nextWake == 2.0)
    }

    @Test func anIdleCoordinatorSleepsUntilItsNextTimer() {
        var m = machine(trials: 1)  // 2 tasks, 100 s timeout
        _ = m.handle(.tick, now: 0)
        #expect(m.nextWake == .infinity, "no workers, no leases: nothing to wake for")
        _ = m.handle(.received(a, hello("a", slots: 2)), now: 1)
        #expect(m.nextWake <= 1.5, "a new worker's heartbeat is soon due")
        _ = m.handle(.received(a, .heartbeat), now: 3.5)
        _ = m.handle(.tick, now: 3.5)
        #expect(m.nextWake == 4.5, "the next heartbeat to a: one interval after the last send")
        // a falls silent: each wake sends a heartbeat until its silence reaches 3 intervals.
        var dropped = false
        for _ in 0..<5 where !dropped {
            dropped = m.handle(.tick, now: m.nextWake).contains {
                if case .report(.workerLost) = $0 { true } else { false }
            }
        }
        #expect(dropped && m.workerCount == 0)
    }

    @Test func drainingWorkerGetsNoNewTasksAndGoodbyeRequeues() {
        var m = machine()
        let leased = assigned(m.handle(.received(a, hello("a", slots: 1)), now: 0), to: a)
        // Draining: hello with no slots, still running its lease.
        let drained = m.handle(.received(a, hello("a", slots: 0, running: leased, cached: 77)), now: 1)
        #expect(assigned(drained, to: a).isEmpty)
        let done = m.handle(.received(a, .results(sweepID: 77, [ok(leased[0])])), now: 2)
        #expect(assigned(done, to: a).isEmpty)
        #expect(records(done).count == 1)
        let bye = m.handle(.received(a, .goodbye), now: 3)
        #expect(
            bye.contains {
                if case .report(.workerLeft(name: "a", host: "h", requeued: 0)) = $0 { true } else { false }
            })
        #expect(m.workerCount == 0)
    }

    @Test func malformedMessagesAreReportedAndAnswered() {
        var m = machine()
        let actions = m.handle(.malformed(a, DecodeError("bad magic")), now: 0)
        guard case .send(a, .rejected(let reason)) = actions.last else { Issue.record("expected rejected"); return }
        #expect(reason.contains("bad magic"))
    }

    @Test func everyTaskIsCountedExactlyOnceUnderRandomLossAndDuplication() {
        // A seeded storm: workers come and go, results are duplicated; counting stays exact.
        var generator = SeededGenerator(seed: 5)
        var m = machine(trials: 20, folds: 3, maxAttempts: 50)
        var now = 0.0
        var held: [PeerID: [LeaseRef]] = [:]
        var counted: [TaskID: Int] = [:]
        let peers = (1...4).map { PeerID([UInt8($0)]) }
        func apply(_ actions: [CoordinatorMachine.Action]) {
            for action in actions {
                switch action {
                case .send(let peer, .work(_, _, let tasks)): held[peer, default: []] += tasks.map(\.lease)
                case .record(let record): counted[record.task, default: 0] += 1
                default: break
                }
            }
        }
        for (index, peer) in peers.enumerated() {
            apply(m.handle(.received(peer, hello("w\(index)", slots: 2)), now: now))
        }
        var steps = 0
        while !m.isFinished && steps < 10_000 {
            steps += 1
            now += 0.1
            let peer = peers[Int(generator.next() % 4)]
            switch generator.next() % 10 {
            case 0:  // the worker vanishes; it returns later as a new incarnation
                held[peer] = []
                apply(m.handle(.unreachable(peer), now: now))
                apply(
                    m.handle(
                        .received(
                            peer,
                            .hello(
                                Hello(
                                    workerID: "\(peer)", incarnation: generator.next(), name: "n", host: "h", slots: 2,
                                    cachedSweep: 77, running: []))), now: now))
            case 1, 2:  // report one result twice
                if let lease = held[peer]?.popLast() {
                    apply(m.handle(.received(peer, .results(sweepID: 77, [ok(lease)])), now: now))
                    apply(m.handle(.received(peer, .results(sweepID: 77, [ok(lease)])), now: now))
                }
            default:
                if let lease = held[peer]?.popLast() {
                    let result = generator.next() % 5 == 0 ? failure(lease) : ok(lease)
                    apply(m.handle(.received(peer, .results(sweepID: 77, [result])), now: now))
                }
            }
            apply(m.handle(.tick, now: now))
            for other in peers { apply(m.handle(.received(other, .heartbeat), now: now)) }
        }
        #expect(m.isFinished)
        #expect(counted.count == 60)
        #expect(counted.values.allSatisfy { $0 == 1 })
    }

    @Test func aWorkerThatCannotStartTheProgramGetsNoMoreTasksWhileAnotherCan() {
        var m = machine(trials: 3, folds: 2)
        let first = assigned(m.handle(.received(a, hello("a", slots: 1)), now: 0), to: a)
        _ = m.handle(.received(b, hello("b", slots: 1)), now: 0.1)
        let notFound = CommandProblem.notFound(program: "python9", worker: "a", searched: .path("/usr/bin")).description
        let failed = m.handle(
            .received(
                a,
                .results(
                    sweepID: 77,
                    [
                        TaskResult(
                            lease: first[0], succeeded: false, duration: 0,
                            metrics: [:], error: notFound)
                    ])), now: 1)
        #expect(
            failed.contains { if case .report(.workerCannotRunTrainer(name: "a", _, _)) = $0 { true } else { false } })
        #expect(assigned(failed, to: a).isEmpty, "not retried on the worker that cannot start it")
        // b finishes its task: the re-queued one goes to b, and a still gets nothing.
        let bTask = m.leases.keys.first { m.leases[$0]!.peer == b }!
        let next = m.handle(
            .received(
                b,
                .results(
                    sweepID: 77,
                    [
                        TaskResult(
                            lease: bTask, succeeded: true, duration: 1,
                            metrics: ["score": 1], error: "")
                    ])), now: 2)
        #expect(assigned(next, to: b) == [LeaseRef(first[0].task, attempt: 2)])
        #expect(m.workers[a]!.leases.isEmpty)
        // With b gone, nobody can run it better: a gets tasks again (and their failures use up attempts).
        let afterGoodbye = m.handle(.received(b, .goodbye), now: 3)
        #expect(!assigned(afterGoodbye, to: a).isEmpty)
    }
}
