import Testing

@testable import SweepCore
@testable import SweepProtocol

struct WorkerMachineTests {
    let identity = WorkerMachine.Identity(workerID: "w@h", incarnation: 9, name: "w", host: "h", slots: 2)
    let lease = LeaseRef(trial: 1, fold: 0, attempt: 1)

    func sent(_ actions: [WorkerMachine.Action]) -> [Message] {
        actions.compactMap { if case .send(let message) = $0 { return message } else { return nil } }
    }

    func registered() -> WorkerMachine {
        var m = WorkerMachine(identity)
        _ = m.handle(.started, now: 0)
        _ = m.handle(.received(.welcome(sweepID: 5, heartbeatMilliseconds: 1000)), now: 0.1)
        return m
    }

    @Test func saysHelloUntilWelcomed() {
        var m = WorkerMachine(identity)
        guard case .hello(let hello) = sent(m.handle(.started, now: 0)).first else { Issue.record("no hello"); return }
        #expect(hello.slots == 2 && hello.incarnation == 9)
        #expect(sent(m.handle(.tick, now: 0.005)).isEmpty)
        let first = m.nextWake
        #expect(first >= 0.01 && first < 0.015, "the first retry after 10 ms, up to half again as jitter")
        #expect(sent(m.handle(.tick, now: first - 0.0001)).isEmpty)
        #expect(sent(m.handle(.tick, now: first)).count == 1, "HELLO repeats while connecting")
        #expect(sent(m.handle(.tick, now: first + 0.015)).isEmpty, "then backs off")
        let second = m.nextWake
        #expect(second - first >= 0.02 && second - first < 0.03)
        #expect(sent(m.handle(.tick, now: second)).count == 1)
        _ = m.handle(.received(.welcome(sweepID: 5, heartbeatMilliseconds: 1000)), now: 0.2)
        #expect(m.isRegistered)
        #expect(sent(m.handle(.tick, now: 0.3)).isEmpty)
    }

    /// HELLOs before the connection was up were dropped locally: the handshake says HELLO at once.
    @Test func aCompletedHandshakeSaysHelloAtOnceWhileConnecting() {
        var m = WorkerMachine(identity)
        _ = m.handle(.started, now: 0)
        for _ in 0..<6 { _ = m.handle(.tick, now: m.nextWake) }
        #expect(m.nextWake > 0.6, "backed off")
        guard case .hello = sent(m.handle(.handshakeSucceeded, now: 0.65)).first else {
            Issue.record("no hello on the handshake"); return
        }
        _ = m.handle(.received(.welcome(sweepID: 5, heartbeatMilliseconds: 1000)), now: 0.66)
        #expect(sent(m.handle(.handshakeSucceeded, now: 0.7)).isEmpty, "registered: nothing to say")
    }

    /// A thousand workers started together do not say HELLO again in step (no herd of retries).
    @Test func helloRetriesOfWorkersStartedTogetherAreSpread() {
        var retries: [Double] = []
        for index in 0..<1000 {
            var m = WorkerMachine(
                .init(workerID: "sim-\(index)", incarnation: 42, name: "sim-\(index)", host: "h", slots: 1))
            _ = m.handle(.started, now: 0)
            for _ in 0..<4 { _ = m.handle(.tick, now: m.nextWake) }
            retries.append(m.nextWake)
        }
        // Four retries in, base waits 10+20+40+80 ms; each took 1 to 1.5 times its base.
        #expect(retries.allSatisfy { $0 >= 0.15 && $0 < 0.15 * 1.5 + 0.16 * 1.5 })
        let buckets = Dictionary(grouping: retries) { Int($0 * 1000) }
        #expect(buckets.values.map(\.count).max()! < 50, "no millisecond holds 5% of the retries")
        #expect(Set(retries).count > 900)
    }

