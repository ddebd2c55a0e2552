import SweepCore
import Testing

@testable import SweepReport

/// A run whose trials score `scores[i]` on their folds (NaN allowed), with optional parameters.
func statisticsRun(
    _ scores: [[Double]], goal: Goal = .maximize, params: [[String: ParamValue]]? = nil,
    moreObjectives: [Objective] = []
) -> RunSummary {
    let folds = scores.map(\.count).max() ?? 1
    var records: [TaskID: TaskRecord] = [:]
    for (number, trialScores) in scores.enumerated() {
        for (fold, score) in trialScores.enumerated() {
            let task = TaskID(trial: number, fold: fold)
            records[task] = TaskRecord(
                task: task, status: .ok, worker: "w", host: "h", attempt: 1, duration: 1,
                metrics: ["score": score, "other": 1], error: nil)
        }
    }
    let trials = scores.indices.map { Trial(number: $0, params: Params(params?[$0] ?? ["x": .int($0)])) }
    return RunSummary(
        name: "stats", objective: Objective(metric: "score", goal: goal), metricNames: ["score", "other"],
        folds: folds, trials: trials, records: records, wallSeconds: 1, state: .finished,
        moreObjectives: moreObjectives)
}

func close(_ a: Double?, _ b: Double, relative: Double = 1e-9) -> Bool {
    guard let a else { return false }
    return abs(a - b) <= relative * max(abs(b), 1e-300)
}

/// The best against its runners-up: Student's paired t-test (checked against
/// scipy.stats.ttest_rel 1.17.1), the one-standard-error rule, and edge cases.
@Suite struct SelectionStatisticsTests {
    static let best = [0.9, 0.85, 0.95, 0.88, 0.92]
    static let runnerUp = [0.85, 0.84, 0.9, 0.86, 0.9]

    @Test func pairedTestMatchesScipy() throws {
        let stats = try #require(SelectionStatistics.compute(statisticsRun([Self.runnerUp, Self.best]), space: []))
        #expect(stats.best == 1)
        let comparison = try #require(stats.comparisons.first)
        #expect(comparison.trial == 0 && comparison.sharedFolds == 5)
        // scipy.stats.ttest_rel(best, runner_up): statistic 3.585685828003184, pvalue 0.02305036501324374
        #expect(close(comparison.t, 3.585685828003184))
        #expect(close(comparison.pValue, 0.02305036501324374, relative: 1e-8))
        #expect(close(comparison.meanAdvantage, 0.03))
        // np.std(best, ddof=1) / sqrt(5)
        #expect(close(stats.standardError, 0.0170293863659264))
        #expect(!comparison.withinOneStandardError)  // 0.03 behind, SE 0.017
        #expect(stats.withinOneStandardError == [1])
        #expect(stats.simplest == nil)
    }

    @Test func minimizingSignsDifferencesForTheBest() throws {
        let losses = statisticsRun([Self.best, Self.runnerUp], goal: .minimize)
        let stats = try #require(SelectionStatistics.compute(losses, space: []))
        #expect(stats.best == 1)
        let comparison = try #require(stats.comparisons.first)
        #expect(close(comparison.meanAdvantage, 0.03))
        #expect(close(comparison.t, 3.585685828003184))
    }

    @Test func runnersUpAreTheNextRankedTrialsUpToTheLimit() throws {
        let scores = (0..<8).map { k in [0.5, 0.6, 0.7].map { $0 + Double(k) * 0.01 } }
        let stats = try #require(SelectionStatistics.compute(statisticsRun(scores), space: [], runnersUp: 3))
        #expect(stats.best == 7)
        #expect(stats.comparisons.map(\.trial) == [6, 5, 4])
        // SE = std([0.57, 0.67, 0.77], ddof 1) / √3 = 0.1 / √3 ≈ 0.0577: trials 6 (0.01) … 2 (0.05) are within.
        #expect(stats.withinOneStandardError == [7, 6, 5, 4, 3, 2])
        #expect(stats.comparisons.filter(\.withinOneStandardError).count == 3)
    }

    @Test func oneFoldHasNoStandardErrorAndNoTest() throws {
        let stats = try #require(SelectionStatistics.compute(statisticsRun([[0.7], [0.9], [0.9]]), space: []))
        #expect(stats.best == 1 && stats.standardError == nil)
        let comparison = try #require(stats.comparisons.first)
        #expect(comparison.trial == 2 && comparison.sharedFolds == 1 && comparison.t == nil && comparison.pValue == nil)
        #expect(stats.withinOneStandardError == [1, 2], "an exact tie is within any error")
    }

