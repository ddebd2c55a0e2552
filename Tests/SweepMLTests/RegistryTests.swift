import Testing

@testable import SweepCore
@testable import SweepML

/// A model of the registry, by name (tests name models as specs do).
func builtin(_ name: String) -> BuiltinModel {
    guard let model = BuiltinModels.named(name) else { preconditionFailure("no built-in model '\(name)'") }
    return model
}

struct RegistryTests {
    static let rows = (0..<60).map { "\(Double($0 % 10)),\(Double($0) / 60),\($0 % 10 < 5 ? "lo" : "hi")" }

    func classification() throws -> (Dataset, FoldPlan) {
        let data = try Dataset(
            csv: try CSVTable(parsing: "a,b,y\n" + Self.rows.joined(separator: "\n")), target: "y", classification: true
        )
        let plan = FoldPlan.make(
            rows: 60, cv: CVSpec(folds: 3, stratified: true, shuffle: true, seed: 1), classes: data.labels, groups: nil)
        return (data, plan)
    }

    @Test func everyModelHasOneEntryAndItsDefaultsAreInItsRanges() {
        #expect(Set(BuiltinModels.all.map(\.name)).count == BuiltinModels.all.count)
        #expect(BuiltinModels.catalog.names == BuiltinModels.all.map(\.name))
        for model in BuiltinModels.all {
            for parameter in model.description.parameters {
                guard let value = parameter.defaultValue else { continue }
                #expect(parameter.rule.problem(with: value) == nil, "\(model.name).\(parameter.name) = \(value)")
            }
        }
        #expect(BuiltinModels.all.filter(\.description.reportsProgress).map(\.name) == ["gradient_boosting", "mlp"])
        #expect(BuiltinModels.all.filter { !$0.description.needsData }.map(\.name) == ["noop"])
    }

    /// The declared defaults are the ones the fit uses: giving them explicitly changes nothing.
    @Test(arguments: BuiltinModels.all.filter(\.description.needsData).map(\.name))
    func declaredDefaultsAreWhatTheFitUses(_ name: String) throws {
        let model = builtin(name)
        let classify = model.description.tasks.contains(.classification)
        let csv =
            "a,b,y\n"
            + (0..<40).map {
                "\(Double($0 % 7)),\(Double($0) / 40),\(classify ? ($0 % 7 < 3 ? "lo" : "hi") : "\(Double($0 % 7) * 2)")"
            }
            .joined(separator: "\n")
        let data = try Dataset(csv: try CSVTable(parsing: csv), target: "y", classification: classify)
        let x = Matrix(data, rows: Array(0..<data.rows))
        let light: [String: ParamValue] = ["max_iter": .int(5), "n_estimators": .int(5), "hidden_layer_sizes": .int(4)]
        let overrides = light.filter { key, _ in model.description.parameter(key) != nil }
        var explicit = overrides
        for parameter in model.description.parameters where explicit[parameter.name] == nil {
            if let value = parameter.defaultValue { explicit[parameter.name] = value }
        }
        let implicit = try model.fit(params: Params(overrides), x: x, target: data.target(rows: Array(0..<data.rows)))
        let stated = try model.fit(params: Params(explicit), x: x, target: data.target(rows: Array(0..<data.rows)))
        switch (implicit.predict(x), stated.predict(x)) {
        case (.probabilities(let a), .probabilities(let b)): #expect(a.values == b.values, "\(name)")
        case (.values(let a), .values(let b)): #expect(a == b, "\(name)")
        default: Issue.record("\(name): prediction kinds differ")
        }
    }

    @Test func aBoostingFitIsStoppedMidwayByItsCallback() throws {
        let (data, plan) = try classification()
        let (train, _) = plan.split(0)
        let x = Matrix(data, rows: train), target = data.target(rows: train)
        var booster = GradientBoosting()
        booster.maxIterations = 100
        booster.minSamplesLeaf = 5
        var steps: [Int] = []
        let stopped = booster.fit(x, target: target) { step, _ in
            steps.append(step)
            return step == 7 ? .stop : .proceed
        }
        #expect(steps == Array(1...7), "told after every iteration, and none after the stop")
        #expect(stopped.iterations == 7 && stopped.trees.count == 7, "7 of 100 iterations were run")
        // Through the registry, a stopped fit is an error, not a model of the wrong size.
        var told = 0
        #expect(throws: TrainingError("cancelled")) {
            _ = try builtin("gradient_boosting").fit(
                params: Params(["min_samples_leaf": .int(5)]), x: x, target: target
            ) { _, _ in
                told += 1
                return told == 3 ? .stop : .proceed
            }
        }
        #expect(told == 3)
    }

    /// The metrics reported at step s are those of the model fitted with s iterations.
    @Test func boostingReportsEachIterationsExactModel() throws {
        let (data, plan) = try classification()
        var reports: [Int: [String: Double]] = [:]
        let params = Params(["max_iter": .int(6), "min_samples_leaf": .int(5)])
        _ = try FoldTrainer.evaluate(
            model: builtin("gradient_boosting"), params: params, dataset: data, plan: plan, fold: 0
        ) { step, metrics in
            reports[step] = metrics()
            return .proceed
        }
        #expect(reports.keys.sorted() == Array(1...6))
        for stage in [1, 3, 6] {
            let alone = try FoldTrainer.evaluate(
                model: builtin("gradient_boosting"),
                params: Params(["max_iter": .int(stage), "min_samples_leaf": .int(5)]),
                dataset: data, plan: plan, fold: 0)
            // Costs (fit time, size) are the final model's alone, not reported per iteration.
            #expect(reports[stage] == alone.filter { !FoldTrainer.resourceMetrics.contains($0.key) }, "stage \(stage)")
        }
    }

    @Test func anMLPFitIsStoppedAfterTheEpochItIsIn() throws {
        let (data, plan) = try classification()
        let (train, _) = plan.split(0)
        var network = MultilayerPerceptron()
        network.hiddenLayers = [8]
        network.maxEpochs = 200
        var epochs = 0
        let fitted = network.fit(Matrix(data, rows: train), target: data.target(rows: train)) { epoch, _ in
            epochs = epoch
            return epoch == 4 ? .stop : .proceed
        }
        #expect(epochs == 4 && fitted.epochs == 4)
    }

    @Test func noopNeedsNoDataAndOtherModelsSaySoWithout() throws {
        let plan = FoldPlan(scheme: .partition, foldsPerRepeat: 2, assignments: [[]])
        let noop = builtin("noop")
        #expect(
            try FoldTrainer.evaluate(
                model: noop, params: Params(["score": .double(0.7), "lr": .int(3)]), dataset: nil, plan: plan, fold: 0)
                == ["score": 0.7])
        #expect(noop.runWithoutData(params: Params([:])) == ["score": 0])
        #expect(builtin("ridge").runWithoutData(params: Params([:])) == nil)
        #expect(throws: TrainingError("model 'ridge' needs data; the sweep has none")) {
            try FoldTrainer.evaluate(model: builtin("ridge"), params: Params([:]), dataset: nil, plan: plan, fold: 0)
        }
        #expect(throws: TrainingError("model 'noop' does not learn from data")) {
            try noop.fit(params: Params([:]), x: Matrix(rows: 1, columns: 1, values: [0]), target: .values([1]))
        }
        #expect(throws: TrainingError("model 'ridge' cannot train on classification data")) {
            try builtin("ridge").fit(
                params: Params([:]), x: Matrix(rows: 1, columns: 1, values: [0]), target: .classes([0], count: 1))
        }
    }
}
