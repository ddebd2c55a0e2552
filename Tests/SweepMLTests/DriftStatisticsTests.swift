import Foundation
import Testing

@testable import SweepML

/// PSI, KS, quantiles and the profile's bins against values computed by hand and by
/// numpy/scipy (scipy.stats.ks_2samp 1.x in the interop venv, run once; the values are below).
struct DriftStatisticsTests {
    @Test func psiMatchesHandComputedValues() {
        // (0.25 − 0.5)·ln(0.5) + (0.75 − 0.5)·ln(1.5)
        #expect(abs(DriftStatistics.psi(expected: [0.5, 0.5], actual: [0.25, 0.75]) - 0.274653) < 1e-6)
        // An empty training bin counts as 0.0001: (−0.1)·ln(0.8) + (0.1 − 0.0001)·ln(1000)
        #expect(abs(DriftStatistics.psi(expected: [0.5, 0.5, 0], actual: [0.5, 0.4, 0.1]) - 0.712399) < 1e-6)
        #expect(DriftStatistics.psi(expected: [0.2, 0.3, 0.5], actual: [0.2, 0.3, 0.5]) == 0)
    }

    @Test func ksMatchesScipyOnFixedSamples() {
        let a = (0..<50).map { Double($0 * 37 % 101) / 10 }.sorted()
        let b = (0..<40).map { Double($0 * 53 % 97) / 9 + 0.5 }.sorted()
        // scipy.stats.ks_2samp(a, b).statistic == 0.09
        #expect(abs(DriftStatistics.ks(sortedA: a, sortedB: b) - 0.09) < 1e-12)
        // With ties: ks_2samp([i % 5 for i in range(30)], [i % 7 for i in range(21)]) == 2/7
        let c = (0..<30).map { Double($0 % 5) }.sorted(), d = (0..<21).map { Double($0 % 7) }.sorted()
        #expect(abs(DriftStatistics.ks(sortedA: c, sortedB: d) - 2.0 / 7) < 1e-12)
        #expect(DriftStatistics.ks(sortedA: a, sortedB: a) == 0)
    }

