import Testing

@testable import SweepCore
@testable import SweepML

struct ModelTests {
    @Test func ridgeWithoutPenaltyRecoversAnExactLine() {
        let x = Matrix(rows: 5, columns: 1, values: [0, 1, 2, 3, 4])
        let fitted = Ridge(alpha: 0).fit(x, targets: [1, 3, 5, 7, 9])
        #expect(abs(fitted.coefficients[0] - 2) < 1e-9)
        #expect(abs(fitted.intercept - 1) < 1e-9)
    }

    @Test func ridgeShrinksByTheClosedForm() {
        // One centred feature: w = Σxy / (Σx² + α).
        let x = Matrix(rows: 4, columns: 1, values: [-3, -1, 1, 3])
        let y = [-6.0, -2, 2, 6]
        let fitted = Ridge(alpha: 10).fit(x, targets: y)
        #expect(abs(fitted.coefficients[0] - 40.0 / 30.0) < 1e-12)
        #expect(abs(fitted.intercept) < 1e-12)
    }

    @Test func logisticRegressionReachesItsOptimum() {
        // At the optimum the gradient of mean loss + ‖W‖²/(2Cn) is zero: check it independently.
        var generator = SeededGenerator(seed: 4)
        var values: [Double] = [], labels: [Int] = []
        for row in 0..<90 {
            let label = row % 3
            labels.append(label)
            values.append(Double(label) + generator.unit() * 1.5)
            values.append(Double(2 - label) * 0.5 + generator.unit())
        }
        let x = Matrix(rows: 90, columns: 2, values: values)
        let model = LogisticRegression(C: 0.5, maxIterations: 500, tolerance: 1e-8)
        let fitted = model.fit(x, labels: labels, classes: 3)
        #expect(fitted.converged)
        let probabilities = fitted.probabilities(x)
        for k in 0..<3 {
            for j in 0...2 {
                var gradient = 0.0
                for row in 0..<90 {
                    let feature = j < 2 ? x[row, j] : 1
                    gradient += (probabilities[row, k] - (labels[row] == k ? 1 : 0)) * feature / 90
                }
                if j < 2 { gradient += fitted.weights[k * 3 + j] / (0.5 * 90) }
                #expect(abs(gradient) < 1e-6, "gradient[\(k), \(j)] = \(gradient)")
            }
        }
        #expect(Metrics.accuracy(labels, Metrics.argmax(probabilities)) > 0.8)
    }

    @Test func logisticRegressionProbabilitiesSumToOne() {
        let x = Matrix(rows: 4, columns: 1, values: [-2, -1, 1, 2])
        let fitted = LogisticRegression().fit(x, labels: [0, 0, 1, 1], classes: 2)
        let p = fitted.probabilities(x)
        for row in 0..<4 { #expect(abs(p[row, 0] + p[row, 1] - 1) < 1e-12) }
        #expect(p[0, 0] > 0.5 && p[3, 1] > 0.5)
    }

    @Test func knnVotesAndAverages() {
        let train = Matrix(rows: 5, columns: 1, values: [0, 1, 2, 10, 11])
        let query = Matrix(rows: 2, columns: 1, values: [0.4, 10.6])
        let knn = KNearestNeighbors(k: 3, weights: .uniform)
        let p = knn.classProbabilities(train: train, labels: [0, 0, 1, 1, 1], classes: 2, query: query)
        #expect(abs(p[0, 0] - 2.0 / 3) < 1e-12)
        #expect(p[1, 1] == 1)
        // Nearest three to 10.6 are 11, 10 and 2.
        #expect(knn.regress(train: train, targets: [0, 1, 2, 10, 11], query: query) == [1, 23.0 / 3])
    }

    @Test func distanceWeightedKnnGivesExactMatchesAllTheWeight() {
        let train = Matrix(rows: 3, columns: 1, values: [0, 1, 3])
        let knn = KNearestNeighbors(k: 3, weights: .distance)
        #expect(knn.regress(train: train, targets: [5, 7, 9], query: Matrix(rows: 1, columns: 1, values: [1])) == [7])
        // Weights 1/1, 1/1, 1/3 for targets 5, 7, 9 at query 1… shifted: query 2 → distances 2, 1, 1.
        let predicted = knn.regress(train: train, targets: [5, 7, 9], query: Matrix(rows: 1, columns: 1, values: [2]))[
            0]
        #expect(abs(predicted - (5 * 0.5 + 7 + 9) / 2.5) < 1e-12)
    }

    @Test func standardisationUsesTrainingStatisticsAndKeepsConstantColumns() {
        let train = Matrix(rows: 3, columns: 2, values: [1, 5, 2, 5, 3, 5])
        let preprocessor = Preprocessor(fitting: train, categories: [nil, nil])
        guard case .numeric(_, let mean0, let scale0) = preprocessor.steps[0],
            case .numeric(_, let mean1, let scale1) = preprocessor.steps[1]
        else {
            Issue.record("numeric steps expected"); return
        }
        #expect(mean0 == 2 && mean1 == 5)
        #expect(abs(scale0 - (2.0 / 3).squareRoot()) < 1e-12)
        #expect(scale1 == 1, "a constant column keeps scale 1")
        let out = preprocessor.transform(Matrix(rows: 1, columns: 2, values: [2, 6]))
        #expect(out.values == [0, 1])
    }

    @Test func foldTrainerScoresIrisLikeData() throws {
        let table = try CSVTable(
            parsing: "a,b,label\n"
                + (0..<40).map { "\($0 % 2 == 0 ? 0.1 : 5.2),\(Double($0) / 40),\($0 % 2 == 0 ? "x" : "y")" }.joined(
                    separator: "\n"))
        let dataset = try Dataset(csv: table, target: "label", classification: true)
        let assignment = Folds.assign(rows: 40, folds: 4, classes: dataset.labels, shuffle: true, seed: 0)
        for model in ["logistic_regression", "knn"] {
            let metrics = try FoldTrainer.evaluate(
                model: builtin(model), params: Params(["k": .int(3)].filter { _ in model == "knn" }),
                dataset: dataset, plan: FoldPlan(scheme: .partition, foldsPerRepeat: 4, assignments: [assignment]),
                fold: 1)
            #expect(metrics["accuracy"] == 1, "\(model): \(metrics)")
            #expect(
                Set(metrics.keys).isSuperset(of: [
                    "accuracy", "balanced_accuracy", "f1_macro", "log_loss", "roc_auc", "f1",
                ]))
        }
        #expect(throws: TrainingError.self) {
            try FoldTrainer.evaluate(
                model: builtin("knn"), params: Params(["k": .int(31)]), dataset: dataset,
                plan: FoldPlan(scheme: .partition, foldsPerRepeat: 4, assignments: [assignment]), fold: 0)
        }
    }
}

