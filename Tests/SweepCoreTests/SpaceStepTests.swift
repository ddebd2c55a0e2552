import Testing

@testable import SweepCore

/// `step` on uniform and int, `log: true` on int (as optuna's Float/IntDistribution): parsed with
/// clear errors, and every sampler's suggestions lie on the step and inside the range.
struct SpaceStepTests {
    static func spec(_ space: String, algorithm: String = "random, trials: 10") -> String {
        """
        trainer: {command: [python3, train.py]}
        search: {algorithm: \(algorithm)}
        space:
        \(space)
        objective: {metric: loss, goal: minimize}
        """
    }

    /// A stepped int, a stepped float, a log int and a plain float (so random draws, not a shuffled grid).
    let space = [
        Dimension(name: "width", kind: .int(16, 256), step: 16),
        Dimension(name: "dropout", kind: .uniform(0, 0.5), step: 0.05),
        Dimension(name: "batch", kind: .int(1, 1024), log: true),
        Dimension(name: "x", kind: .uniform(-1, 1)),
    ]

    func run(_ algorithm: SearchAlgorithm, space: [Dimension], trials: Int, seed: UInt64 = 3) -> [Params] {
        var driver = SearchDriver(
            .init(space: space, algorithm: algorithm, seed: seed, trials: trials, goal: .minimize))
        var all: [Params] = []
        while let trial = driver.nextTrial(now: 0) {
            all.append(trial.params)
            let width = trial.params["width"]?.number ?? 0, x = trial.params["x"]?.number ?? 0
            _ = driver.foldFinished(trial: trial.number, fold: 0, value: abs(width - 96) + x * x)
        }
        return all
    }

    func expectOnStep(_ params: Params) {
        guard case .int(let width)? = params["width"], case .double(let dropout)? = params["dropout"],
            case .int(let batch)? = params["batch"]
        else {
            Issue.record("unexpected value types in \(params)")
            return
        }
        #expect(width >= 16 && width <= 256 && width % 16 == 0, "\(width)")
        let steps = dropout / 0.05
        #expect(dropout >= 0 && dropout <= 0.5 && abs(steps - steps.rounded()) < 1e-9, "\(dropout)")
        #expect(dropout.description.count <= 4, "a stepped float reads as written: \(dropout)")
        #expect(batch >= 1 && batch <= 1024)
    }

    @Test func parsesStepAndLog() throws {
        let spec = try SpecParser.parse(
            Self.spec(
                """
                  width: {int: [16, 256], step: 16}
                  dropout: {uniform: [0, 1], step: 0.1}
                  batch: {int: [1, 1024], log: true}
                  lr: {uniform: [0.001, 1], log: true}
                """))
        let byName = Dictionary(uniqueKeysWithValues: spec.space.map { ($0.name, $0) })
        #expect(byName["width"]!.kind == .int(16, 256) && byName["width"]!.step == 16)
        #expect(byName["width"]!.discreteCount == 16 && byName["width"]!.discreteValues?.last == .int(256))
        #expect(byName["dropout"]!.discreteCount == 11)
        #expect(byName["dropout"]!.discreteValues?[3] == .double(0.3), "0.1 × 3 is 0.3, not 0.30000000000000004")
        #expect(byName["batch"]!.log && byName["batch"]!.step == nil && byName["batch"]!.discreteCount == 1024)
        #expect(byName["lr"]!.kind == .logUniform(0.001, 1), "log: true on uniform is loguniform")
    }

    @Test func badStepsAndLogsSayWhatWouldBeRight() {
        let cases: [(String, String)] = [
            (
                "  w: {int: [16, 250], step: 16}",
                "line 4: space.w.step: hi − lo = 234 is not a multiple of the step 16; the nearest valid hi is 256"
            ),
            (
                "  d: {uniform: [0, 0.97], step: 0.1}",
                "line 4: space.d.step: hi − lo = 0.97 is not a multiple of the step 0.1; the nearest valid hi is 1"
            ),
            (
                "  w: {int: [1, 64], step: 4, log: true}",
                "line 4: space.w.step: step and log: true exclude each other (as in optuna); keep one"
            ),
            (
                "  w: {int: [0, 64], log: true}",
                "line 4: space.w.log: log: true needs lo ≥ 1 (the logarithm of 0 is undefined)"
            ),
            ("  w: {int: [1, 64], step: 0.5}", "line 4: space.w.step: expected an integer ≥ 1, got the number 0.5"),
            ("  d: {uniform: [0, 1], step: -0.1}", "line 4: space.d.step: expected a step > 0, got -0.1"),
            (
                "  d: {loguniform: [0.01, 1], step: 0.01}",
                "line 4: space.d.step: a logarithmic range takes no step (as in optuna); use uniform or int for a step"
            ),
            (
                "  d: {values: [1, 2], step: 1}",
                "line 4: space.d.step: step and log apply to {uniform: [lo, hi]} and {int: [lo, hi]} only"
            ),
        ]
        for (space, problem) in cases {
            #expect(specProblems(Self.spec(space)) == [problem], "\(space)")
        }
    }

    @Test func gridTakesASteppedRangeAsItsValues() throws {
        let spec = try SpecParser.parse(
            Self.spec("  w: {int: [16, 64], step: 16}\n  d: {uniform: [0, 0.2], step: 0.1}", algorithm: "grid"))
        let trials = GridSampler.trials(spec.space).map(\.params)
        #expect(trials.count == 12)
        #expect(Set(trials.compactMap { $0["d"] }) == [.double(0), .double(0.1), .double(0.2)])
        #expect(Set(trials.compactMap { $0["w"] }) == [.int(16), .int(32), .int(48), .int(64)])
        #expect(specProblems(Self.spec("  w: {int: [1, 8], log: true}", algorithm: "grid")).isEmpty)
    }