    @Test func theSketchKeepsKSWithinAThousandthOfTheFullSample() throws {
        let a = (0..<1500).map { 3 * sin(1.3 * Double($0)) }
        let b = (0..<800).map { 3 * sin(0.7 * Double($0)) + 0.4 }.sorted()
        let profile = try #require(NumericProfile(values: a))
        #expect(profile.sketch.count == 1000 && profile.sketch == profile.sketch.sorted())
        // scipy.stats.ks_2samp(a, b).statistic == 0.164 on all 1,500 values.
        #expect(abs(DriftStatistics.ks(sortedA: a.sorted(), sortedB: b) - 0.164) < 1e-12)
        #expect(abs(DriftStatistics.ks(sortedA: profile.sketch, sortedB: b) - 0.164) <= 0.0011)
        // numpy: deciles of a as edges, searchsorted(side="right") counts, shares clipped at 1e-4.
        #expect(profile.proportions.allSatisfy { abs($0 - 0.1) < 1e-12 })
        let actual = DriftStatistics.shares(DriftStatistics.binCounts(sorted: b, edges: profile.edges))
        #expect(
            DriftStatistics.binCounts(sorted: b, edges: profile.edges) == [0, 68, 129, 78, 96, 71, 86, 59, 63, 150])
        #expect(abs(DriftStatistics.psi(expected: profile.proportions, actual: actual) - 0.7954542483553346) < 1e-9)
    }

    @Test func quantilesInterpolateAsNumpy() {
        let a = (0..<50).map { Double($0 * 37 % 101) / 10 }.sorted()
        // numpy.quantile(a, [0.1, 0.5, 0.7, 0.9])
        let expected = [0.99, 4.95, 7.090000000000002, 9.030000000000001]
        for (q, value) in zip([0.1, 0.5, 0.7, 0.9], expected) {
            #expect(abs(DriftStatistics.quantile(sorted: a, q) - value) < 1e-9)
        }
    }

    @Test func tiedValuesGiveDistinctEdgesAndRightClosedBins() throws {
        // 70 % zeros, 30 % ones: deciles 0 (×7 → one edge), 0.3 (interpolated at q = 0.7), 1 (×2 → one).
        let values = Array(repeating: 0.0, count: 700) + Array(repeating: 1.0, count: 300)
        let profile = try #require(NumericProfile(values: values))
        #expect(profile.edges.count == 3 && profile.edges[0] == 0 && profile.edges[2] == 1)
        #expect(profile.proportions == [0.7, 0, 0.3, 0])
        #expect(profile.sketch == values, "≤ 1,000 values: all kept")
        #expect(profile.mean == 0.3 && abs(profile.std - 0.458258) < 1e-6)
        #expect(DriftStatistics.binCounts(sorted: [-5, 0, 0.2, 1, 2], edges: profile.edges) == [2, 1, 1, 1])
    }

    @Test func categoriesCompareOverTheirSharesWithUnseenOnesNamed() {
        let profile = ColumnProfile(
            name: "color", missingRate: 0, categorical: CategoricalProfile(counts: ["red": 50, "blue": 50]))
        let new = NewColumn(
            texts: Array(repeating: "red", count: 25) + Array(repeating: "blue", count: 70) + ["pink", "pink", "teal"]
                + ["NA", ""],
            numeric: false)
        let drift = Drift.compare(profile, new, thresholds: DriftThresholds())
        #expect(drift.unseen == [UnseenCategory(name: "pink", count: 2), UnseenCategory(name: "teal", count: 1)])
        #expect(abs(drift.unseenShare - 3.0 / 98) < 1e-12)
        #expect(abs(drift.missingNew - 2.0 / 100) < 1e-12)
        // Bins blue, red, unseen: training 0.5, 0.5, 0 (→ 0.0001); new 70/98, 25/98, 3/98.
        let a = [70.0 / 98, 25.0 / 98, 3.0 / 98]
        let psi = (a[0] - 0.5) * log(a[0] / 0.5) + (a[1] - 0.5) * log(a[1] / 0.5) + (a[2] - 1e-4) * log(a[2] / 1e-4)
        #expect(abs((drift.psi ?? 0) - psi) < 1e-12)
        #expect(drift.reasons == ["psi", "unseen"])
    }

    @Test func textInANumericColumnIsCountedAndFlagged() {
        let profile = ColumnProfile(name: "x", missingRate: 0, numeric: NumericProfile(values: [1, 2, 3, 4]))
        let drift = Drift.compare(
            profile, NewColumn(texts: ["1", "2", "three", "4", "3"], numeric: true), thresholds: DriftThresholds())
        #expect(drift.invalid == 1 && drift.invalidExample == "three" && drift.reasons.contains("invalid"))
        #expect(drift.psi != nil && drift.ks == 0)
    }

    @Test func theMetricsStandardErrorComesFromInterleavedBlocks() throws {
        // Residual of row i is i mod 20: block b (rows b, b + 10, …) alternates b and b + 10, so its
        // MAE is b + 5; the ten block MAEs 5…14 have sample variance 55/6, over √10: 0.957427.
        let truth = (0..<100).map { Double($0 % 20) }
        let scored = ScoredRows(
            .values(Array(repeating: 0, count: 100)), targets: truth.map { "\($0)" }, classNames: [])
        #expect(scored.metric("mae") == 9.5)
        #expect(abs(try #require(scored.standardError("mae")) - (55.0 / 6 / 10).squareRoot()) < 1e-12)
        let few = ScoredRows(.values([1, 2]), targets: ["1", "NA"], classNames: [])
        #expect(few.count == 1 && few.standardError("mae") == nil, "under 50 rows: no estimate")
    }
}
