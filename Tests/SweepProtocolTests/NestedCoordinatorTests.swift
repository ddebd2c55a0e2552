import Testing

@testable import SweepCore
@testable import SweepProtocol

/// Nested CV in the coordinator: every trial runs all its task folds (the scored ones, then each
/// outer fold's inner ones), but the search learns only from the scored folds.
struct NestedCoordinatorTests {
    let worker = PeerID([1])

    /// Grid over x ∈ {0.1, 0.2, 0.3}: 2 scored folds per trial, 6 tasks in all.
    func machine(restored: CoordinatorMachine.Restored? = nil) -> CoordinatorMachine {
        let search = SearchDriver.Configuration(
            space: [Dimension(name: "x", kind: .values([.double(0.1), .double(0.2), .double(0.3)]))],
            algorithm: .grid, seed: 0, folds: 2)
        return CoordinatorMachine(
            .init(sweepID: 9, search: search, objective: "score", maxAttempts: 1, taskTimeout: 100, taskFolds: 6),
            restored: restored)
    }

    /// Scored folds score x; nested folds score 1 − x (which would make the lowest x best if
    /// the search saw them). Fold 4 of trial 1 fails.
    func result(_ assignment: Assignment) -> TaskResult {
        let x = assignment.params["x"]!.number!
        let fold = assignment.lease.fold
        if assignment.lease.trial == 1 && fold == 4 { return Kit.failure(assignment.lease) }
        return TaskResult(
            lease: assignment.lease, succeeded: true, duration: 0.1, metrics: ["score": fold < 2 ? x : 1 - x],
            error: "")
    }

    @Test func theSearchLearnsOnlyFromTheScoredFoldsAndEveryTaskRuns() {
        var m = machine()
        var pending = Kit.assignments(m.handle(.received(worker, Kit.hello("w", slots: 4)), now: 0), to: worker)
        var records: [TaskRecord] = []
        var now = 1.0
        while !pending.isEmpty {
            let next = pending.removeFirst()
            let actions = m.handle(.received(worker, .results(sweepID: 9, [result(next)])), now: now)
            records += Kit.records(actions)
            pending += Kit.assignments(actions, to: worker)
            now += 1
        }
        #expect(records.count == 18, "3 trials × 6 task folds")
        #expect(Set(records.map(\.task.fold)) == Set(0..<6))
        #expect(m.search.bestLoss == -0.3, "the best is x = 0.3 on the scored folds")
        let states = (0..<3).map { m.search.history.entry($0).state }
        #expect(states == [.complete(-0.1), .complete(-0.2), .complete(-0.3)], "a failed nested task fails no trial")
        #expect(records.filter { $0.status == .failed }.map(\.task) == [TaskID(trial: 1, fold: 4)])

        // Restored from those records, the search is the same.
        let restored = CoordinatorMachine.Restored(
            trials: m.trials, counted: records.map { ($0.task, $0.status, $0.metrics) }, attempts: [:])
        let again = machine(restored: restored)
        #expect(again.search.bestLoss == -0.3)
        #expect((0..<3).map { again.search.history.entry($0).state } == states)
    }
}
