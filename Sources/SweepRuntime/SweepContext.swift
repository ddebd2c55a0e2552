import Foundation
import Glibc
import SweepCore
import SweepML
import SweepProtocol

/// A sweep's setup as a worker holds it: immutable, shared by every task of the sweep.
final class SweepContext: Sendable {
    let sweepID: UInt64
    let model: String
    let folds: Int
    let plan: FoldPlan
    let dataset: Dataset?
    let imputation: Preprocessor.Imputation
    let progressMetrics: [String]
    let command: WireCommand?
    let commandData: CommandData?
    let workdir: URL?
    /// Why this worker cannot run the sweep's tasks (e.g. a shipped file failed to unpack).
    let problem: String?

    /// A command sweep whose files are in the store.
    init(_ setup: Setup, commandData: CommandData?, workdir: URL?, problem: String?) {
        sweepID = setup.sweepID
        model = setup.model
        folds = setup.folds
        plan = setup.plan
        dataset = nil
        imputation = .mean
        progressMetrics = []
        command = setup.command
        self.commandData = commandData
        self.workdir = workdir
        self.problem = problem
    }

    init(_ setup: Setup) {
        command = nil
        commandData = nil
        workdir = nil
        problem = nil
        sweepID = setup.sweepID
        model = setup.model
        folds = setup.folds
        plan = setup.plan
        imputation = setup.data.flatMap { Preprocessor.Imputation(rawValue: $0.imputation) } ?? .mean
        progressMetrics = setup.data?.progressMetrics ?? []
        dataset = setup.data.map { data in
            let target: Target
            switch data.target {
            case .classes(let labels, let count): target = .classes(labels: labels, names: (0..<count).map(String.init))
            case .values(let values): target = .values(values)
            }
            return Dataset(featureNames: (0..<data.columns).map { "x\($0)" }, features: data.features, target: target,
                           categories: data.categoryCounts.map { $0 == 0 ? nil : (0..<$0).map(String.init) })
        }
    }
}

/// Runs one task with a built-in trainer and words what happened as a TaskResult.
enum BuiltinTrainer {
    static func run(_ assignment: Assignment, in context: SweepContext?,
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
                                                   progress: progress)
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
