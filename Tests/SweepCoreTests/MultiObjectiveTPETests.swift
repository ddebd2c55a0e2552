import Testing

@testable import SweepCore

/// Multi-objective and constrained TPE: the below/above split (fronts, hypervolume tie-break,
/// feasible first), reproducibility, the feasible region, and a better front than random's.
struct MultiObjectiveTPETests {
    typealias Problems = MultiObjectiveProblems

    func history(_ outcomes: [([Double], Double?)]) -> SearchHistory {
        var history = SearchHistory()
        for (number, outcome) in outcomes.enumerated() {
            history.add(Trial(number: number, params: Params(["x": .double(Double(number))])))
            history.set(number, .complete(outcome.0[0]))
            history.setOutcome(number, losses: outcome.0.count > 1 ? outcome.0 : nil, violation: outcome.1)
        }
        return history
    }

    @Test func hypervolumeSubsetTakesTheLargestContributionsGreedily() {
        // The reference is 1.1 × the worst point: (2.2, 2.2). The middle point adds most (1.44);
        // then (1.9, 0.1) adds 0.27 against (2, 0)'s 0.2; then (0, 2) adds 0.2 against 0.02.
        let front: [[Double]] = [[0, 2], [1, 1], [2, 0], [1.9, 0.1]]
        #expect(TPESampler.hypervolumeSubset(front, count: 1) == [1])
        #expect(TPESampler.hypervolumeSubset(front, count: 3) == [1, 3, 0])
        // Fewer distinct points than wanted: every distinct one, then repeats in order.
        #expect(TPESampler.hypervolumeSubset([[1, 1], [1, 1], [1, 1], [0, 2]], count: 3) == [0, 1, 3])
    }

    @Test func belowTakesWholeFrontsThenTheHypervolumeChoice() {
        // 30 trials: γ = 3. The front {0, 1, 2} fits exactly; the other trials are dominated.
        var outcomes: [([Double], Double?)] = [([0, 2], nil), ([1, 1], nil), ([2, 0], nil)]
        for k in 0..<27 { outcomes.append(([3 + Double(k), 3], nil)) }
        let sampler = TPESampler(SearchSpace([Dimension(name: "x", kind: .uniform(0, 40))]), seed: 1)
        #expect(sampler.split(history(outcomes), finished: 30).below == [0, 1, 2])
        // With 20 trials, γ = 2: two of the three on the front, by hypervolume contribution.
        let below = sampler.split(history(Array(outcomes.prefix(20))), finished: 20).below
        #expect(below.count == 2 && Set(below).isSubset(of: [0, 1, 2]))
    }

    @Test func feasibleTrialsRankBeforeInfeasibleOnesOrderedByViolation() {
        // One objective: trial 0 has the best loss but is infeasible; γ(20) = 2.
        var outcomes: [([Double], Double?)] = [([-10], 1), ([5], 0), ([-9], 0.5)]
        for k in 0..<17 { outcomes.append(([Double(k) + 6], 0)) }
        let sampler = TPESampler(SearchSpace([Dimension(name: "x", kind: .uniform(0, 40))]), seed: 1)
        #expect(sampler.split(history(outcomes), finished: 20).below == [1, 3])
        // Only infeasible trials: the smallest violations are below.
        let infeasible = (0..<20).map { ([Double($0)], Optional(20 - Double($0))) }
        #expect(sampler.split(history(infeasible), finished: 20).below == [18, 19])
    }

    @Test func oneObjectiveWithoutConstraintsSplitsAsBefore() {
        let outcomes = (0..<40).map { ([Double(($0 * 7) % 40)], Optional<Double>.none) }
        let sampler = TPESampler(SearchSpace([Dimension(name: "x", kind: .uniform(0, 40))]), seed: 1)
        let (below, above) = sampler.split(history(outcomes), finished: 40)
        #expect(below.count == 4 && above.count == 36)
        #expect(below.map { outcomes[$0].0[0] }.sorted() == [0, 1, 2, 3])
    }

    @Test func sameSeedAndHistorySameSuggestions() {
        let space = SearchSpace(Problems.zdt1Space(3))
        var a = TPESampler(space, seed: 5)
        var b = TPESampler(space, seed: 5)
        let first = Problems.run(&a, trials: 30) { (Problems.zdt1($0, 3), nil) }
        let second = Problems.run(&b, trials: 30) { (Problems.zdt1($0, 3), nil) }
        #expect(first.entries.map(\.params) == second.entries.map(\.params))
        var fresh = TPESampler(space, seed: 5)
        #expect(
            fresh.suggest(number: 30, attempt: 0, history: first) == a.suggest(number: 30, attempt: 0, history: first))
    }

    @Test func suggestionsStayInTheSpaceAndHonourConditions() {
        let tests = SearchSamplerTests()
        var sampler = TPESampler(SearchSpace(tests.mixed), seed: 2)
        let history = Problems.run(&sampler, trials: 50) { params in
            let x = params["x"]!.number!, lr = params["lr"]!.number!
            return ([x * x, (x - 2) * (x - 2) + lr], x > 5 ? x - 5 : 0)
        }
        for entry in history.entries { tests.checkBounds(entry.params) }
    }

    @Test func prefersTheFeasibleRegion() {
        let space = SearchSpace([
            Dimension(name: "x", kind: .uniform(0, 1)), Dimension(name: "y", kind: .uniform(0, 1)),
        ])
        var counts: [(Int, Int)] = []
        for seed in 0..<10 {
            func evaluate(_ p: Params) -> ([Double], Double?) {
                let x = p["x"]!.number!, y = p["y"]!.number!
                return ([x, 1 - x + y], max(0, 0.8 - y))
            }
            var tpe = TPESampler(space, seed: UInt64(seed))
            var random = RandomSampler(space, seed: UInt64(seed))
            let ours = Problems.run(&tpe, trials: 60, evaluate: evaluate)
            let theirs = Problems.run(&random, trials: 60, evaluate: evaluate)
            func feasible(_ history: SearchHistory) -> Int {
                history.entries.suffix(30).filter { $0.violation == 0 }.count
            }
            counts.append((feasible(ours), feasible(theirs)))
        }
        #expect(
            counts.allSatisfy { $0.0 > $0.1 } && counts.map(\.0).reduce(0, +) > 2 * counts.map(\.1).reduce(0, +),
            "feasible of the last 30, ours and random's: \(counts)")
    }

    @Test func findsABetterFrontThanRandomSearch() {
        let space = SearchSpace(Problems.zdt1Space(5))
        var wins = 0
        for seed in 0..<8 {
            var tpe = TPESampler(space, seed: UInt64(seed))
            var random = RandomSampler(space, seed: UInt64(seed))
            let ours = Problems.run(&tpe, trials: 80) { (Problems.zdt1($0, 5), nil) }
            let theirs = Problems.run(&random, trials: 80) { (Problems.zdt1($0, 5), nil) }
            if Problems.hypervolume(ours, reference: [1.1, 11]) > Problems.hypervolume(theirs, reference: [1.1, 11]) {
                wins += 1
            }
        }
        #expect(wins >= 7, "multi-objective TPE's front beat random search's for \(wins) of 8 seeds")
    }
}
