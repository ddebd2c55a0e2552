import Testing

@testable import SweepCore

/// NSGA-II: generations, elitism under constrained domination, reproducibility, the space and its
/// conditions, and a better front than random search's on ZDT1.
struct NSGA2SamplerTests {
    typealias Problems = MultiObjectiveProblems

    func options(population: Int) -> NSGA2Options {
        var options = NSGA2Options()
        options.populationSize = population
        return options
    }

    @Test func theFirstGenerationIsRandomAndLaterOnesBreedFromIt() {
        var sampler = NSGA2Sampler(SearchSpace(Problems.zdt1Space(4)), seed: 3, options: options(population: 10))
        let history = Problems.run(&sampler, trials: 30) { (Problems.zdt1($0, 4), nil) }
        // The parents of generation 1 are generation 0's elite: all ten (no more than the population).
        #expect(sampler.parents(of: 1, history) == Array(0..<10))
        let parents = sampler.parents(of: 2, history)
        #expect(parents.count == 10)
        let ranks = Pareto.ranks(history.entries[0..<20].map { $0.losses! })
        let best = (0..<20).filter { ranks[$0] == 0 }
        #expect(Set(best).isSubset(of: Set(parents)), "the front of earlier generations always survives")
    }

    @Test func eliteTakesFeasibleTrialsFirstThenTheSmallestViolations() {
        var history = SearchHistory()
        // Trial 0 dominates every other but misses its constraint; trials 1–3 are feasible.
        let outcomes: [([Double], Double)] = [([0, 0], 2), ([1, 3], 0), ([2, 2], 0), ([3, 3], 0), ([0, 1], 0.5)]
        for (number, outcome) in outcomes.enumerated() {
            history.add(Trial(number: number, params: Params(["x": .double(Double(number))])))
            history.set(number, .complete(outcome.0[0]))
            history.setOutcome(number, losses: outcome.0, violation: outcome.1)
        }
        let sampler = NSGA2Sampler(
            SearchSpace([Dimension(name: "x", kind: .uniform(0, 9))]), seed: 1, options: options(population: 4))
        #expect(sampler.elite(Array(0..<5), .init(history)) == [1, 2, 3, 4])
        // Of the feasible ones, the front (1 and 2) before the dominated 3.
        let three = NSGA2Sampler(
            SearchSpace([Dimension(name: "x", kind: .uniform(0, 9))]), seed: 1, options: options(population: 2))
        #expect(three.elite(Array(0..<5), .init(history)) == [1, 2])
    }