extension ModelTests {
    @Test func iterativeModelsReportEveryIterationsValidationScores() throws {
        let rows = (0..<60).map { "\(Double($0 % 10)),\(Double($0) / 60),\($0 % 10 < 5 ? "lo" : "hi")" }
        let data = try Dataset(
            csv: try CSVTable(parsing: "a,b,y\n" + rows.joined(separator: "\n")), target: "y", classification: true)
        let plan = FoldPlan.make(
            rows: 60, cv: CVSpec(folds: 3, stratified: true, shuffle: true, seed: 1), classes: data.labels, groups: nil)
        for (model, params, steps) in [
            ("gradient_boosting", Params(["max_iter": .int(12), "min_samples_leaf": .int(5)]), 12),
            ("mlp", Params(["max_iter": .int(7), "hidden_layer_sizes": .int(8)]), 7),
        ] {
            var reports: [(Int, [String: Double])] = []
            let final = try FoldTrainer.evaluate(
                model: builtin(model), params: params, dataset: data, plan: plan, fold: 0,
                progressMetrics: ["accuracy", "log_loss"]
            ) { step, metrics in
                reports.append((step, metrics()))
                return .proceed
            }
            #expect(reports.map(\.0) == Array(1...steps), "\(model)")
            #expect(reports.allSatisfy { Set($0.1.keys) == ["accuracy", "log_loss"] })
            #expect(reports.last?.1["accuracy"] == final["accuracy"], "the last step is the final model")
        }
    }
}

extension ModelTests {
    @Test func aCancelledFitStopsBetweenIterationsAndSaysSo() throws {
        let rows = (0..<60).map { "\(Double($0 % 10)),\(Double($0) / 60),\($0 % 10 < 5 ? "lo" : "hi")" }
        let data = try Dataset(
            csv: try CSVTable(parsing: "a,b,y\n" + rows.joined(separator: "\n")), target: "y", classification: true)
        let plan = FoldPlan.make(
            rows: 60, cv: CVSpec(folds: 3, stratified: true, shuffle: true, seed: 1), classes: data.labels, groups: nil)
        for (model, params) in [
            ("gradient_boosting", Params(["max_iter": .int(200), "min_samples_leaf": .int(5)])),
            ("mlp", Params(["max_iter": .int(200), "hidden_layer_sizes": .int(8)])),
            ("random_forest", Params(["n_estimators": .int(200)])),
        ] {
            var asked = 0
            #expect(throws: TrainingError("fold 0: cancelled"), "\(model)") {
                _ = try FoldTrainer.evaluate(model: builtin(model), params: params, dataset: data, plan: plan, fold: 0)
                { _, _ in
                    asked += 1
                    return asked > 5 ? .stop : .proceed
                }
            }
            #expect(
                asked == 6, "\(model): the fit stops at the iteration told to, not after 200 (asked \(asked) times)")
        }
    }
}
