import Foundation
import SweepCore
import Testing

@testable import SweepML

/// fANOVA on a random-forest surrogate: exact on a hand-made tree, and the right ranking on
/// functions whose importances are known.
@Suite struct FanovaTests {
    /// x < 0.5 → 0, else 1 (over [0, 1]²): all the variance is x's.
    static let step = DecisionTree.Fitted(
        feature: [0, -1, -1], threshold: [0.5, 0, 0], left: [1, -1, -1], right: [2, -1, -1], values: [0.5, 0, 1],
        outputs: 1, isRegression: true)

    @Test func oneSplitTreeIsExact() {
        let tree = FanovaTree(Self.step, bounds: [(0, 1), (0, 1)])
        #expect(tree.variance == 0.25)
        #expect(tree.marginalVariance([0]) == 0.25)
        #expect(tree.marginalVariance([1]) == 0)
        #expect(tree.marginalVariance([0, 1]) == 0.25)
    }

    /// x ≤ 0.25 → 0 else (y ≤ 0.5 → 2 else 4), over [0, 1] × [0, 2]: cells of unequal volume.
    @Test func unequalCellsWeighByVolume() {
        let tree = DecisionTree.Fitted(
            feature: [0, -1, 1, -1, -1], threshold: [0.25, 0, 0.5, 0, 0], left: [1, -1, 3, -1, -1],
            right: [2, -1, 4, -1, -1], values: [0, 0, 0, 2, 4], outputs: 1, isRegression: true)
        let fanova = FanovaTree(tree, bounds: [(0, 1), (0, 2)])
        // Volumes 0.5 (value 0), 0.375 (2), 1.125 (4) of 2: mean 2.625, E[f²] = 9.75.
        #expect(abs(fanova.variance - (9.75 - 2.625 * 2.625)) < 1e-12)
        // Marginal of x: 0 on a quarter, 3.5 on three quarters.
        #expect(abs(fanova.marginalVariance([0]) - (0.75 * 3.5 * 3.5 - 2.625 * 2.625)) < 1e-12)
        // Marginal of y: 0.25·0 + 0.75·2 = 1.5 on a quarter of [0, 2], 0.75·4 = 3 on the rest.
        #expect(abs(fanova.marginalVariance([1]) - (0.25 * 2.25 + 0.75 * 9 - 2.625 * 2.625)) < 1e-12)
    }

    @Test func oneColumnPassMatchesTheTraversal() {
        let rows = Self.points(80, dimensions: 3, seed: 11)
        let x = Matrix(rows: rows.count, columns: 3, values: rows.flatMap { $0 })
        let y = rows.map { 3 * $0[0] + sin(6 * $0[1]) + $0[0] * $0[2] }
        let forest = RandomForest(trees: 4, tree: DecisionTree(criterion: .squaredError)).fit(x, target: .values(y))
        for fitted in forest.trees {
            let tree = FanovaTree(fitted, bounds: [(0, 1), (0, 1.5), (-1, 1)])
            for column in 0..<3 {
                let (fast, slow) = (tree.marginalVariance(column: column), tree.marginalVarianceByTraversal([column]))
                #expect(abs(fast - slow) <= 1e-9 * max(slow, 1e-12), "column \(column): \(fast) vs \(slow)")
            }
        }
    }

    static func points(_ count: Int, dimensions: Int, seed: UInt64) -> [[Double]] {
        var generator = SeededGenerator(seed: seed)
        return (0..<count).map { _ in (0..<dimensions).map { _ in Double(generator.next() % 1_000_000) / 1e6 } }
    }

    static func importances(_ rows: [[Double]], _ f: ([Double]) -> Double) -> [Double]? {
        let columns = rows[0].count
        return Fanova.importances(
            x: Matrix(rows: rows.count, columns: columns, values: rows.flatMap { $0 }), y: rows.map(f),
            bounds: Array(repeating: (0, 1), count: columns), groups: (0..<columns).map { [$0] })
    }

    @Test func linearBeatsQuadraticBeatsNothing() throws {
        let rows = Self.points(60, dimensions: 3, seed: 7)
        let shares = try #require(Self.importances(rows) { 10 * $0[0] + $0[1] * $0[1] })
        #expect(abs(shares.reduce(0, +) - 1) < 1e-12)
        #expect(shares[0] > 0.9 && shares[1] > shares[2] && shares[2] < 0.01, "\(shares)")
    }

    @Test func constantTargetHasNoImportance() {
        #expect(Self.importances(Self.points(10, dimensions: 2, seed: 1)) { _ in 3 } == nil)
    }

    @Test func oneParameterTakesItAll() throws {
        let shares = try #require(Self.importances(Self.points(8, dimensions: 1, seed: 2)) { $0[0] * $0[0] })
        #expect(shares == [1])
    }

    @Test func groupedColumnsCountTogether() throws {
        // A three-way one-hot choice worth 0, 1 or 5, plus a weak numeric parameter.
        var generator = SeededGenerator(seed: 3)
        var rows: [[Double]] = []
        var y: [Double] = []
        for _ in 0..<40 {
            let choice = Int(generator.next() % 3), t = Double(generator.next() % 1000) / 1000
            rows.append([choice == 0 ? 1 : 0, choice == 1 ? 1 : 0, choice == 2 ? 1 : 0, t])
            y.append([0, 1, 5][choice] + 0.1 * t)
        }
        let shares = try #require(
            Fanova.importances(
                x: Matrix(rows: 40, columns: 4, values: rows.flatMap { $0 }), y: y,
                bounds: Array(repeating: (0, 1), count: 4), groups: [[0, 1, 2], [3]]))
        #expect(shares.count == 2 && shares[0] > 0.95, "\(shares)")
    }

    /// A 30-level categorical, one trial per level: the one-hot grid has 2^29 cells, which kept
    /// a coordinator busy for minutes writing report.html. Its levels are what is varied.
    @Test func aManyLevelCategoricalIsScoredOverItsLevels() throws {
        let levels = 30
        var rows: [Double] = []
        var y: [Double] = []
        for level in 0..<levels {
            rows += (0..<levels).map { $0 == level ? 1 : 0 }
            y.append(Double(level))
        }
        let bounds = Array(repeating: (low: 0.0, high: 1.0), count: levels)
        let columns = Array(0..<levels)
        let forest = RandomForest(trees: 1, tree: DecisionTree(criterion: .squaredError), bootstrap: false)
            .fit(Matrix(rows: levels, columns: levels, values: rows), target: .values(y))
        let tree = FanovaTree(forest.trees[0], bounds: bounds)
        #expect(columns.reduce(1.0) { $0 * Double(tree.midpoints[$1].count) } > Double(FanovaTree.largestGrid))
        // Over its levels the marginal is the level's own value: the variance of 0…29.
        let expected = Double(levels * levels - 1) / 12
        #expect(abs(tree.marginalVariance(columns) - expected) < 1e-9 * expected, "\(tree.marginalVariance(columns))")
        let shares = try #require(
            Fanova.importances(
                x: Matrix(rows: levels, columns: levels, values: rows), y: y, bounds: bounds, groups: [columns]))
        #expect(shares == [1])
    }

    @Test func mismatchedShapesGiveNil() {
        let x = Matrix(rows: 3, columns: 1, values: [0, 0.5, 1])
        #expect(Fanova.importances(x: x, y: [1, 2], bounds: [(0, 1)], groups: [[0]]) == nil)
        #expect(Fanova.importances(x: x, y: [1, 2, 3], bounds: [(0, 1)], groups: [[1]]) == nil)
    }
}
