import Foundation
import SweepCore
import SweepRuntime

/// `sweep-bench nested-plan SPEC`: the fold plan a nested-CV spec (cv.outer) runs on, as JSON,
/// so Benchmarks/parity-nested.py can give scikit-learn exactly the same outer and inner folds.
/// `blocks[0]` is the plain CV of every row; `blocks[1 + o]` outer fold o's inner CV (−1: the
/// outer fold's test rows).
enum NestedPlanBench {
    static func run(_ arguments: [String]) throws {
        guard let path = arguments.first else {
            print("usage: sweep-bench nested-plan SPEC   (a spec with cv.outer)")
            exit(2)
        }
        let sweep = try SweepLoader.load(specPath: path)
        guard let outer = sweep.spec.cv.outer, let data = sweep.spec.data else {
            print("\(path): no cv.outer (nested CV) in this spec")
            exit(2)
        }
        let dataPath = URL(
            fileURLWithPath: data.path, relativeTo: URL(fileURLWithPath: path).deletingLastPathComponent())
        let object: [String: Any] = [
            "blocks": sweep.plan.assignments, "inner_folds": sweep.plan.foldsPerRepeat, "outer": outer,
            "data": dataPath.standardizedFileURL.path, "target": data.target, "task": data.task.rawValue,
            "model": sweep.spec.trainer.model?.name ?? "", "metric": sweep.spec.objective.metric,
        ]
        print(String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self))
    }
}
