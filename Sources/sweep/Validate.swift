import ArgumentParser
import SweepCore
import SweepRuntime

struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate", abstract: "Check a spec and its data without running anything.")

    @Argument(help: "The sweep spec (YAML or JSON).")
    var spec: String

    func run() throws {
        let sweep = try SweepLoader.load(specPath: spec)
        let rows = sweep.dataset.map { ", \($0.rows) rows × \($0.columns) features" } ?? ""
        let folds = sweep.spec.taskFolds
        let algorithm = sweep.spec.search.algorithm.rawValue
        let unit =
            folds == 1
            ? "1 task"
            : sweep.spec.cv.outer.map { "(1 + \($0) outer) × \(sweep.spec.cv.folds) folds" } ?? "\(folds) folds"
        let size =
            sweep.plannedTrials.map { "\($0) trials × \(unit) = \($0 * folds) tasks" }
            ?? "\(algorithm) search until its budget ends, \(unit) per trial"
        let stopping = sweep.spec.earlyStopping.map { ", \($0.name) early stopping" } ?? ""
        // Earlier runs of a warm start are read (read-only) now, so their problems show here too.
        let warmStart = try RunRecord.warmStartNotes(sweep)
        let note = sweep.spec.validationNote.map { "; \($0)" } ?? ""
        print("\(spec): ok — '\(sweep.spec.name)': \(size) (\(algorithm))\(stopping)\(rows)\(note)")
        for note in warmStart { print("warm start from \(note)") }
        if sweep.spec.isMultiObjective {
            let objectives = sweep.spec.objectives.map { "\($0.goal.rawValue) \($0.metric)" }
            print(
                "objectives: \(objectives.joined(separator: ", ")) (a Pareto front; refit: the front's best on \(sweep.spec.objective.metric))"
            )
        }
        if !sweep.spec.constraints.isEmpty {
            print(
                "constraints: \(sweep.spec.constraints.map(describe).joined(separator: ", ")) (infeasible trials are never best)"
            )
        }
    }

    func describe(_ constraint: Constraint) -> String {
        [
            constraint.min.map { "\(constraint.metric) ≥ \(formatNumber($0))" },
            constraint.max.map { "\(constraint.metric) ≤ \(formatNumber($0))" },
        ]
        .compactMap { $0 }.joined(separator: ", ")
    }
}