    @Test func runsAssignedTasksAndKeepsResultsUntilAcknowledged() {
        var m = registered()
        let task = Assignment(lease: lease, params: Params([:]))
        let run = m.handle(.received(.work(sweepID: 5, acks: [], tasks: [task])), now: 1)
        #expect(run.contains { if case .run(task, 5) = $0 { true } else { false } })
        // The same assignment again (a duplicate) is not run twice.
        #expect(
            !m.handle(.received(.work(sweepID: 5, acks: [], tasks: [task])), now: 1.1).contains {
                if case .run = $0 { true } else { false }
            })
        let result = TaskResult(lease: lease, succeeded: true, duration: 1, metrics: ["a": 1], error: "")
        guard case .results(5, let results) = sent(m.handle(.finished([result]), now: 2)).first else {
            Issue.record("no results"); return
        }
        #expect(results == [result])
        #expect(m.unacknowledgedCount == 1)
        _ = m.handle(.received(.work(sweepID: 5, acks: [lease], tasks: [])), now: 2.1)
        #expect(m.unacknowledgedCount == 0)
    }

    @Test func aSilentCoordinatorMeansReconnectAndResendAfterWelcome() {
        var m = registered()
        _ = m.handle(
            .received(.work(sweepID: 5, acks: [], tasks: [Assignment(lease: lease, params: Params([:]))])), now: 1)
        let result = TaskResult(lease: lease, succeeded: true, duration: 1, metrics: [:], error: "")
        _ = m.handle(.finished([result]), now: 1.5)
        _ = m.handle(.tick, now: 2.6)  // heartbeats only
        let actions = m.handle(.tick, now: 4.2)
        #expect(actions.contains { if case .reconnect = $0 { true } else { false } })
        #expect(sent(actions).contains { if case .hello = $0 { true } else { false } })
        let welcome = m.handle(.received(.welcome(sweepID: 5, heartbeatMilliseconds: 1000)), now: 5)
        guard case .results(5, let resent) = sent(welcome).first else { Issue.record("result not resent"); return }
        #expect(resent == [result])
    }

    /// Two HELLOs said while connecting get two WELCOMEs: the second does not send again what
    /// went after the first (the coordinator would record every such result as a duplicate).
    @Test func aSecondWelcomeDoesNotSendResultsAgain() {
        var m = registered()
        _ = m.handle(
            .received(.work(sweepID: 5, acks: [], tasks: [Assignment(lease: lease, params: Params([:]))])), now: 1)
        let result = TaskResult(lease: lease, succeeded: true, duration: 1, metrics: [:], error: "")
        guard case .results = sent(m.handle(.finished([result]), now: 1.5)).first else {
            Issue.record("the result was not sent"); return
        }
        let again = m.handle(.received(.welcome(sweepID: 5, heartbeatMilliseconds: 1000)), now: 1.6)
        #expect(!sent(again).contains { if case .results = $0 { true } else { false } })
        #expect(m.unacknowledgedCount == 1, "still kept until acknowledged")
    }

    @Test func resultsOfAnotherSweepAreDroppedOnWelcome() {
        var m = registered()
        _ = m.handle(
            .received(.work(sweepID: 5, acks: [], tasks: [Assignment(lease: lease, params: Params([:]))])), now: 1)
        _ = m.handle(.received(.reregister), now: 1.1)
        _ = m.handle(
            .finished([TaskResult(lease: lease, succeeded: true, duration: 1, metrics: [:], error: "")]), now: 1.2)
        let welcome = m.handle(.received(.welcome(sweepID: 6, heartbeatMilliseconds: 1000)), now: 2)
        #expect(!sent(welcome).contains { if case .results = $0 { true } else { false } })
        #expect(m.unacknowledgedCount == 0)
    }

    @Test func drainFinishesRunningWorkThenSaysGoodbye() {
        var m = registered()
        _ = m.handle(
            .received(.work(sweepID: 5, acks: [], tasks: [Assignment(lease: lease, params: Params([:]))])), now: 1)
        let drain = m.handle(.drain, now: 2)
        guard case .hello(let hello) = sent(drain).first else { Issue.record("no hello on drain"); return }
        #expect(hello.slots == 0 && hello.running == [lease])
        #expect(!drain.contains { if case .exit = $0 { true } else { false } })
        _ = m.handle(
            .finished([TaskResult(lease: lease, succeeded: true, duration: 1, metrics: [:], error: "")]), now: 3)
        let acked = m.handle(.received(.work(sweepID: 5, acks: [lease], tasks: [])), now: 3.1)
        #expect(sent(acked).contains { if case .goodbye = $0 { true } else { false } })
        #expect(acked.contains { if case .exit = $0 { true } else { false } })
    }

    @Test func answersSweepDoneSoTheCoordinatorKnowsItsLastMessagesArrived() {
        var m = registered()
        let actions = m.handle(.received(.sweepDone(sweepID: 5)), now: 1)
        #expect(sent(actions).contains { if case .heartbeat = $0 { true } else { false } })
    }
}

extension WorkerMachineTests {
    @Test func drainingWithoutACoordinatorDoesNotWaitForeverForAcknowledgements() {
        var m = registered()
        _ = m.handle(
            .received(.work(sweepID: 5, acks: [], tasks: [Assignment(lease: lease, params: Params([:]))])), now: 1)
        _ = m.handle(
            .finished([TaskResult(lease: lease, succeeded: true, duration: 1, metrics: [:], error: "")]), now: 1.1)
        _ = m.handle(.tick, now: 5)  // the coordinator fell silent: connecting again
        let drain = m.handle(.drain, now: 5.1)
        #expect(drain.contains { if case .exit = $0 { true } else { false } })
    }