    @Test func sameSeedAndHistorySameSuggestions() {
        let space = SearchSpace(Problems.zdt1Space(3))
        var a = NSGA2Sampler(space, seed: 5, options: options(population: 8))
        var b = NSGA2Sampler(space, seed: 5, options: options(population: 8))
        var c = NSGA2Sampler(space, seed: 6, options: options(population: 8))
        let first = Problems.run(&a, trials: 40) { (Problems.zdt1($0, 3), nil) }
        let second = Problems.run(&b, trials: 40) { (Problems.zdt1($0, 3), nil) }
        let third = Problems.run(&c, trials: 40) { (Problems.zdt1($0, 3), nil) }
        #expect(first.entries.map(\.params) == second.entries.map(\.params))
        #expect(first.entries.map(\.params) != third.entries.map(\.params))
        // A fresh sampler given the recorded history suggests trial 40 as the first would.
        var fresh = NSGA2Sampler(space, seed: 5, options: options(population: 8))
        #expect(
            fresh.suggest(number: 40, attempt: 0, history: first) == a.suggest(number: 40, attempt: 0, history: first))
    }

    @Test func suggestionsStayInTheSpaceAndHonourConditions() {
        let tests = SearchSamplerTests()
        var sampler = NSGA2Sampler(SearchSpace(tests.mixed), seed: 2, options: options(population: 10))
        let history = Problems.run(&sampler, trials: 80) { params in
            let x = params["x"]!.number!, lr = params["lr"]!.number!
            return ([x * x, (x - 2) * (x - 2) + lr], nil)
        }
        for entry in history.entries { tests.checkBounds(entry.params) }
        #expect(Set(history.entries.map { $0.params["kernel"]! }).count == 2)
    }

    @Test func prefersTheFeasibleRegion() {
        // Feasible only where y ≥ 0.8 (a fifth of the space); the objectives pull y to 0.
        let space = SearchSpace([
            Dimension(name: "x", kind: .uniform(0, 1)), Dimension(name: "y", kind: .uniform(0, 1)),
        ])
        var counts: [(Int, Int)] = []
        for seed in 0..<10 {
            func evaluate(_ p: Params) -> ([Double], Double?) {
                let x = p["x"]!.number!, y = p["y"]!.number!
                return ([x, 1 - x + y], max(0, 0.8 - y))
            }
            var nsga2 = NSGA2Sampler(space, seed: UInt64(seed), options: options(population: 10))
            var random = RandomSampler(space, seed: UInt64(seed))
            let ours = Problems.run(&nsga2, trials: 100, evaluate: evaluate)
            let theirs = Problems.run(&random, trials: 100, evaluate: evaluate)
            func feasible(_ history: SearchHistory) -> Int {
                history.entries.suffix(50).filter { $0.violation == 0 }.count
            }
            counts.append((feasible(ours), feasible(theirs)))
        }
        #expect(
            counts.allSatisfy { $0.0 > $0.1 } && counts.map(\.0).reduce(0, +) > 2 * counts.map(\.1).reduce(0, +),
            "feasible of the last 50, ours and random's: \(counts)")
    }

    @Test func findsABetterFrontThanRandomSearch() {
        let space = SearchSpace(Problems.zdt1Space(5))
        var wins = 0
        for seed in 0..<10 {
            var nsga2 = NSGA2Sampler(space, seed: UInt64(seed), options: options(population: 20))
            var random = RandomSampler(space, seed: UInt64(seed))
            let ours = Problems.run(&nsga2, trials: 200) { (Problems.zdt1($0, 5), nil) }
            let theirs = Problems.run(&random, trials: 200) { (Problems.zdt1($0, 5), nil) }
            if Problems.hypervolume(ours, reference: [1.1, 11]) > Problems.hypervolume(theirs, reference: [1.1, 11]) {
                wins += 1
            }
        }
        #expect(wins >= 8, "NSGA-II's front beat random search's for \(wins) of 10 seeds")
    }

    @Test func worksWithOneObjectiveThroughTheDriver() {
        let space = Problems.zdt1Space(3)
        func best(_ algorithm: SearchAlgorithm, seed: UInt64) -> Double {
            var configuration = SearchDriver.Configuration(
                space: space, algorithm: algorithm, seed: seed, trials: 150, goal: .minimize)
            configuration.nsga2 = options(population: 15)
            var driver = SearchDriver(configuration)
            var best = Double.infinity
            while let trial = driver.nextTrial(now: 0) {
                let value = (0..<3).map { trial.params["x\($0)"]!.number! - 0.3 }.reduce(0) { $0 + $1 * $1 }
                best = min(best, value)
                _ = driver.foldFinished(trial: trial.number, fold: 0, value: value)
            }
            return best
        }
        let wins = (0..<8).filter { best(.nsga2, seed: UInt64($0)) < best(.random, seed: UInt64($0)) }.count
        #expect(wins >= 6, "NSGA-II beat random search on a sphere for \(wins) of 8 seeds")
    }

    @Test func parsesItsSettingsAndNamesEveryMistake() throws {
        let head =
            "trainer: {command: [./train.sh]}\nobjective: {metric: loss, goal: minimize}\nspace: {x: {uniform: [0, 1]}}\n"
        #expect(
            specProblems(
                head + "search: {algorithm: nsga2, trials: 100, nsga2: {population_size: 20, mutation_prob: 0.2}}")
                == [])
        let spec = try SpecParser.parse(
            head + "search: {algorithm: nsga2, trials: 100, nsga2: {population_size: 20, mutation_prob: 0.2}}")
        #expect(spec.search.algorithm == .nsga2 && spec.search.nsga2.populationSize == 20)
        #expect(spec.search.nsga2.mutationProb == 0.2 && spec.search.nsga2.crossoverProb == 0.9)
        #expect(
            specProblems(head + "search: {algorithm: nsga2, trials: 9, nsga2: {population_size: 1}}")
                == ["line 4: search.nsga2.population_size: expected an integer ≥ 2, got 1"])
        #expect(
            specProblems(head + "search: {algorithm: nsga2, trials: 9, nsga2: {crossover_prob: 1.5}}")
                == ["line 4: search.nsga2.crossover_prob: expected a probability between 0 and 1, e.g. 0.5; got 1.5"])
        let typo = specProblems(head + "search: {algorithm: nsga2, trials: 9, nsga2: {populaton_size: 8}}")
        #expect(typo.count == 1 && typo[0].contains("did you mean 'population_size'"), "\(typo)")
        #expect(
            specProblems(head + "search: {algorithm: tpe, trials: 9, nsga2: {population_size: 8}}")
                == ["line 4: search.nsga2: nsga2 settings apply only to algorithm: nsga2"])
    }
}
