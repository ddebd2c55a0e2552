import SweepCore
import SweepML
import SweepProtocol

/// Runs one task with a built-in model and words what happened as a TaskResult.
enum BuiltinTrainer {
    /// `cancel`: set when the coordinator cancels the task; iterative models stop after the
    /// iteration they are in. `progress`: the validation metrics of every iteration, for models
    /// that report progress.
    static func run(
        _ assignment: Assignment, _ builtin: SweepContext.Builtin, plan: FoldPlan, cancel: CancelFlag,
        progress: @escaping @Sendable (Int, [String: Double]) -> Void
    ) -> TaskResult {
        let started = MonotonicClock.now()
        func result(_ metrics: [String: Double], error: String = "") -> TaskResult {
            TaskResult(
                lease: assignment.lease, succeeded: error.isEmpty, duration: MonotonicClock.now() - started,
                metrics: metrics, error: error)
        }
        let reportsProgress = builtin.model.description.reportsProgress
        do {
            // A model that needs no data (noop, the dispatch benchmark's) runs without a dataset.
            if let metrics = try builtin.model.runWithoutData(params: assignment.params, shouldStop: { cancel.isSet }) {
                return result(metrics)
            }
            let metrics = try FoldTrainer.evaluate(
                model: builtin.model, params: assignment.params, dataset: builtin.dataset, plan: plan,
                fold: assignment.lease.fold, imputation: builtin.imputation, progressMetrics: builtin.progressMetrics
            ) { step, metrics in
                if reportsProgress { progress(step, metrics()) }
                return cancel.isSet ? .stop : .proceed
            }
            return result(metrics)
        } catch {
            return result([:], error: error.message)
        }
    }
}
