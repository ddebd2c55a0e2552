import SweepML
import Testing

@testable import SweepCore

struct FoldPlanTests {
    func cv(
        _ folds: Int = 3, stratified: Bool = false, shuffle: Bool = true, repeats: Int = 1, timeSeries: Bool = false,
        testSize: Double? = nil
    ) -> CVSpec {
        var cv = CVSpec(folds: folds, stratified: stratified, shuffle: shuffle, seed: 4)
        cv.repeats = repeats
        cv.timeSeries = timeSeries
        cv.testSize = testSize
        return cv
    }

    /// A share too small for any class (0.1 % of 178 rows in three classes) still holds one row,
    /// as `sweep validate` promised: before, holdout validation got no validation rows at all.
    @Test func aTinyStratifiedShareStillHoldsARow() {
        let classes = (0..<178).map { $0 % 3 }
        let plan = FoldPlan.make(rows: 178, cv: cv(1, stratified: true, testSize: 0.001), classes: classes, groups: nil)
        #expect(plan.split(0).valid.count == 1 && plan.split(0).train.count == 177)
    }

    @Test func groupsNeverStraddleFolds() {
        let groups = (0..<40).map { $0 / 3 }  // 14 groups of up to 3 rows
        let plan = FoldPlan.make(rows: 40, cv: cv(4), classes: nil, groups: groups)
        for fold in 0..<4 {
            let (train, valid) = plan.split(fold)
            #expect(Set(train.map { groups[$0] }).isDisjoint(with: Set(valid.map { groups[$0] })))
            #expect(train.count + valid.count == 40)
        }
    }

    @Test func timeSeriesTrainsOnThePastOnly() {
        let plan = FoldPlan.make(rows: 23, cv: cv(4, timeSeries: true), classes: nil, groups: nil)
        #expect(plan.taskFolds == 4)
        var previousValid = -1
        for fold in 0..<4 {
            let (train, valid) = plan.split(fold)
            #expect(valid.count == 23 / 5, "scikit-learn's TimeSeriesSplit test size")
            #expect(train.max()! < valid.min()!, "training rows all come before validation rows")
            #expect(valid.min()! > previousValid)
            previousValid = valid.max()!
        }
        #expect(plan.split(3).valid.last == 22)
    }

    @Test func repeatedKFoldShufflesEachRepeatAnew() {
        let plan = FoldPlan.make(rows: 30, cv: cv(3, repeats: 2), classes: nil, groups: nil)
        #expect(plan.taskFolds == 6)
        #expect(plan.assignments[0] != plan.assignments[1])
        for repeatIndex in 0..<2 {
            var seen = Set<Int>()
            for fold in 0..<3 { seen.formUnion(plan.split(repeatIndex * 3 + fold).valid) }
            #expect(seen.count == 30, "each repeat validates every row once")
        }
    }

    @Test func aHoldoutIsKeptOutOfEveryFoldAndStratified() {
        let classes = (0..<100).map { $0 < 80 ? 0 : 1 }
        let plan = FoldPlan.make(rows: 100, cv: cv(5, stratified: true, testSize: 0.2), classes: classes, groups: nil)
        let holdout = Set(plan.holdout)
        #expect(holdout.count == 20)
        #expect(holdout.filter { classes[$0] == 1 }.count == 4, "the same share of each class")
        for fold in 0..<5 {
            let (train, valid) = plan.split(fold)
            #expect(holdout.isDisjoint(with: train) && holdout.isDisjoint(with: valid))
        }
        let series = FoldPlan.make(rows: 50, cv: cv(3, timeSeries: true, testSize: 0.2), classes: nil, groups: nil)
        #expect(series.holdout == Array(40..<50), "a time series holds out its most recent rows")
    }

    @Test func specAcceptsTheSplittersAndRefusesContradictions() throws {
        let spec = try SpecParser.parse(
            """
            data: {path: d.csv, target: y, task: classification}
            trainer: {model: knn}
            cv: {folds: 4, repeats: 3, test_size: 0.25}
            """)
        #expect(spec.taskFolds == 12 && spec.cv.testSize == 0.25 && spec.cv.stratified)
        func problems(_ cv: String) -> [String] {
            do {
                _ = try SpecParser.parse(
                    "data: {path: d.csv, target: y, task: classification}\ntrainer: {model: knn}\ncv: \(cv)");
                return []
            } catch { return error.problems.map(\.message) }
        }
        #expect(
            try SpecParser.parse(
                "data: {path: d.csv, target: y, task: classification}\ntrainer: {model: knn}\ncv: {group: patient}"
            ).cv.stratified == false)
        #expect(problems("{group: patient, stratified: true}").first?.contains("remove stratified: true") == true)
        #expect(
            problems("{time_series: true, repeats: 2}").first?.contains("repeats need shuffled k-fold splits") == true)
        #expect(problems("{test_size: 1.5}").first?.contains("between 0 and 1") == true)
        #expect(problems("{group: a, time_series: true}").first?.contains("not both") == true)
    }
}
