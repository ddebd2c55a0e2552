import Foundation
import SweepCore
import SweepML

/// `sweep-bench parity`: one model's per-fold scores and single-threaded fit times on a dataset,
/// with the fold assignment, as JSON for Benchmarks/parity.py to compare with scikit-learn.
enum Parity {
    static func run(_ arguments: [String]) throws {
        func value(_ name: String) -> String? {
            guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count else { return nil }
            return arguments[index + 1]
        }
        guard let path = value("--data"), let model = value("--model") else {
            print(
                "usage: sweep-bench parity --data CSV --model NAME [--task classification|regression] [--params JSON] [--folds 5] [--repeats 3]"
            )
            exit(2)
        }
        let classification = (value("--task") ?? "classification") == "classification"
        let folds = Int(value("--folds") ?? "5") ?? 5
        let repeats = Int(value("--repeats") ?? "3") ?? 3
        guard let builtin = BuiltinModels.named(model) else {
            print("unknown model '\(model)'; built-in models: \(BuiltinModels.catalog.names.joined(separator: ", "))")
            exit(2)
        }
        // The parameters, checked against the model (the data path is not read).
        let task = classification ? "classification" : "regression"
        let spec = try SpecParser.parse(
            "data: {path: data.csv, target: target, task: \(task)}\ntrainer: {model: \(model)}\nspace: \(value("--params") ?? "{}")"
        )
        let params = GridSampler.trials(spec.space)[0].params
        let table = try CSVTable(parsing: try String(contentsOfFile: path, encoding: .utf8))
        let dataset = try Dataset(csv: table, target: "target", classification: classification)
        let assignment = Folds.assign(
            rows: dataset.rows, folds: folds, classes: classification ? dataset.labels : nil, shuffle: true, seed: 0)
        let plan = FoldPlan(scheme: .partition, foldsPerRepeat: folds, assignments: [assignment])
        var scores: [Double] = [], times: [Double] = []
        for fold in 0..<folds {
            let (trainRows, validRows) = plan.split(fold)
            let scaler = Preprocessor(fitting: Matrix(dataset, rows: trainRows), categories: dataset.categories)
            let train = scaler.transform(Matrix(dataset, rows: trainRows)),
                valid = scaler.transform(Matrix(dataset, rows: validRows))
            var fitted: FittedModel?
            for _ in 0..<repeats {
                let start = Date()
                fitted = try builtin.fit(params: params, x: train, target: dataset.target(rows: trainRows))
                times.append(Date().timeIntervalSince(start))
            }
            switch (fitted!.predict(valid), dataset.target) {
            case (.probabilities(let p), .classes(let labels, _)):
                scores.append(Metrics.accuracy(validRows.map { labels[$0] }, Metrics.argmax(p)))
            case (.values(let v), .values(let truth)): scores.append(Metrics.r2(validRows.map { truth[$0] }, v))
            default: break
            }
        }
        times.sort()
        let object: [String: Any] = [
            "assignment": assignment, "scores": scores, "fit_seconds_median": times[times.count / 2],
        ]
        print(String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self))
    }
}
