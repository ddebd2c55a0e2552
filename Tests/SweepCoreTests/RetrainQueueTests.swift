import Testing

@testable import SweepCore

/// `sweep retrain` enqueues the previous run's best configurations and warm-starts from the same
/// run: an enqueued configuration must run even though a prior trial has it (its earlier value
/// was measured on the earlier run's data), while the sampler still never suggests a prior one.
struct RetrainQueueTests {
    let xy = [
        Dimension(name: "x", kind: .int(0, 3)), Dimension(name: "y", kind: .values([.string("a"), .string("b")])),
    ]

    @Test func anEnqueuedConfigurationRunsEvenWhenAPriorTrialHasIt() {
        var configuration = SearchDriver.Configuration(space: xy, algorithm: .tpe, seed: 3, trials: 8, goal: .minimize)
        configuration.tpe.startupTrials = 2
        let prior = (0..<3).map { x in
            PriorTrial(
                source: "old", sourceTrial: x, params: Params(["x": .int(x), "y": .string("a")]), value: Double(x),
                pruned: false)
        }
        configuration.prior = prior.map { $0.entry(goal: .minimize) }
        configuration.enqueue = [prior[2].params, prior[0].params, prior[2].params]
        var driver = SearchDriver(configuration)
        var trials: [Params] = []
        while let trial = driver.nextTrial(now: 0) {
            trials.append(trial.params)
            _ = driver.foldFinished(trial: trial.number, fold: 0, value: 1)
        }
        #expect(Array(trials.prefix(2)) == [prior[2].params, prior[0].params], "the queue runs first, once each")
        #expect(trials.count == 7, "8 configurations, 3 tried before, 2 of them run again: 7 in all")
        #expect(!trials.dropFirst(2).contains(prior[1].params), "the sampler never suggests a prior configuration")
        #expect(Set(trials).count == trials.count)
    }
}