    /// Fault campaign seed 462909: a draining worker whose coordinator fell silent waited on a hung
    /// trainer forever. Nobody can take its results, so it stops its tasks (they run again elsewhere).
    @Test func aDrainingWorkerWhoseCoordinatorFallsSilentStopsItsTasks() {
        var m = registered()
        _ = m.handle(
            .received(.work(sweepID: 5, acks: [], tasks: [Assignment(lease: lease, params: Params([:]))])), now: 1)
        let drain = m.handle(.drain, now: 1.5)
        #expect(!drain.contains { if case .cancel = $0 { true } else { false } }, "the coordinator still listens")
        let silent = m.handle(.tick, now: 5)
        #expect(silent.contains { if case .cancel(lease) = $0 { true } else { false } })
        let stopped = m.handle(
            .finished([TaskResult(lease: lease, succeeded: false, duration: 1, metrics: [:], error: "cancelled")]),
            now: 5.2)
        #expect(stopped.contains { if case .exit = $0 { true } else { false } })
    }

    @Test func drainingWhileTheCoordinatorIsAlreadySilentStopsTheTasks() {
        var m = registered()
        _ = m.handle(
            .received(.work(sweepID: 5, acks: [], tasks: [Assignment(lease: lease, params: Params([:]))])), now: 1)
        _ = m.handle(.tick, now: 5)  // silent: connecting again, the task still runs
        let drain = m.handle(.drain, now: 5.1)
        #expect(drain.contains { if case .cancel(lease) = $0 { true } else { false } })
    }

    @Test func anIdleWorkerSleepsUntilItsNextHeartbeat() {
        var m = registered()  // WELCOME heard at 0.1; HELLO sent at 0
        #expect(m.nextWake == 1.0, "the first heartbeat: one interval after the last send")
        #expect(sent(m.handle(.tick, now: 0.5)).isEmpty, "a tick before the wake time does nothing")
        guard case .heartbeat = sent(m.handle(.tick, now: m.nextWake)).first else {
            Issue.record("no heartbeat"); return
        }
        #expect(m.nextWake == 2.0)
        // The coordinator's heartbeat is answered at once when ours is half due: one wake, not two.
        guard case .heartbeat = sent(m.handle(.received(.heartbeat), now: 1.6)).first else {
            Issue.record("no answer"); return
        }
        #expect(sent(m.handle(.tick, now: 2.0)).isEmpty)
        #expect(m.nextWake == 2.6, "our next heartbeat one interval after the answer; liveness at 1.6 + 3")
        #expect(sent(m.handle(.received(.heartbeat), now: 1.7)).isEmpty, "just sent: no answer")
    }

    @Test func aRefusedHandshakeIsRetriedWithBackoff() {
        var m = WorkerMachine(identity)
        _ = m.handle(.started, now: 0)
        _ = m.handle(.handshakeFailed, now: 1)
        #expect(m.nextWake <= 2, "the first retry after 1 s")
        let first = m.handle(.tick, now: 2)
        #expect(first.contains { if case .reconnect = $0 { true } else { false } })
        _ = m.handle(.handshakeFailed, now: 2.1)
        #expect(
            !m.handle(.tick, now: 3.5).contains { if case .reconnect = $0 { true } else { false } }, "then after 2 s")
        #expect(m.handle(.tick, now: 4.1).contains { if case .reconnect = $0 { true } else { false } })
        _ = m.handle(.handshakeSucceeded, now: 4.2)
        _ = m.handle(.handshakeFailed, now: 5)
        #expect(
            m.handle(.tick, now: 6).contains { if case .reconnect = $0 { true } else { false } },
            "a success resets the backoff")
    }

    @Test func aSecondSetupOfTheSameSweepIsNotLoadedAgain() {
        var m = registered()
        let setup = Setup(
            sweepID: 5, folds: 2, plan: FoldPlan(scheme: .partition, foldsPerRepeat: 2, assignments: [[]]),
            trainer: .builtin(WireBuiltin(model: "noop", progressMetrics: [], data: nil)))
        func loads(_ actions: [WorkerMachine.Action]) -> Int {
            actions.filter { if case .loadSetup = $0 { true } else { false } }.count
        }
        #expect(loads(m.handle(.received(.setup(setup)), now: 0.2)) == 1)
        #expect(loads(m.handle(.received(.setup(setup)), now: 0.3)) == 0, "the answer to a repeated HELLO")
    }
}

