import Testing

@testable import SweepCore
@testable import SweepProtocol

/// The coordinator machine driving a search: trials suggested on demand and recorded first,
/// stopped trials' tasks dropped and cancelled, and a restored search that continues exactly.
struct CoordinatorSearchTests {
    let a = PeerID([1]), b = PeerID([2])

    func hello(_ name: String, slots: Int) -> Message {
        .hello(Hello(workerID: name, incarnation: 1, name: name, host: "h", slots: slots, cachedSweep: 0, running: []))
    }

    func assigned(_ actions: [CoordinatorMachine.Action], to peer: PeerID) -> [Assignment] {
        actions.flatMap { action -> [Assignment] in
            if case .send(peer, .work(_, _, let tasks)) = action { return tasks }
            return []
        }
    }

    func ok(_ lease: LeaseRef, score: Double) -> TaskResult {
        TaskResult(lease: lease, succeeded: true, duration: 0.1, metrics: ["score": score], error: "")
    }

    func machine(_ search: SearchDriver.Configuration, restored: CoordinatorMachine.Restored? = nil)
        -> CoordinatorMachine
    {
        CoordinatorMachine(
            .init(sweepID: 5, search: search, objective: "score", maxAttempts: 2, taskTimeout: 100), restored: restored)
    }

    @Test func trialsAreSuggestedOnDemandAndRecordedBeforeTheirTasksAreSent() {
        let search = SearchDriver.Configuration(
            space: [Dimension(name: "x", kind: .uniform(0, 1))], algorithm: .random, seed: 3, trials: 4, folds: 2)
        var m = machine(search)
        let actions = m.handle(.received(a, hello("a", slots: 3)), now: 0)
        let added = actions.compactMap {
            if case .trialAdded(let trial) = $0 { return trial.number } else { return nil }
        }
        #expect(added == [0, 1], "3 slots × 2 folds per trial: two trials suggested")
        let firstSend = actions.firstIndex { if case .send(_, .work) = $0 { true } else { false } }!
        let lastAdd = actions.lastIndex { if case .trialAdded = $0 { true } else { false } }!
        #expect(lastAdd < firstSend, "suggestions are recorded before their tasks leave")
        #expect(
            assigned(actions, to: a).map(\.lease.task) == [
                TaskID(trial: 0, fold: 0), TaskID(trial: 0, fold: 1), TaskID(trial: 1, fold: 0),
            ])
        #expect(m.trials.count == 2)
        // Run everything: the sweep ends with the trials budget, not before.
        var pending = assigned(actions, to: a)
        var ended: String?
        var finished = false
        var now = 1.0
        while !pending.isEmpty {
            let task = pending.removeFirst()
            let out = m.handle(
                .received(a, .results(sweepID: 5, [ok(task.lease, score: task.params["x"]!.number!)])), now: now)
            now += 1
            pending += assigned(out, to: a)
            for action in out {
                if case .searchEnded(let reason) = action { ended = reason }
                if case .finished = action { finished = true }
            }
        }
        #expect(m.trials.count == 4)
        #expect(ended == "the trials budget (4) is spent")
        #expect(finished && m.isFinished)
        #expect(m.succeeded == 8)
    }

    @Test func racingDropsQueuedFoldsAndCancelsRunningOnesOnTheirWorkers() {
        var racing = RacingOptions()
        racing.minFolds = 2
        let trials = [
            Trial(number: 0, params: Params(["x": .int(0)])), Trial(number: 1, params: Params(["x": .int(1)])),
        ]
        var search = SearchDriver.Configuration.fixed(trials, folds: 5)
        search.earlyStopping = .racing(racing)
        var m = machine(search)
        // One worker, one slot: trial 0's five folds run first.
        var next = assigned(m.handle(.received(a, hello("a", slots: 1)), now: 0), to: a)
        for fold in 0..<5 {
            #expect(next.map(\.lease.task) == [TaskID(trial: 0, fold: fold)])
            next = assigned(
                m.handle(
                    .received(a, .results(sweepID: 5, [ok(next[0].lease, score: 0.9 + 0.001 * Double(fold))])),
                    now: Double(fold)), to: a)
        }
        // A second worker joins, and trial 1 runs on both.
        next += assigned(m.handle(.received(b, hello("b", slots: 1)), now: 5), to: b)
        #expect(next.map(\.lease.task) == [TaskID(trial: 1, fold: 0), TaskID(trial: 1, fold: 1)])
        let afterFirst = m.handle(.received(a, .results(sweepID: 5, [ok(next[0].lease, score: 0.5)])), now: 6)
        let third = assigned(afterFirst, to: a)
        #expect(third.map(\.lease.task) == [TaskID(trial: 1, fold: 2)])
        // Fold 2 finishes clearly worse: after 2 folds... fold 1 (on b) is still running.
        let decision = m.handle(.received(a, .results(sweepID: 5, [ok(third[0].lease, score: 0.52)])), now: 7)
        let stopped = decision.compactMap {
            if case .stopped(let d, let dropped, let cancelled) = $0 {
                return (d, dropped, cancelled)
            } else {
                return nil
            }
        }
        #expect(stopped.count == 1)
        #expect(stopped.first?.0.trial == 1 && stopped.first?.0.rule == .racing)
        #expect(stopped.first?.1 == 2 && stopped.first?.2 == 1, "folds 3 and 4 dropped, fold 1 cancelled")
        let cancels = decision.compactMap {
            if case .send(let peer, .cancel(_, let leases)) = $0 { return (peer, leases) } else { return nil }
        }
        #expect(cancels.count == 1 && cancels[0].0 == b && cancels[0].1 == [next[1].lease])
        let pruned = decision.compactMap {
            if case .record(let r) = $0, r.status == .pruned { return r.task.fold } else { return nil }
        }
        #expect(pruned.sorted() == [1, 3, 4])
        #expect(assigned(decision, to: a).isEmpty, "no further folds of the stopped trial are sent")
        #expect(!m.isFinished, "both trials ended, but the sweep waits for the cancelled fold to stop")
        // The cancelled fold's answer: neither counted nor reported as a duplicate; now the sweep ends.
        let late = m.handle(
            .received(
                b,
                .results(
                    sweepID: 5,
                    [TaskResult(lease: next[1].lease, succeeded: false, duration: 1, metrics: [:], error: "cancelled")])
            ), now: 8)
        #expect(
            !late.contains {
                if case .record = $0 { true } else if case .report(.duplicate) = $0 { true } else { false }
            })
        #expect(late.contains { if case .finished = $0 { true } else { false } })
        #expect(m.isFinished)
    }

    @Test func aRestoredSearchContinuesWithTheSameSuggestions() {
        let space = [Dimension(name: "x", kind: .uniform(0, 1)), Dimension(name: "k", kind: .int(1, 9))]
        for algorithm in [SearchAlgorithm.random, .sobol, .tpe] {
            let search = SearchDriver.Configuration(
                space: space, algorithm: algorithm, seed: 9,
                tpe: {
                    var o = TPEOptions(); o.startupTrials = 3; return o
                }(),
                trials: 12, goal: .maximize, folds: 1)
            // An uninterrupted run, one slot, results in order.
            var whole = machine(search)
            var counted: [(task: TaskID, status: TaskStatus, metrics: [String: Double])] = []
            var next = assigned(whole.handle(.received(a, hello("a", slots: 1)), now: 0), to: a)
            while let task = next.first {
                let score = task.params["x"]!.number!
                if task.lease.trial < 6 { counted.append((task.lease.task, .ok, ["score": score])) }
                next = assigned(
                    whole.handle(.received(a, .results(sweepID: 5, [ok(task.lease, score: score)])), now: 1), to: a)
            }
            // The same sweep stopped after 6 trials and resumed from the record.
            let restored = CoordinatorMachine.Restored(
                trials: Array(whole.trials.prefix(6)), counted: counted, attempts: [:])
            var resumed = machine(search, restored: restored)
            next = assigned(resumed.handle(.received(a, hello("a", slots: 1)), now: 0), to: a)
            while let task = next.first {
                next = assigned(
                    resumed.handle(
                        .received(a, .results(sweepID: 5, [ok(task.lease, score: task.params["x"]!.number!)])), now: 1),
                    to: a)
            }
            #expect(
                resumed.trials.map(\.params) == whole.trials.map(\.params),
                "\(algorithm): the resumed search suggests what the whole run did")
        }
    }
}
