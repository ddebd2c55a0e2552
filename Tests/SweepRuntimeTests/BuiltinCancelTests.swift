import Foundation
import Testing

@testable import SweepCore
@testable import SweepProtocol
@testable import SweepRuntime

/// A cancel reaches built-in models that fit without iterations too.
struct BuiltinCancelTests {
    @Test func aCancelledNoopEndsWithoutSleepingItsTime() throws {
        let setup = BuiltinTrainerTests().setup(model: "noop")
        guard case .builtin(let wire) = setup.trainer else { Issue.record("a built-in setup expected"); return }
        let context = SweepContext(setup, builtin: wire)
        let builtin = try #require(BuiltinTrainerTests().runner(context))
        let cancel = CancelFlag()
        let assignment = Assignment(
            lease: LeaseRef(trial: 0, fold: 0, attempt: 1), params: Params(["sleep": .int(300), "score": .int(1)]))
        final class Box: @unchecked Sendable {  // safe: written before `done` is signalled, read after
            var result: TaskResult?
        }
        let box = Box(), done = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            box.result = BuiltinTrainer.run(assignment, builtin, plan: context.plan, cancel: cancel) { _, _ in }
            done.signal()
        }
        cancel.set()
        // Bounds only a failing test: an uncancellable noop sleeps its 300 s.
        #expect(done.wait(timeout: .now() + 60) == .success, "the noop ignored its cancel")
        #expect(box.result?.error == "cancelled")
    }

    /// A cancel that is already set when the fit starts: an iterative fit stops after its first
    /// iteration instead of running to convergence.
    @Test(arguments: [
        ("logistic_regression", Params(["max_iter": .int(1000), "tol": .double(1e-12)])),
        ("elastic_net", Params(["alpha": .double(0.001), "max_iter": .int(100_000), "tol": .double(1e-15)])),
        ("lasso", Params(["alpha": .double(0.001), "max_iter": .int(100_000), "tol": .double(1e-15)])),
    ])
    func aCancelReachesFitsThatReportNoProgress(model: String, params: Params) throws {
        var setup = BuiltinTrainerTests().setup(model: model, rows: 90)
        if model != "logistic_regression", case .builtin(let wire) = setup.trainer {
            let values = (0..<90).map { Double($0 % 10) * 0.3 + Double($0) / 90 }
            let data = WireDataset(rows: 90, columns: 2, features: wire.data!.features, target: .values(values))
            setup = Setup(
                sweepID: 1, folds: 3, plan: setup.plan,
                trainer: .builtin(WireBuiltin(model: model, progressMetrics: ["r2"], data: data)))
        }
        guard case .builtin(let wire) = setup.trainer else { Issue.record("a built-in setup expected"); return }
        let context = SweepContext(setup, builtin: wire)
        let builtin = try #require(BuiltinTrainerTests().runner(context))
        let cancel = CancelFlag()
        cancel.set()
        let result = BuiltinTrainer.run(
            Assignment(lease: LeaseRef(trial: 0, fold: 0, attempt: 1), params: params), builtin, plan: context.plan,
            cancel: cancel
        ) { _, _ in }
        #expect(result.error == "fold 0: cancelled", "\(model): \(result)")
    }
}
