import Foundation
import Testing

@testable import SweepCore
@testable import SweepProtocol
@testable import SweepRuntime

/// Built-in tasks as a worker runs them: from a SETUP's trainer to a TaskResult.
struct BuiltinTrainerTests {
    final class Steps: @unchecked Sendable {  // safe: guarded by `lock`
        let lock = NSLock()
        var steps: [Int] = []
        func add(_ step: Int) { lock.lock(); steps.append(step); lock.unlock() }
    }

    func setup(model: String, rows: Int = 60) -> Setup {
        let labels = (0..<rows).map { $0 % 10 < 5 ? 0 : 1 }
        let features = (0..<rows).flatMap { [Double($0 % 10), Double($0) / Double(rows)] }
        let plan = FoldPlan.make(
            rows: rows, cv: CVSpec(folds: 3, stratified: true, shuffle: true, seed: 1), classes: labels, groups: nil)
        let data = WireDataset(rows: rows, columns: 2, features: features, target: .classes(labels: labels, count: 2))
        return Setup(
            sweepID: 1, folds: 3, plan: plan,
            trainer: .builtin(WireBuiltin(model: model, progressMetrics: ["accuracy"], data: data)))
    }

    func runner(_ context: SweepContext) -> SweepContext.Builtin? {
        if case .builtin(let builtin) = context.runner { builtin } else { nil }
    }

    @Test func aCancelArrivingMidFitStopsBoostingAfterTheIterationItIsIn() throws {
        let boosting = setup(model: "gradient_boosting")
        guard case .builtin(let wire) = boosting.trainer else { Issue.record("a built-in setup expected"); return }
        let context = SweepContext(boosting, builtin: wire)
        let builtin = try #require(runner(context))
        let cancel = CancelFlag(), steps = Steps()
        let assignment = Assignment(
            lease: LeaseRef(trial: 0, fold: 0, attempt: 1),
            params: Params(["max_iter": .int(100), "min_samples_leaf": .int(5)]))
        let result = BuiltinTrainer.run(assignment, builtin, plan: context.plan, cancel: cancel) { step, metrics in
            #expect(Set(metrics.keys) == ["accuracy"])
            steps.add(step)
            if step == 3 { cancel.set() }  // as the coordinator's CANCEL after an early-stopping decision
        }
        #expect(steps.steps == [1, 2, 3], "reported while fitting, and stopped at the iteration the cancel came in")
        #expect(!result.succeeded && result.error == "fold 0: cancelled")
    }

    @Test func noopRunsWithoutDataAndAnUnknownModelIsRefusedOnce() throws {
        let plan = FoldPlan(scheme: .partition, foldsPerRepeat: 2, assignments: [[]])
        let noop = SweepContext(
            Setup(sweepID: 2, folds: 2, plan: plan, trainer: .builtin(WireBuiltin(model: "noop", data: nil))),
            builtin: WireBuiltin(model: "noop", data: nil))
        let builtin = try #require(runner(noop))
        let result = BuiltinTrainer.run(
            Assignment(lease: LeaseRef(trial: 1, fold: 1, attempt: 1), params: Params(["score": .double(0.25)])),
            builtin, plan: plan, cancel: CancelFlag()
        ) { _, _ in Issue.record("noop reports no progress") }
        #expect(result.succeeded && result.metrics == ["score": 0.25])
        let unknown = SweepContext(
            Setup(sweepID: 2, folds: 2, plan: plan, trainer: .builtin(WireBuiltin(model: "xgboost", data: nil))),
            builtin: WireBuiltin(model: "xgboost", data: nil))
        guard case .unavailable(let reason) = unknown.runner else {
            Issue.record("an unknown model cannot run"); return
        }
        #expect(reason.contains("no built-in model 'xgboost'"))
    }
}
