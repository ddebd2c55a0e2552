import Foundation
import SweepCore
import SweepReport

/// Parameter importance parity (issue 14): the same trials through our fANOVA
/// (`ParameterImportance.fanova`) and optuna's `FanovaImportanceEvaluator` (Benchmarks/importance.sh).
///
///   sweep-bench importance [--trials 200] [--seed 0] [--out trials.json]
///
/// Trials are random points of f(x, y, z, lr, kind) = x + 3·y² + 0·z + log10(lr) / 2 + {a: 0,
/// b: 1.5, c: 3}[kind] with x, y, z uniform on [0, 1], lr log-uniform on [0.001, 1], kind one of
/// a, b, c (one fold each): every kind of dimension, with clearly different importances. Writes the trials and our importances as JSON for the script's
/// optuna side, and prints ours.
enum ImportanceBench {
    static let space: [SweepCore.Dimension] = [
        Dimension(name: "x", kind: .uniform(0, 1)),
        Dimension(name: "y", kind: .uniform(0, 1)),
        Dimension(name: "z", kind: .uniform(0, 1)),
        Dimension(name: "lr", kind: .logUniform(0.001, 1)),
        Dimension(name: "kind", kind: .values([.string("a"), .string("b"), .string("c")])),
    ]

    static func value(_ params: [String: ParamValue]) -> Double {
        let (x, y, lr) = (params["x"]!.number!, params["y"]!.number!, params["lr"]!.number!)
        let kind = ["a": 0.0, "b": 1.5, "c": 3][params["kind"]!.description]!
        return x + 3 * y * y + log10(lr) / 2 + kind
    }

    static func run(_ arguments: [String]) throws {
        let count = Int(SearchBench.value("--trials", in: arguments) ?? "200")!
        let seed = UInt64(SearchBench.value("--seed", in: arguments) ?? "0")!
        var generator = SeededGenerator(seed: seed)
        let uniform = { (generator: inout SeededGenerator) in Double(generator.next() >> 11) / Double(1 << 53) }
        var trials: [Trial] = []
        var records: [TaskID: TaskRecord] = [:]
        var rows: [String] = []
        for number in 0..<count {
            let params: [String: ParamValue] = [
                "x": .double(uniform(&generator)), "y": .double(uniform(&generator)),
                "z": .double(uniform(&generator)), "lr": .double(pow(10, -3 * uniform(&generator))),
                "kind": .string(["a", "b", "c"][Int(generator.next() % 3)]),
            ]
            let score = value(params)
            trials.append(Trial(number: number, params: Params(params)))
            let task = TaskID(trial: number, fold: 0)
            records[task] = TaskRecord(
                task: task, status: .ok, worker: "w", host: "h", attempt: 1, duration: 0, metrics: ["f": score],
                error: nil)
            let fields = space.map { "\"\($0.name)\": \(params[$0.name]!.json)" }.joined(separator: ", ")
            rows.append("{\"params\": {\(fields)}, \"value\": \(score)}")
        }
        let summary = RunSummary(
            name: "importance", objective: Objective(metric: "f", goal: .minimize), metricNames: ["f"], folds: 1,
            trials: trials, records: records, wallSeconds: 0, state: .finished)
        guard let importance = ParameterImportance.fanova(summary, space: space) else {
            print("no importance: too few trials")
            exit(1)
        }
        print("ours: \(importance.method)")
        for (name, share) in importance.values { print("  \(name): \(Significant.format(share))") }
        let ours = importance.values.map { "\"\($0.name)\": \($0.importance)" }.joined(separator: ", ")
        let json = "{\"trials\": [\(rows.joined(separator: ",\n"))],\n\"ours\": {\(ours)}}\n"
        if let out = SearchBench.value("--out", in: arguments) {
            try json.write(toFile: out, atomically: true, encoding: .utf8)
        }
    }
}
