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
}
