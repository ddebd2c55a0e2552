import Testing

@testable import SweepCore
@testable import SweepProtocol

/// The coordinator machine with several objectives and a constraint: every searched metric
/// reaches the search, a result without one is a failed attempt, and a restored machine
/// rebuilds the same outcomes.
struct CoordinatorObjectivesTests {
    let a = PeerID([1])

    func configuration() -> CoordinatorMachine.Configuration {
        let space = [Dimension(name: "x", kind: .uniform(0, 1))]
        var search = SearchDriver.Configuration(space: space, algorithm: .random, seed: 7, trials: 6, folds: 2)
        search.moreObjectives = [Objective(metric: "seconds", goal: .minimize)]
        search.constraints = [Constraint(metric: "ms", max: 0.5)]
        return .init(sweepID: 9, search: search, objective: "accuracy", maxAttempts: 1, taskTimeout: 100)
    }

    /// A synthetic trainer: accuracy x, seconds 1 − x, ms x (infeasible above 0.5), per fold a little apart.
    func metrics(_ task: Assignment) -> [String: Double] {
        let x = task.params["x"]!.number!, shift = Double(task.lease.fold) * 0.01
        return ["accuracy": x + shift, "seconds": 1 - x, "ms": x]
    }

    func hello() -> Message {
        .hello(Hello(workerID: "a", incarnation: 1, name: "a", host: "h", slots: 2, cachedSweep: 0, running: []))
    }

    func work(_ actions: [CoordinatorMachine.Action]) -> [Assignment] {
        actions.flatMap { action -> [Assignment] in
            if case .send(_, .work(_, _, let tasks)) = action { return tasks }
            return []
        }
    }

    /// Runs the sweep to its end; returns the machine and every counted record.
    func run(_ machine: inout CoordinatorMachine, dropping: (Assignment) -> Bool = { _ in false }) -> [TaskRecord] {
        var pending = work(machine.handle(.received(a, hello()), now: 0))
        var records: [TaskRecord] = []
        var now = 1.0
        while !pending.isEmpty {
            let task = pending.removeFirst()
            var reported = metrics(task)
            if dropping(task) { reported.removeValue(forKey: "ms") }
            let result = TaskResult(lease: task.lease, succeeded: true, duration: 0.1, metrics: reported, error: "")
            let out = machine.handle(.received(a, .results(sweepID: 9, [result])), now: now)
            now += 1
            records += out.compactMap { if case .record(let record) = $0 { record } else { nil } }
            pending += work(out)
        }
        return records
    }

    @Test func everyObjectiveAndTheConstraintReachTheSearch() {
        var machine = CoordinatorMachine(configuration())
        _ = run(&machine)
        #expect(machine.isFinished && machine.trials.count == 6)
        for trial in machine.trials {
            let x = trial.params["x"]!.number!
            let entry = machine.search.history.entry(trial.number)
            #expect(entry.losses == [-(x + 0.005), 1 - x])
            #expect(entry.violation == max(0, x - 0.5))
        }
    }

    @Test func aResultWithoutAConstrainedMetricFailsItsTaskWithTheReason() {
        var machine = CoordinatorMachine(configuration())
        let records = run(&machine) { $0.lease.trial == 1 && $0.lease.fold == 1 }
        let failed = records.filter { $0.status == .failed }
        #expect(failed.map(\.task) == [TaskID(trial: 1, fold: 1)])
        #expect(
            failed.first?.error
                == "finished but never reported 'ms', which the sweep's objectives and constraints need (accuracy, ms, seconds); it reported: accuracy, seconds"
        )
        #expect(machine.search.history.entry(1).state == .failed)
    }

    @Test func aRestoredMachineRebuildsTheSameOutcomes() {
        var first = CoordinatorMachine(configuration())
        let records = run(&first)
        let restored = CoordinatorMachine.Restored(
            trials: first.trials, counted: records.map { ($0.task, $0.status, $0.metrics) }, attempts: [:])
        let second = CoordinatorMachine(configuration(), restored: restored)
        for number in 0..<first.trials.count {
            let (x, y) = (first.search.history.entry(number), second.search.history.entry(number))
            #expect(x.state == y.state && x.losses == y.losses && x.violation == y.violation)
        }
        #expect(first.search.frontSize == second.search.frontSize && first.search.frontSize > 0)
    }
}