    @Test(arguments: [SearchAlgorithm.random, .sobol, .tpe, .nsga2])
    func everySamplerStaysOnTheStep(_ algorithm: SearchAlgorithm) {
        let trials = run(algorithm, space: space, trials: 60)
        #expect(trials.count == 60 && Set(trials).count == 60)
        for params in trials { expectOnStep(params) }
        #expect(Set(trials.map { $0["width"]! }).count > 5, "the steps are explored")
    }

    @Test func gridAndRandomOnASteppedOnlySpaceCoverItWithoutRepeats() {
        let stepped = Array(space.prefix(2))
        for algorithm in [SearchAlgorithm.grid, .random] {
            let trials = run(algorithm, space: stepped, trials: algorithm == .grid ? 1000 : 176)
            #expect(trials.count == 16 * 11 && Set(trials).count == 16 * 11, "\(algorithm)")
            for params in trials {
                var full = params.entries.reduce(into: [String: ParamValue]()) { $0[$1.name] = $1.value }
                full["batch"] = .int(1)
                expectOnStep(Params(full))
            }
        }
    }

    @Test(arguments: [SearchAlgorithm.random, .sobol, .tpe, .nsga2])
    func sameSeedSameSteppedSuggestions(_ algorithm: SearchAlgorithm) {
        let a = run(algorithm, space: space, trials: 30, seed: 11)
        #expect(a == run(algorithm, space: space, trials: 30, seed: 11))
        #expect(a != run(algorithm, space: space, trials: 30, seed: 12))
    }

    @Test func aLogIntIsUniformInLogSpace() {
        let batch = [
            Dimension(name: "batch", kind: .int(1, 1024), log: true), Dimension(name: "x", kind: .uniform(0, 1)),
        ]
        let draws = run(.random, space: batch, trials: 4000).compactMap { $0["batch"]?.number }
        let small = draws.filter { $0 <= 32 }.count
        // log-uniform on [0.5, 1024.5]: P(value ≤ 32) = log(32.5 / 0.5) / log(1024.5 / 0.5) ≈ 0.55;
        // a plain uniform int would give 0.03.
        #expect(Double(small) / Double(draws.count) > 0.5 && Double(small) / Double(draws.count) < 0.6)
        // P(value = 1) = log(1.5 / 0.5) / log(1024.5 / 0.5) ≈ 0.144 (optuna 5.1 RandomSampler, seed 0, 4000 draws: 0.151; P(≤ 32): 0.550).
        let ones = Double(draws.filter { $0 == 1 }.count) / Double(draws.count)
        #expect(ones > 0.12 && ones < 0.17, "\(ones)")
        #expect(draws.allSatisfy { $0 >= 1 && $0 <= 1024 })
    }

    @Test func randomOnASmallLogIntSpaceStillFavoursSmallValues() {
        // 1024 integers are listed and drawn without replacement; the order follows the log weights.
        let batch = [Dimension(name: "batch", kind: .int(1, 1024), log: true)]
        let firsts = (0..<20).flatMap { seed in
            run(.random, space: batch, trials: 10, seed: UInt64(seed)).compactMap { $0["batch"]?.number }
        }
        let small = Double(firsts.filter { $0 <= 32 }.count) / Double(firsts.count)
        #expect(small > 0.3, "uniform order would give 0.03; got \(small)")
        let all = run(.random, space: batch, trials: 2000, seed: 1)
        #expect(all.count == 1024 && Set(all).count == 1024, "still every value once")
        #expect(run(.random, space: batch, trials: 10, seed: 4) == run(.random, space: batch, trials: 10, seed: 4))
    }

    @Test func enqueuedAndWarmStartValuesMustLieOnTheStep() {
        let width = space[0], dropout = Dimension(name: "d", kind: .uniform(0, 1), step: 0.1)
        #expect(width.member(.int(48)) == .int(48) && width.member(.double(64)) == .int(64))
        #expect(width.member(.int(40)) == nil && width.member(.int(272)) == nil)
        #expect(dropout.member(.double(0.30000000000000004)) == .double(0.3), "held as the sampler writes it")
        #expect(dropout.member(.double(0.35)) == nil && dropout.member(.int(1)) == .double(1))
        #expect(width.allowed == "an integer in [16, 256] on steps of 16")
        let problems = specProblems(
            Self.spec("  w: {int: [16, 64], step: 16}", algorithm: "random, trials: 4, enqueue: [{w: 40}, {w: 48}]"))
        #expect(
            problems == [
                "line 2: search.enqueue[0].w: 40 is outside the space: expected an integer in [16, 64] on steps of 16"
            ], "\(problems)")
    }

    @Test func tpeMapsASteppedAxisToItsIndices() {
        let width = space[0], dropout = space[1]
        #expect(Axis.coordinate(.int(48), of: width) == 2)
        #expect(Axis.value(at: 2.4, of: width) == .int(48))
        #expect(Axis.value(at: 99, of: width) == .int(256))
        #expect(Axis.value(at: 5.6, of: dropout) == .double(0.3))
        guard case .numeric(let low, let high, _, let isInteger) = Axis(width) else {
            Issue.record("a stepped int is a numeric axis")
            return
        }
        #expect(low == -0.5 && high == 15.5 && isInteger)
    }
}
