import Foundation
import Testing

@testable import SweepCore
@testable import SweepML

/// Known answers on small hand-checked data for the larger model library.
struct MoreModelTests {
    @Test func lassoSoftThresholdsAOneFeatureFit() {
        // Centred x with Σx²/n = 5 and Σxy/n = 10: w = S(10, α) / 5.
        let x = Matrix(rows: 4, columns: 1, values: [-3, -1, 1, 3])
        let y = [-6.0, -2, 2, 6]
        let fitted = ElasticNet(alpha: 1, l1Ratio: 1, maxIterations: 100, tolerance: 1e-10).fit(x, targets: y)
        #expect(abs(fitted.coefficients[0] - 9.0 / 5) < 1e-9)
        let zero = ElasticNet(alpha: 20, l1Ratio: 1).fit(x, targets: y)
        #expect(zero.coefficients[0] == 0, "a penalty larger than the correlation zeroes the weight")
    }

    @Test func gaussianNaiveBayesFollowsItsDensities() {
        let x = Matrix(rows: 4, columns: 1, values: [0, 2, 10, 12])
        let fitted = GaussianNaiveBayes(varSmoothing: 0).fit(x, labels: [0, 0, 1, 1], classes: 2)
        #expect(fitted.means == [1, 11] && fitted.variances == [1, 1])
        let p = fitted.probabilities(Matrix(rows: 1, columns: 1, values: [6]))
        #expect(abs(p[0, 0] - 0.5) < 1e-12, "halfway between equal Gaussians")
        #expect(fitted.probabilities(Matrix(rows: 1, columns: 1, values: [1]))[0, 0] > 0.999)
    }

    @Test func treesSplitExactlyWhereTheDataChanges() {
        var generator = SeededGenerator(seed: 0)
        let x = Matrix(rows: 6, columns: 1, values: [1, 2, 3, 10, 11, 12])
        let tree = DecisionTree(criterion: .gini).fit(
            x, target: .classes([0, 0, 0, 1, 1, 1], count: 2), generator: &generator)
        #expect(tree.feature[0] == 0 && tree.threshold[0] == 6.5, "the midpoint between 3 and 10")
        let regression = DecisionTree(criterion: .squaredError, maxDepth: 1).fit(
            x, target: .values([5, 5, 5, 9, 9, 9]), generator: &generator)
        guard case .values(let predicted) = regression.predict(Matrix(rows: 2, columns: 1, values: [0, 100])) else {
            Issue.record("values expected"); return
        }
        #expect(predicted == [5, 9])
        let stump = DecisionTree(criterion: .gini, minSamplesLeaf: 4).fit(
            x, target: .classes([0, 0, 0, 1, 1, 1], count: 2), generator: &generator)
        #expect(stump.feature == [-1], "no split leaves 4 rows on each side of 6")
    }

    @Test func forestsAreDeterministicUnderTheirSeed() {
        var generator = SeededGenerator(seed: 3)
        let values = (0..<200).map { _ in generator.unit() }
        let x = Matrix(rows: 100, columns: 2, values: values)
        let labels = (0..<100).map { values[2 * $0] + values[2 * $0 + 1] > 1 ? 1 : 0 }
        let tree = DecisionTree(criterion: .gini, maxFeatures: 1)
        let a = RandomForest(trees: 10, tree: tree, seed: 1).fit(x, target: .classes(labels, count: 2)).predict(x)
        let b = RandomForest(trees: 10, tree: tree, seed: 1).fit(x, target: .classes(labels, count: 2)).predict(x)
        let c = RandomForest(trees: 10, tree: tree, seed: 2).fit(x, target: .classes(labels, count: 2)).predict(x)
        guard case .probabilities(let pa) = a, case .probabilities(let pb) = b, case .probabilities(let pc) = c else {
            return
        }
        #expect(pa.values == pb.values)
        #expect(pa.values != pc.values)
        #expect(Metrics.accuracy(labels, Metrics.argmax(pa)) > 0.95)
    }

    @Test func gradientBoostingFitsAStepAndSeparatesClasses() {
        let x = Matrix(rows: 40, columns: 1, values: (0..<40).map(Double.init))
        var booster = GradientBoosting()
        booster.minSamplesLeaf = 5
        booster.maxIterations = 200
        let regression = booster.fit(x, target: .values((0..<40).map { $0 < 20 ? 1.0 : 3.0 }))
        guard case .values(let predicted) = regression.predict(Matrix(rows: 2, columns: 1, values: [5, 35])) else {
            return
        }
        #expect(abs(predicted[0] - 1) < 1e-3 && abs(predicted[1] - 3) < 1e-3)
        let labels = (0..<40).map { $0 % 20 < 10 ? 0 : ($0 < 20 ? 1 : 2) }
        let classifier = booster.fit(x, target: .classes(labels, count: 3))
        guard case .probabilities(let p) = classifier.predict(x) else { return }
        #expect(Metrics.accuracy(labels, Metrics.argmax(p)) == 1)
    }

    @Test func anMLPLearnsXORAndRepeatsItselfUnderASeed() {
        let x = Matrix(rows: 4, columns: 2, values: [0, 0, 0, 1, 1, 0, 1, 1])
        var network = MultilayerPerceptron()
        network.hiddenLayers = [8]
        network.activation = .tanh
        network.learningRate = 0.05
        network.maxEpochs = 500
        network.tolerance = 0
        network.seed = 7
        let a = network.fit(x, target: .classes([0, 1, 1, 0], count: 2))
        let b = network.fit(x, target: .classes([0, 1, 1, 0], count: 2))
        #expect(a.weights == b.weights)
        guard case .probabilities(let p) = a.predict(x) else { return }
        #expect(Metrics.argmax(p) == [0, 1, 1, 0])
    }
}
