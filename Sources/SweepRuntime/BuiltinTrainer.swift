import Foundation
import Glibc
import SweepCore
import SweepML
import SweepProtocol

/// Runs one task with a built-in trainer and words what happened as a TaskResult.
enum BuiltinTrainer {
    /// `cancel`: set when the coordinator cancels the task; iterative models stop between iterations.
    static func run(_ assignment: Assignment, in context: SweepContext?, cancel: CancelFlag? = nil,
                    progress: (@Sendable (Int, [String: Double]) -> Void)? = nil) -> TaskResult {
        let started = MonotonicClock.now()
        func result(_ metrics: [String: Double], error: String = "") -> TaskResult {
            TaskResult(lease: assignment.lease, succeeded: error.isEmpty, duration: MonotonicClock.now() - started,
                       metrics: metrics, error: error)
        }
        guard let context else { return result([:], error: "worker holds no setup for this sweep") }
        if context.model == "noop" {
            if let seconds = assignment.params["sleep"]?.number, seconds > 0 { sleepPrecisely(seconds) }
            return result(["score": assignment.params["score"]?.number ?? 0])
        }
        guard let dataset = context.dataset else { return result([:], error: "model '\(context.model)' needs data; the sweep has none") }
        do {
            let metrics = try FoldTrainer.evaluate(model: context.model, params: assignment.params, dataset: dataset,
                                                   plan: context.plan, fold: assignment.lease.fold,
                                                   imputation: context.imputation, progressMetrics: context.progressMetrics,
                                                   progress: progress, shouldStop: cancel.map { flag in { flag.isSet } })
            return result(metrics)
        } catch {
            return result([:], error: error.message)
        }
    }

    static func sleepPrecisely(_ seconds: Double) {
        var request = timespec(tv_sec: Int(seconds), tv_nsec: Int((seconds - seconds.rounded(.down)) * 1e9))
        var remaining = timespec()
        while nanosleep(&request, &remaining) != 0 { request = remaining }
    }
}
