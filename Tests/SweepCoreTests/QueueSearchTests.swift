import SweepML
import Testing

@testable import SweepCore

/// `search.enqueue` and `search.warm_start` as users write them, and the search driver running
/// enqueued configurations first and learning from prior trials.
struct QueueSearchTests {
    let svc = """
        trainer: {model: noop}
        space:
          C: {loguniform: [0.01, 100]}
          kernel: {values: [rbf, linear]}
          gamma: {loguniform: [0.001, 1], when: {kernel: rbf}}

        """

    @Test func parsesEnqueueAndWarmStartAsTheSpaceHoldsThem() throws {
        let spec = try SpecParser.parse(
            svc + """
                search:
                  algorithm: tpe
                  trials: 20
                  warm_start: [runs/earlier, /abs/other]
                  enqueue: [{C: 1, kernel: linear}, {kernel: rbf, gamma: 0.1}]
                """)
        #expect(spec.search.warmStart == ["runs/earlier", "/abs/other"])
        #expect(
            spec.search.enqueue == [
                Params(["C": .double(1), "kernel": .string("linear")]),
                Params(["kernel": .string("rbf"), "gamma": .double(0.1)]),
            ], "C: 1 for a range is stored as 1.0; missing C in the second is drawn when it starts")
    }

    @Test func everyEnqueueMistakeIsNamedWithItsLine() {
        let problems = specProblems(
            svc + """
                search:
                  algorithm: tpe
                  trials: 20
                  enqueue:
                    - {c: 1}
                    - {C: 1000, kernel: poly}
                    - {kernel: linear, gamma: 0.1}
                    - {gamma: 0.1}
                """)
        #expect(
            problems == [
                "line 10: search.enqueue[0].c: 'c' is not a parameter of the space; parameters: C, gamma, kernel; did you mean 'C'?",
                "line 11: search.enqueue[1].C: 1000 is outside the space: expected a number in [0.01, 100]",
                "line 11: search.enqueue[1].kernel: \"poly\" is outside the space: expected one of \"rbf\", \"linear\"",
                "line 12: search.enqueue[2].gamma: 'gamma' applies only when kernel is \"rbf\", and here it is \"linear\": remove gamma",
                "line 13: search.enqueue[3].gamma: 'gamma' applies only when kernel is \"rbf\": give kernel too",
            ], "\(problems)")
    }

    let xy = [
        Dimension(name: "x", kind: .int(0, 3)), Dimension(name: "y", kind: .values([.string("a"), .string("b")])),
    ]

    func run(_ configuration: SearchDriver.Configuration) -> [Params] {
        var driver = SearchDriver(configuration)
        var out: [Params] = []
        while let trial = driver.nextTrial(now: 0) { out.append(trial.params) }
        return out
    }

    @Test func gridRunsItsCombinationsAfterTheQueueSkippingDuplicates() {
        var configuration = SearchDriver.Configuration(space: xy, algorithm: .grid)
        let queued = Params(["x": .int(2), "y": .string("b")])
        configuration.enqueue = [queued, queued]
        let trials = run(configuration)
        let grid = GridSampler.trials(xy).map(\.params)
        #expect(trials.first == queued)
        #expect(trials.count == grid.count, "the duplicate in the queue and in the grid run once")
        #expect(Array(trials.dropFirst()) == grid.filter { $0 != queued })
    }

    @Test func randomAndSobolRunTheSameSequenceAfterTheQueueAsWithout() {
        let space = [Dimension(name: "x", kind: .uniform(0, 1)), Dimension(name: "y", kind: .int(0, 1000))]
        for algorithm in [SearchAlgorithm.random, .sobol] {
            let plain = run(.init(space: space, algorithm: algorithm, seed: 9, trials: 8))
            var queued = SearchDriver.Configuration(space: space, algorithm: algorithm, seed: 9, trials: 10)
            queued.enqueue = [Params(["x": .double(0.5)]), Params(["x": .double(0.25), "y": .int(3)])]
            let trials = run(queued)
            #expect(trials[1] == Params(["x": .double(0.25), "y": .int(3)]))
            #expect(trials[0]["x"] == .double(0.5) && trials[0]["y"] != nil, "a missing parameter is drawn")
            #expect(Array(trials.dropFirst(2)) == plain, "\(algorithm)")
            // Resumed after 5 trials: replaying the queue must not advance the sampler.
            var resumed = SearchDriver(queued)
            for (number, params) in trials.prefix(5).enumerated() {
                resumed.replay(Trial(number: number, params: params))
            }
            var rest: [Params] = []
            while let trial = resumed.nextTrial(now: 0) { rest.append(trial.params) }
            #expect(rest == Array(trials.dropFirst(5)), "\(algorithm)")
        }
    }

    @Test func priorTrialsTeachTPEAndAreNeverRunAgain() {
        var configuration = SearchDriver.Configuration(space: xy, algorithm: .tpe, seed: 1, trials: 6, goal: .minimize)
        configuration.tpe.startupTrials = 3
        let prior = (0..<3).map { x in
            PriorTrial(
                source: "old", sourceTrial: x, params: Params(["x": .int(x), "y": .string("a")]), value: Double(x),
                pruned: false)
        }
        configuration.prior = prior.map { $0.entry(goal: .minimize) }
        var driver = SearchDriver(configuration)
        #expect(driver.history.priorCount == 3 && driver.history.count == 0)
        var trials: [Params] = []
        while let trial = driver.nextTrial(now: 0) {
            trials.append(trial.params)
            _ = driver.foldFinished(trial: trial.number, fold: 0, value: 1)
        }
        #expect(trials.count == 5, "8 configurations, 3 tried before: 5 left")
        #expect(Set(trials).isDisjoint(with: prior.map(\.params)))
        #expect(driver.bestLoss == 1, "prior trials are never this sweep's best")
    }

    @Test func membershipNamesWhyAnEarlierTrialDoesNotFit() throws {
        let space = SearchSpace([
            Dimension(name: "kernel", kind: .values([.string("rbf"), .string("linear")])),
            Dimension(
                name: "gamma", kind: .uniform(0, 1), condition: Condition(parent: "kernel", values: [.string("rbf")])),
        ])
        #expect(try space.member(Params(["kernel": .string("rbf"), "gamma": .int(1)])).get()["gamma"] == .double(1))
        let problems = [
            Params(["kernel": .string("rbf")]), Params(["kernel": .string("linear"), "gamma": .double(0.5)]),
            Params(["kernel": .string("rbf"), "gamma": .double(2)]), Params(["kernel": .string("rbf"), "C": .int(1)]),
        ].map { params -> String in
            if case .failure(let problem) = space.member(params) { return problem.description }
            return "member"
        }
        #expect(
            problems == [
                "it has no value for 'gamma', which today's space has",
                "'gamma' is set, but its condition is off in today's space",
                "gamma=2.0 is outside today's space (a number in [0, 1])",
                "parameter 'C' is not in today's space",
            ])
    }
}
