import Testing

@testable import SweepCore

@Suite struct ParetoTests {
    @Test func ranksPeelFronts() {
        let points: [[Double]] = [[1, 4], [2, 2], [4, 1], [3, 3], [5, 5], [2, 2]]
        #expect(Pareto.ranks(points) == [0, 0, 0, 1, 2, 0])
        #expect(Pareto.front(points) == [0, 1, 2, 5])
    }

    @Test func feasiblePointsDominateInfeasibleOnes() {
        let points: [[Double]] = [[0, 0], [5, 5], [6, 6]]
        let ranks = Pareto.ranks(points, violations: [2, 0, 0])
        #expect(ranks == [2, 0, 1])
        #expect(Pareto.front(points, violations: [2, 0, 0]) == [1])
        #expect(Pareto.front([[0, 0]], violations: [1]).isEmpty)
    }

    @Test func crowdingGivesBoundariesInfinity() {
        let distance = Pareto.crowding([[0, 4], [1, 2], [2, 1], [4, 0]])
        #expect(distance[0] == .infinity && distance[3] == .infinity)
        #expect(abs(distance[1] - (2.0 / 4 + 3.0 / 4)) < 1e-12)
        #expect(abs(distance[2] - (3.0 / 4 + 2.0 / 4)) < 1e-12)
    }

    @Test func hypervolumeIsTheUnionOfBoxes() {
        #expect(Pareto.hypervolume([[1, 3], [2, 1]], reference: [4, 4]) == 7)
        #expect(Pareto.hypervolume([[1, 3], [2, 1], [3, 3], [5, 0]], reference: [4, 4]) == 7)
        #expect(Pareto.hypervolume([], reference: [1, 1]) == 0)
        // Three objectives: two unit-offset boxes in a 2-cube overlap in a unit cube.
        let volume = Pareto.hypervolume([[0, 0, 1], [1, 1, 0]], reference: [2, 2, 2])
        #expect(volume == 4 + 2 - 1)
    }
}
