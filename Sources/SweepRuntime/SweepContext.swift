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
