import Testing

@testable import SweepCore
@testable import SweepML

/// fit_seconds, predict_seconds and model_bytes: reported by every built-in model that learns from
/// data, for both tasks, valid as objectives (minimized), and model_bytes following the model's size.
struct ResourceMetricsTests {
    func dataset(classification: Bool) throws -> Dataset {
        let rows = (0..<60).map { i in
            let label = classification ? (i % 3 == 0 ? "x" : "y") : "\(Double(i % 7) * 1.5)"
            return "\(Double(i % 5)),\(Double(i) / 60),\(label)"
        }
        return try Dataset(
            csv: try CSVTable(parsing: "a,b,label\n" + rows.joined(separator: "\n")), target: "label",
            classification: classification)
    }

    func evaluate(_ model: String, _ params: Params, classification: Bool) throws -> [String: Double] {
        let data = try dataset(classification: classification)
        let assignment = Folds.assign(rows: 60, folds: 3, classes: data.labels, shuffle: true, seed: 0)
        return try FoldTrainer.evaluate(
            model: builtin(model), params: params, dataset: data,
            plan: FoldPlan(scheme: .partition, foldsPerRepeat: 3, assignments: [assignment]), fold: 0)
    }

    @Test(arguments: BuiltinModels.all.filter(\.description.needsData).map(\.name))
    func everyModelReportsItsCostsForEveryTask(_ model: String) throws {
        for classification in [true, false] {
            guard builtin(model).description.tasks.contains(classification ? .classification : .regression) else {
                continue
            }
            let metrics = try evaluate(model, Params([:]), classification: classification)
            for name in FoldTrainer.resourceMetrics {
                let value = try #require(metrics[name], "\(model) reports \(name)")
                #expect(value >= 0 && value.isFinite, "\(model) \(name) = \(value)")
            }
            #expect(metrics["model_bytes"]! > 0)
        }
    }

    @Test func modelBytesGrowsWithTheModel() throws {
        let small = try evaluate("gradient_boosting", Params(["max_iter": .int(5)]), classification: true)
        let large = try evaluate("gradient_boosting", Params(["max_iter": .int(40)]), classification: true)
        #expect(large["model_bytes"]! > 4 * small["model_bytes"]!)
        // Deterministic: the same fit has the same size.
        let again = try evaluate("gradient_boosting", Params(["max_iter": .int(5)]), classification: true)
        #expect(again["model_bytes"] == small["model_bytes"])
    }

    @Test func encodedSizeCountsABinaryLayout() {
        struct Sample: Encodable {
            var weights: [Double] = [1, 2, 3]
            var name = "abc"
            var flag = true
            var depth: Int? = nil
        }
        // 4 + 3 × 8 (array), 4 + 3 (string), 1 (bool); a nil optional field is left out.
        #expect(EncodedSize.of(Sample()) == 36)
        #expect(EncodedSize.of(Matrix(rows: 2, columns: 2, values: [1, 2, 3, 4])) == 8 + 8 + 4 + 32)
    }

    @Test func resourceMetricsAreObjectivesToMinimize() throws {
        let spec = try SpecParser.parse(
            "data: {path: d.csv, target: y, task: regression}\ntrainer: {model: ridge}\nobjective: {metric: fit_seconds}\n",
            models: BuiltinModels.catalog)
        #expect(spec.objective == Objective(metric: "fit_seconds", goal: .minimize))
        #expect(MetricInfo.names(for: .classification).contains("model_bytes"))
        #expect(!spec.metricNames.contains("predict_seconds"), "not a standard column; shown when reported")
    }
}