    /// The same advantage on every fold is as decisive as a paired test gets: scipy's ttest_rel
    /// gives t ≈ 1e16, p ≈ 1e-32 (the spread is rounding noise); the report must not call such a
    /// runner-up "not distinguishable". Found by using report.html as a user.
    @Test func theSameAdvantageOnEveryFoldIsDistinguishable() throws {
        let stats = try #require(
            SelectionStatistics.compute(statisticsRun([[0.8, 0.8, 0.8], [0.7, 0.7, 0.7]]), space: []))
        let comparison = try #require(stats.comparisons.first)
        #expect(comparison.t == .infinity && comparison.pValue == 0)
        #expect(PairedComparison.studentT([-0.1, -0.1, -0.1])?.t == -.infinity)
        #expect(stats.sentences.joined(separator: " ").contains("not distinguishable") == false, "\(stats.sentences)")
        #expect(close(comparison.meanAdvantage, 0.1))
        #expect(stats.standardError.map { $0 < 1e-12 } == true)
        #expect(stats.withinOneStandardError == [0])
    }

    @Test func nanFoldsAreLeftOutOfThePairs() throws {
        var runnerUp = Self.runnerUp
        runnerUp[2] = .nan
        let stats = try #require(SelectionStatistics.compute(statisticsRun([Self.best, runnerUp]), space: []))
        let comparison = try #require(stats.comparisons.first)
        #expect(comparison.sharedFolds == 4)
        // scipy.stats.ttest_rel of the four folds both scored, computed by hand: differences 0.05, 0.01, 0.02, 0.02
        let direct = try #require(PairedComparison.studentT([0.05, 0.01, 0.02, 0.02]))
        #expect(close(comparison.t, direct.t, relative: 1e-6))
        #expect(!comparison.withinOneStandardError, "a NaN mean is within nothing")
    }

    @Test func noBestOrSeveralObjectivesGiveNil() {
        #expect(SelectionStatistics.compute(statisticsRun([]), space: []) == nil)
        let multi = statisticsRun(
            [Self.best, Self.runnerUp], moreObjectives: [Objective(metric: "other", goal: .minimize)])
        #expect(SelectionStatistics.compute(multi, space: []) == nil)
    }

    @Test func studentTMatchesScipyOnMoreCases() throws {
        // (differences, scipy ttest_rel statistic, pvalue, Nadeau–Bengio corrected t and p with test/train = 1/(n−1))
        let cases: [([Double], Double, Double, Double, Double)] = [
            (
                zip(
                    [0.91, 0.93, 0.92, 0.94, 0.95, 0.92, 0.93, 0.91, 0.94, 0.92],
                    [0.89, 0.90, 0.905, 0.915, 0.93, 0.90, 0.915, 0.885, 0.92, 0.90]
                ).map { $0 - $1 }, 14.453191233845383, 1.556798883300038e-07, 9.947368421052627,
                3.738846533451241e-06
            ),
            ([0.8 - 0.7, 0.9 - 0.85], 3.0, 0.20483276469913345, 1.7320508075688772, 0.33333333333333337),
            (
                [1.2 - 1.0, 0.9 - 1.0, 1.1 - 1.0, 1.0 - 1.05], 0.5447047794019222, 0.623837664781073,
                0.3565929832876473, 0.7450022556723657
            ),
        ]
        for (differences, t, p, correctedT, correctedP) in cases {
            let student = try #require(PairedComparison.studentT(differences))
            #expect(close(student.t, t, relative: 1e-8) && close(student.pValue, p, relative: 1e-6), "\(differences)")
            let corrected = try #require(
                PairedComparison.correctedResampled(
                    differences, testToTrain: PairedComparison.kFoldTestToTrain(folds: differences.count)))
            #expect(close(corrected.t, correctedT, relative: 1e-8), "\(differences)")
            #expect(close(corrected.pValue, correctedP, relative: 1e-6), "\(differences)")
        }
        // 2 * scipy.stats.t.sf(|t|, df)
        #expect(close(PairedComparison.twoSidedP(8.5, degreesOfFreedom: 3), 0.003419691416344476, relative: 1e-8))
        #expect(close(PairedComparison.twoSidedP(-40, degreesOfFreedom: 29), 6.346877329729342e-27, relative: 1e-6))
        #expect(close(PairedComparison.twoSidedP(0.3, degreesOfFreedom: 1), 0.8144528418445154, relative: 1e-8))
        #expect(PairedComparison.studentT([0.1]) == nil)
        #expect(PairedComparison.studentT([0.1, .nan, 0.2]) == nil)
        #expect(PairedComparison.studentT([0, 0, 0]) == nil, "ties: nothing to test (scipy: nan)")
    }
}
