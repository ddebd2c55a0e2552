import Testing

@testable import SweepCore

struct EarlyStoppingTests {
    @Test func ashaRungsAndPromotionsOnAScriptedSequence() {
        var asha = SuccessiveHalving(
            {
                var o = ASHAOptions(maxResource: 27); o.minResource = 1; o.reductionFactor = 3; return o
            }())
        #expect(asha.rungResources == [1, 3, 9])
        // Losses at step 1 (rung 0), arriving in this order. Until 3 are in, only a new best carries on.
        #expect(asha.report(trial: 0, fold: 0, step: 1, loss: 0.5) == nil, "first at the rung: the best so far")
        #expect(
            asha.report(trial: 1, fold: 0, step: 1, loss: 0.7)?.trial == 1, "second, worse, fewer than η in: stopped")
        #expect(asha.report(trial: 2, fold: 0, step: 1, loss: 0.4) == nil, "a new best carries on")
        // With 3 in, the top ⌊3/3⌋ = 1 carry on.
        #expect(asha.report(trial: 3, fold: 0, step: 1, loss: 0.45)?.rule == .asha, "4 in, top 1: ranked 2nd, stopped")
        #expect(asha.report(trial: 4, fold: 0, step: 1, loss: 0.1) == nil)
        // Rung 1 (step 3): trial 0 reports step 2 (no rung), then 3.
        #expect(asha.report(trial: 0, fold: 0, step: 2, loss: 0.3) == nil)
        #expect(asha.report(trial: 0, fold: 0, step: 3, loss: 0.3) == nil, "first at rung 1")
        let stop = asha.report(trial: 2, fold: 0, step: 3, loss: 0.35)
        #expect(stop?.trial == 2 && stop?.step == 3, "second at rung 1 and worse: stopped")
        #expect(stop?.reason.contains("rung 1") == true)
        // Rungs are per fold: fold 1 starts empty.
        #expect(asha.report(trial: 1, fold: 1, step: 1, loss: 0.9) == nil)
        // A report that jumps past several rungs is entered at each (and judged at each).
        #expect(asha.report(trial: 4, fold: 0, step: 9, loss: 0.05) == nil)
    }

    @Test func medianStopsBelowTheMedianOfFinishedTrialsOnly() {
        var median = MedianStopping(
            {
                var o = MedianOptions(); o.startupTrials = 3; return o
            }())
        for (trial, loss) in [(0, 0.2), (1, 0.4), (2, 0.6)] {
            #expect(median.report(trial: trial, fold: 0, step: 1, loss: loss) == nil, "nothing finished yet")
            median.trialFinished(trial)
        }
        #expect(median.report(trial: 3, fold: 0, step: 1, loss: 0.3) == nil, "better than the median 0.4")
        let stop = median.report(trial: 4, fold: 0, step: 1, loss: 0.5)
        #expect(stop?.rule == .median)
        #expect(median.report(trial: 5, fold: 0, step: 2, loss: 9) == nil, "no finished trial reported step 2")
        #expect(median.report(trial: 6, fold: 1, step: 1, loss: 9) == nil, "medians are per fold")
    }

    @Test func pairedTestsMatchKnownValues() {
        // scipy.stats.ttest_1samp(d, 0, alternative="greater").pvalue
        #expect(abs(PairedTest.tTest([1, 2, 3, 4, 5]) - 0.0066177997818) < 1e-9)
        #expect(abs(PairedTest.tTest([0.1, -0.2, 0.3]) - 0.3456966500379) < 1e-9)
        #expect(PairedTest.tTest([0.2, 0.2, 0.2]) == 0, "a constant loss is certain")
        #expect(PairedTest.tTest([0, 0, 0]) == 1)
        #expect(PairedTest.tTest([-1, -2, -3]) > 0.95)
        // Wilcoxon exact: all 5 positive → p = 1/32; 4 of 5 positive, smallest negative → 2/32.
        #expect(PairedTest.wilcoxon([1, 2, 3, 4, 5]) == 1.0 / 32)
        #expect(PairedTest.wilcoxon([-1, 2, 3, 4, 5]) == 2.0 / 32)
        #expect(PairedTest.wilcoxon([1, 2, 3]) == 1.0 / 8, "three folds can never reach p < 0.05")
        #expect(abs(PairedTest.studentCDF(2.015, degreesOfFreedom: 5) - 0.9499969138366) < 1e-9)
    }

    @Test func racingEliminatesAClearlyWorseTrialAndNeverTheIncumbent() {
        var racing = Racing(RacingOptions(), folds: 10)
        // Trial 0 finishes all folds first and becomes the incumbent.
        let good = [0.10, 0.12, 0.09, 0.11, 0.10, 0.13, 0.08, 0.10, 0.12, 0.11]
        for (fold, loss) in good.enumerated().dropLast() {
            #expect(racing.foldFinished(trial: 0, fold: fold, loss: loss) == nil)
        }
        let all = Dictionary(uniqueKeysWithValues: good.enumerated().map { ($0.offset, $0.element) })
        #expect(racing.trialFinished(0, losses: all).isEmpty)
        #expect(racing.incumbent?.trial == 0)
        // Trial 1 is worse on every fold: not before min_folds (3), then eliminated.
        #expect(racing.foldFinished(trial: 1, fold: 0, loss: 0.30) == nil)
        #expect(racing.foldFinished(trial: 1, fold: 1, loss: 0.35) == nil)
        let stop = racing.foldFinished(trial: 1, fold: 2, loss: 0.31)
        #expect(stop?.trial == 1 && stop?.rule == .racing)
        #expect(stop?.reason.contains("worse than trial 0 over the 3 folds both have (of 10") == true)
        // Trial 2 is as good: it stays in the race.
        for (fold, loss) in good.enumerated().prefix(6) {
            #expect(
                racing.foldFinished(trial: 2, fold: fold, loss: loss + (fold.isMultiple(of: 2) ? 0.01 : -0.01)) == nil)
        }
    }

    @Test func aNewIncumbentReopensTheDuels() {
        var racing = Racing(RacingOptions(), folds: 5)
        _ = racing.trialFinished(
            0, losses: Dictionary(uniqueKeysWithValues: (0..<5).map { ($0, 0.5 + 0.01 * Double($0)) }))
        // Trial 1 runs 3 folds slightly worse than trial 0 … no, noisily: not significant.
        for (fold, loss) in [0.45, 0.60, 0.40].enumerated() {
            #expect(racing.foldFinished(trial: 1, fold: fold, loss: loss) == nil)
        }
        // Trial 2 finishes much better on every fold; trial 1 is now clearly worse than it.
        // Its last fold completes it: the incumbent's fold losses include that last one.
        for fold in 0..<4 { _ = racing.foldFinished(trial: 2, fold: fold, loss: 0.1 + 0.001 * Double(fold)) }
        let stops = racing.trialFinished(
            2, losses: Dictionary(uniqueKeysWithValues: (0..<5).map { ($0, 0.1 + 0.001 * Double($0)) }))
        #expect(racing.incumbent?.trial == 2)
        #expect(stops.map(\.trial) == [1])
    }

    @Test func driverAppliesDecisionsAndCountsFinishedTrials() {
        var options = RacingOptions()
        options.minFolds = 2
        var driver = SearchDriver(
            .init(
                space: [Dimension(name: "x", kind: .values([.int(1), .int(2), .int(3)]))], algorithm: .grid,
                goal: .maximize, folds: 4, earlyStopping: .racing(options)))
        let a = driver.nextTrial(now: 0)!, b = driver.nextTrial(now: 0)!
        for fold in 0..<4 { _ = driver.foldFinished(trial: a.number, fold: fold, value: 0.9 + 0.001 * Double(fold)) }
        guard case .complete(let loss) = driver.history.entries[a.number].state else {
            Issue.record("trial a must be complete"); return
        }
        #expect(abs(loss + 0.9015) < 1e-12, "losses are negated values when maximizing")
        #expect(driver.foldFinished(trial: b.number, fold: 0, value: 0.5).isEmpty)
        let stops = driver.foldFinished(trial: b.number, fold: 1, value: 0.51)
        #expect(stops.map(\.trial) == [b.number])
        if case .pruned = driver.history.entries[b.number].state {
        } else {
            Issue.record("trial b must be marked stopped")
        }
        #expect(
            driver.foldFinished(trial: b.number, fold: 2, value: 0.99).isEmpty,
            "results of a stopped trial change nothing")
    }

    @Test func theIncumbentsLastFoldCountsInTheDuel() {
        // Found end to end: the fold that completes the incumbent must be among the shared folds.
        var options = RacingOptions()
        options.minFolds = 2
        var driver = SearchDriver(
            .init(
                space: [Dimension(name: "x", kind: .values([.int(1), .int(2)]))], algorithm: .grid,
                goal: .maximize, folds: 3, earlyStopping: .racing(options)))
        let a = driver.nextTrial(now: 0)!, b = driver.nextTrial(now: 0)!
        _ = driver.foldFinished(trial: a.number, fold: 1, value: 0.9)
        _ = driver.foldFinished(trial: a.number, fold: 2, value: 0.91)
        _ = driver.foldFinished(trial: b.number, fold: 0, value: 0.5)
        _ = driver.foldFinished(trial: a.number, fold: 0, value: 0.92)
        #expect(driver.foldFinished(trial: b.number, fold: 1, value: 0.5).map(\.trial) == [b.number])
    }
}
