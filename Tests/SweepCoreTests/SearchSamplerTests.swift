import Glibc
import Testing

@testable import SweepCore

struct SearchSamplerTests {
    let mixed = [
        Dimension(name: "lr", kind: .logUniform(1e-4, 1)),
        Dimension(name: "x", kind: .uniform(-5, 10)),
        Dimension(name: "n", kind: .int(1, 20)),
        Dimension(name: "kernel", kind: .values([.string("rbf"), .string("linear")])),
        Dimension(
            name: "gamma", kind: .logUniform(1e-3, 10), condition: Condition(parent: "kernel", values: [.string("rbf")])
        ),
    ]

    func run(
        _ algorithm: SearchAlgorithm, space: [Dimension], trials: Int, seed: UInt64 = 1,
        objective: (Params) -> Double = { _ in 0 }
    ) -> [Trial] {
        var driver = SearchDriver(
            .init(space: space, algorithm: algorithm, seed: seed, trials: trials, goal: .minimize))
        var all: [Trial] = []
        while let trial = driver.nextTrial(now: 0) {
            all.append(trial)
            _ = driver.foldFinished(trial: trial.number, fold: 0, value: objective(trial.params))
        }
        return all
    }

    func checkBounds(_ params: Params) {
        let lr = params["lr"]!.number!, x = params["x"]!.number!, n = params["n"]!
        #expect(lr >= 1e-4 && lr <= 1)
        #expect(x >= -5 && x <= 10)
        guard case .int(let count) = n else { Issue.record("n must stay an integer, got \(n)"); return }
        #expect(count >= 1 && count <= 20)
        let kernel = params["kernel"]!
        if kernel == .string("rbf") {
            let gamma = params["gamma"]?.number
            #expect(gamma != nil && gamma! >= 1e-3 && gamma! <= 10, "gamma exists exactly when kernel is rbf")
        } else {
            #expect(params["gamma"] == nil, "gamma must not exist for kernel \(kernel)")
        }
    }

    @Test(arguments: [SearchAlgorithm.random, .sobol, .tpe, .nsga2])
    func everySamplerStaysInBoundsAndHonoursConditions(_ algorithm: SearchAlgorithm) {
        let trials = run(algorithm, space: mixed, trials: 60) { params in params["x"]!.number! * params["x"]!.number! }
        #expect(trials.count == 60)
        #expect(Set(trials.map(\.params)).count == 60, "no configuration twice")
        for trial in trials { checkBounds(trial.params) }
        #expect(Set(trials.map { $0.params["kernel"]! }).count == 2)
    }

    @Test(arguments: [SearchAlgorithm.random, .sobol, .tpe, .nsga2])
    func sameSeedSameSuggestions(_ algorithm: SearchAlgorithm) {
        let a = run(algorithm, space: mixed, trials: 30, seed: 7) { $0["x"]!.number! }
        let b = run(algorithm, space: mixed, trials: 30, seed: 7) { $0["x"]!.number! }
        let c = run(algorithm, space: mixed, trials: 30, seed: 8) { $0["x"]!.number! }
        #expect(a.map(\.params) == b.map(\.params))
        #expect(a.map(\.params) != c.map(\.params))
    }

    @Test func gridDropsConditionalDimensionsWhereTheyAreOff() {
        let space = [
            Dimension(name: "kernel", kind: .values([.string("rbf"), .string("linear")])),
            Dimension(
                name: "gamma", kind: .values([.double(0.1), .double(1)]),
                condition: Condition(parent: "kernel", values: [.string("rbf")])),
        ]
        let trials = GridSampler.trials(space)
        #expect(trials.map(\.params.description) == ["gamma=0.1 kernel=rbf", "kernel=linear", "gamma=1.0 kernel=rbf"])
    }

    @Test func randomOnADiscreteSpaceCoversItWithoutRepeatsThenEnds() {
        let space = [
            Dimension(name: "a", kind: .int(1, 4)), Dimension(name: "b", kind: .values([.bool(true), .bool(false)])),
        ]
        var driver = SearchDriver(.init(space: space, algorithm: .random, seed: 3, trials: 100))
        var seen: [Params] = []
        while let trial = driver.nextTrial(now: 0) { seen.append(trial.params) }
        #expect(seen.count == 8)
        #expect(Set(seen).count == 8)
        #expect(driver.exhausted == "every configuration of the space was tried")
    }

