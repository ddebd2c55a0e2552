import Foundation
import SweepCore
import SweepML
import SweepProtocol

/// A sweep's setup as a worker holds it: immutable, shared by every task of the sweep.
final class SweepContext: Sendable {
    /// How this worker runs the sweep's tasks.
    enum Runner: Sendable {
        case builtin(Builtin)
        case command(Command)
        /// This worker cannot run them, and every task says why (a shipped file did not unpack).
        case unavailable(String)
    }

    /// A model of the registry and the data it trains on (nil for a model that needs none).
    struct Builtin: Sendable {
        let model: BuiltinModel
        let dataset: Dataset?
        let imputation: Preprocessor.Imputation
        /// Metrics reported per iteration (the objective first).
        let progressMetrics: [String]
    }

    /// The user's program and the files it was shipped.
    struct Command: Sendable {
        let command: WireCommand
        let data: CommandData?
        let workdir: URL?
    }

    let sweepID: UInt64
    /// Tasks per trial.
    let folds: Int
    let plan: FoldPlan
    let runner: Runner

    init(_ setup: Setup, runner: Runner) {
        sweepID = setup.sweepID
        folds = setup.folds
        plan = setup.plan
        self.runner = runner
    }

    /// A built-in sweep: the model is looked up in the registry once, here.
    convenience init(_ setup: Setup, builtin: WireBuiltin) {
        self.init(setup, runner: Self.runner(builtin))
    }

    /// How a built-in sweep's tasks run: its model and its data (already decoded).
    static func runner(_ builtin: WireBuiltin) -> Runner {
        guard let model = BuiltinModels.named(builtin.model) else {
            return .unavailable(
                "this worker has no built-in model '\(builtin.model)'; run the coordinator's version of sweep")
        }
        let dataset = builtin.data.map { data in
            let target: Target
            switch data.target {
            case .classes(let labels, let count): target = .classes(labels: labels, names: (0..<count).map(String.init))
            case .values(let values): target = .values(values)
            }
            return Dataset(
                featureNames: (0..<data.columns).map { "x\($0)" }, features: data.features, target: target,
                categories: data.categoryCounts.map { $0 == 0 ? nil : (0..<$0).map(String.init) })
        }
        let imputation = builtin.data.flatMap { Preprocessor.Imputation(rawValue: $0.imputation) } ?? .mean
        return .builtin(
            Builtin(model: model, dataset: dataset, imputation: imputation, progressMetrics: builtin.progressMetrics))
    }
}
