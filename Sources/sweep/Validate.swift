import ArgumentParser
import SweepRuntime

struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Check a spec and its data without running anything.")

    @Argument(help: "The sweep spec (YAML or JSON).")
    var spec: String

    func run() throws {
        let sweep = try loadSweep(spec)
        let rows = sweep.dataset.map { ", \($0.rows) rows × \($0.columns) features" } ?? ""
        print("\(spec): ok — '\(sweep.spec.name)': \(sweep.trials.count) trials × \(sweep.spec.taskFolds) folds = \(sweep.trials.count * sweep.spec.taskFolds) tasks\(rows)")
    }
}