    @Test func tpeNeverRepeatsOnASmallDiscreteSpace() {
        let space = [
            Dimension(name: "a", kind: .int(1, 5)), Dimension(name: "b", kind: .values([.string("x"), .string("y")])),
        ]
        let trials = run(.tpe, space: space, trials: 10) { Double($0["a"]!.number!) }
        #expect(trials.count == 10)
        #expect(Set(trials.map(\.params)).count == 10, "all ten configurations, each once")
    }

    @Test func sobolSplitsEveryAxisEvenlyInBlocksOfPowersOfTwo() {
        var sampler = SobolSampler(
            SearchSpace((0..<5).map { Dimension(name: "d\($0)", kind: .uniform(0, 1)) }), seed: 11)
        let points = (0..<64).map { _ in sampler.nextPoint() }
        for axis in 0..<5 {
            var counts = [Int](repeating: 0, count: 8)
            for point in points { counts[Int(point[axis] * 8)] += 1 }
            #expect(
                counts == Array(repeating: 8, count: 8), "axis \(axis): each eighth holds 8 of 64 points, got \(counts)"
            )
        }
    }

    @Test func constantLiarSteersParallelSuggestionsApart() {
        // Two suggestions made while both are still running must differ, and the second must
        // keep away from the first (with the liar the first counts as a bad point).
        let space = [Dimension(name: "x", kind: .uniform(0, 1))]
        var driver = SearchDriver(
            .init(
                space: space, algorithm: .tpe, seed: 5,
                tpe: {
                    var o = TPEOptions(); o.startupTrials = 5; return o
                }(),
                trials: 40, goal: .minimize))
        for _ in 0..<20 {
            let trial = driver.nextTrial(now: 0)!
            let x = trial.params["x"]!.number!
            _ = driver.foldFinished(trial: trial.number, fold: 0, value: (x - 0.3) * (x - 0.3))
        }
        let first = driver.nextTrial(now: 0)!
        let second = driver.nextTrial(now: 0)!
        #expect(first.params != second.params)
        #expect(driver.history.entries[first.number].state == .running)
    }

    @Test func tpeBeatsRandomOnASmoothObjective() {
        let space = [Dimension(name: "x", kind: .uniform(-5, 10)), Dimension(name: "y", kind: .uniform(0, 15))]
        func branin(_ p: Params) -> Double {
            let x = p["x"]!.number!, y = p["y"]!.number!
            let b = 5.1 / (4 * Double.pi * Double.pi), c = 5 / Double.pi, t = 1 / (8 * Double.pi)
            let inner: Double = y - b * x * x + c * x - 6
            return inner * inner + 10 * (1 - t) * cos(x) + 10
        }
        var tpe: [Double] = [], random: [Double] = []
        for seed in 0..<20 as Range<UInt64> {
            tpe.append(
                run(.tpe, space: space, trials: 60, seed: seed, objective: branin).map { branin($0.params) }.min()!)
            random.append(
                run(.random, space: space, trials: 60, seed: seed, objective: branin).map { branin($0.params) }.min()!)
        }
        let (tpeMedian, randomMedian) = (tpe.sorted()[10], random.sorted()[10])
        #expect(
            tpeMedian < randomMedian * 0.8,
            "TPE's median best Branin value (\(tpeMedian)) should clearly beat random search's (\(randomMedian))")
    }

    @Test func budgetsEndTheSearch() {
        let space = [Dimension(name: "x", kind: .uniform(0, 1))]
        var timed = SearchDriver(.init(space: space, algorithm: .random, seed: 1, timeLimit: 10))
        #expect(timed.nextTrial(now: 100) != nil)
        #expect(timed.nextTrial(now: 109.9) != nil)
        #expect(timed.nextTrial(now: 110) == nil)
        #expect(timed.exhausted == "the time limit (10 s) is reached")

        var patient = SearchDriver(
            .init(space: space, algorithm: .random, seed: 1, stopAfterNoImprovement: 3, goal: .maximize))
        let values = [0.5, 0.7, 0.6, 0.8, 0.1, 0.2, 0.3, 0.9]
        var started = 0
        for value in values {
            guard let trial = patient.nextTrial(now: 0) else { break }
            started += 1
            _ = patient.foldFinished(trial: trial.number, fold: 0, value: value)
        }
        #expect(started == 7, "after the best (0.8), three trials without improvement end the search")
        #expect(patient.exhausted == "3 trials in a row finished without improving the best")
    }
}