/// Issue 12: a worker belongs to one sweep at a time; a refused HELLO backs off.
struct WorkerMachineSweepTests {
    let identity = WorkerMachine.Identity(workerID: "w@h", incarnation: 9, name: "w", host: "h", slots: 1)
    let lease = LeaseRef(trial: 0, fold: 0, attempt: 1)

    func runs(_ actions: [WorkerMachine.Action]) -> [(LeaseRef, UInt64)] {
        actions.compactMap { if case .run(let task, let sweep) = $0 { (task.lease, sweep) } else { nil } }
    }

    func hellos(_ actions: [WorkerMachine.Action]) -> Int {
        actions.filter { if case .send(.hello) = $0 { true } else { false } }.count
    }

    @Test func joiningAnotherSweepCancelsTheOldSweepsTasksAndDropsTheirResults() {
        var m = WorkerMachine(identity)
        _ = m.handle(.started, now: 0)
        _ = m.handle(.received(.welcome(sweepID: 5, heartbeatMilliseconds: 1000)), now: 0)
        _ = m.handle(
            .received(.work(sweepID: 5, acks: [], tasks: [Assignment(lease: lease, params: Params([:]))])), now: 1)
        // Sweep 5's coordinator is gone; sweep 6's answers on the same address.
        _ = m.handle(.tick, now: 10)
        let joined = m.handle(.received(.welcome(sweepID: 6, heartbeatMilliseconds: 1000)), now: 11)
        #expect(joined.contains { if case .cancel(self.lease) = $0 { true } else { false } })
        #expect(joined.contains { if case .report(.leftSweep(5, 1)) = $0 { true } else { false } })
        #expect(m.runningCount == 0)
        // Sweep 6 hands out a task with the same lease: it starts once the old one has ended.
        let work = m.handle(
            .received(.work(sweepID: 6, acks: [], tasks: [Assignment(lease: lease, params: Params(["x": .int(1)]))])),
            now: 12)
        #expect(runs(work).isEmpty)
        let report = m.handle(.progress(lease, step: 1, metrics: ["score": 5]), now: 12.5)
        #expect(!report.contains { if case .send(.progress) = $0 { true } else { false } }, "the old task's report")
        let old = TaskResult(lease: lease, succeeded: true, duration: 1, metrics: ["score": 5], error: "")
        let ended = m.handle(.finished([old]), now: 13)
        #expect(ended.contains { if case .report(.resultDropped(self.lease, 5)) = $0 { true } else { false } })
        #expect(!ended.contains { if case .send(.results) = $0 { true } else { false } }, "its result never counts")
        #expect(runs(ended).map(\.1) == [6])
        #expect(m.runningCount == 1)
    }

    /// A worker superseded by a live namesake and then refused can never deliver what it runs; the
    /// fault campaign's seed 184036 saw such a worker, told to stop, wait on a hanging trainer.
    @Test func aRefusedWorkerCancelsItsRunningTasksAndCanLeave() {
        var m = WorkerMachine(identity)
        _ = m.handle(.started, now: 0)
        _ = m.handle(.received(.welcome(sweepID: 5, heartbeatMilliseconds: 1000)), now: 0)
        _ = m.handle(
            .received(.work(sweepID: 5, acks: [], tasks: [Assignment(lease: lease, params: Params([:]))])), now: 1)
        _ = m.handle(.received(.reregister), now: 2)
        let refused = m.handle(.received(.rejected(reason: "worker name 'w' is in use")), now: 2.01)
        #expect(refused.contains { if case .cancel(self.lease) = $0 { true } else { false } })
        _ = m.handle(.drain, now: 3)
        let cancelled = TaskResult(lease: lease, succeeded: false, duration: 1, metrics: [:], error: "cancelled")
        let ended = m.handle(.finished([cancelled]), now: 3.1)
        #expect(ended.contains { if case .exit = $0 { true } else { false } })
    }

    @Test func aRefusedHelloIsSaidAgainAfterABackoff() {
        var m = WorkerMachine(identity)
        _ = m.handle(.started, now: 0)
        _ = m.handle(.received(.rejected(reason: "worker name 'w' is in use")), now: 0.01)
        #expect(m.nextWake >= 1)
        #expect(hellos(m.handle(.tick, now: 0.5)) == 0)
        #expect(hellos(m.handle(.tick, now: 1.02)) == 1)
        _ = m.handle(.received(.rejected(reason: "worker name 'w' is in use")), now: 1.03)
        #expect(hellos(m.handle(.tick, now: 2.5)) == 0, "twice as long the second time")
        #expect(hellos(m.handle(.tick, now: 3.1)) == 1)
    }
}
