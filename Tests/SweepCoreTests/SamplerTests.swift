import Testing

@testable import SweepCore

struct SamplerTests {
    let space = [
        Dimension(name: "C", kind: .values([.double(0.1), .int(1), .int(10)])),
        Dimension(name: "k", kind: .int(1, 2)),
        Dimension(name: "fixed", kind: .constant(.string("x"))),
    ]

    @Test func gridExpandsEveryCombinationOnceInParameterGridOrder() {
        let trials = GridSampler.trials(space)
        #expect(trials.count == 6)
        #expect(Set(trials.map(\.params)).count == 6)
        #expect(trials.map(\.number) == Array(0..<6))
        // Sorted by name: C varies slowest, then fixed, then k.
        #expect(trials[0].params.description == "C=0.1 fixed=x k=1")
        #expect(trials[1].params.description == "C=0.1 fixed=x k=2")
        #expect(trials[5].params.description == "C=10 fixed=x k=2")
    }

    @Test func gridOfNoDimensionsIsOneTrial() {
        #expect(GridSampler.trials([]).count == 1)
    }

    @Test func randomIsSeededAndReproducible() {
        let continuous = [
            Dimension(name: "lr", kind: .logUniform(1e-4, 1)), Dimension(name: "d", kind: .uniform(0, 1)),
            Dimension(name: "n", kind: .int(1, 100)),
        ]
        let a = RandomSampler.trials(continuous, count: 50, seed: 42)
        let b = RandomSampler.trials(continuous, count: 50, seed: 42)
        let c = RandomSampler.trials(continuous, count: 50, seed: 43)
        #expect(a.map(\.params) == b.map(\.params))
        #expect(a.map(\.params) != c.map(\.params))
        #expect(Set(a.map(\.params)).count == 50)
        for trial in a {
            let lr = trial.params["lr"]!.number!, d = trial.params["d"]!.number!, n = trial.params["n"]!.number!
            #expect(lr >= 1e-4 && lr <= 1)
            #expect(d >= 0 && d < 1)
            #expect(n >= 1 && n <= 100 && n == n.rounded())
        }
    }

    @Test func randomOnASmallDiscreteSpaceDrawsWithoutReplacement() {
        let trials = RandomSampler.trials(space, count: 20, seed: 1)
        #expect(trials.count == 6, "only 6 distinct configurations exist")
        #expect(Set(trials.map(\.params)) == Set(GridSampler.trials(space).map(\.params)))
        let some = RandomSampler.trials(space, count: 4, seed: 1)
        #expect(Set(some.map(\.params)).count == 4)
    }

    @Test func logUniformCoversDecadesEvenly() {
        let trials = RandomSampler.trials([Dimension(name: "x", kind: .logUniform(1e-3, 1e3))], count: 3000, seed: 5)
        let below1 = trials.filter { $0.params["x"]!.number! < 1 }.count
        #expect(below1 > 1300 && below1 < 1700, "half the draws should fall below 1, got \(below1)")
    }

    @Test func seededGeneratorIsStable() {
        var generator = SeededGenerator(seed: 0)
        let first = (0..<3).map { _ in generator.next() }
        var again = SeededGenerator(seed: 0)
        #expect(first == (0..<3).map { _ in again.next() })
        #expect(Set(first).count == 3)
    }

    @Test func contentHashIsStableAndOrderIndependent() {
        let a = Params(["a": .int(1), "b": .string("x")])
        let b = Params(["b": .string("x"), "a": .int(1)])
        #expect(a.contentHash == b.contentHash)
        #expect(a.json == "{\"a\": 1, \"b\": \"x\"}")
        #expect(a.contentHash != Params(["a": .int(2), "b": .string("x")]).contentHash)
    }
}
