import SweepML
import Testing

@testable import SweepCore

/// Optional cross-validation: a command trainer without data runs once per trial unless asked,
/// `cv.folds: 1` with data is holdout validation, and one fold flows through plans and summaries.
struct OptionalCVTests {
    static let command = """
        trainer: {command: [python3, train.py, "{lr}"]}
        search: {algorithm: random, trials: 4}
        space: {lr: {loguniform: [0.001, 0.1]}}
        objective: {metric: loss, goal: minimize}
        """

    static let iris = "data: {path: iris.csv, target: species, task: classification}\ntrainer: {model: knn}\n"

    @Test func aCommandWithoutDataRunsOncePerTrialByDefault() throws {
        let spec = try SpecParser.parse(Self.command)
        #expect(spec.cv.folds == 1 && spec.taskFolds == 1)
        #expect(spec.validationNote == "no data: one run of your program per trial (SWEEP_FOLD=0, SWEEP_FOLDS=1)")
    }

    @Test func aCommandWithoutDataMayAskForSeveralRuns() throws {
        let spec = try SpecParser.parse(Self.command + "\ncv: {folds: 3}")
        #expect(spec.taskFolds == 3)
        #expect(spec.validationNote?.contains("SWEEP_FOLD=0…2, SWEEP_FOLDS=3") == true)
    }

    @Test func builtInModelsKeepFiveFoldsAndNoopWithoutDataMayUseOne() throws {
        #expect(try SpecParser.parse(Self.iris).cv.folds == 5)
        let noop = try SpecParser.parse("trainer: {model: noop}\ncv: {folds: 1}\nspace: {score: 1}")
        #expect(noop.taskFolds == 1 && noop.validationNote == nil)
    }

    @Test func oneFoldWithDataIsHoldoutValidation() throws {
        let spec = try SpecParser.parse(Self.iris + "cv: {folds: 1, test_size: 0.2}")
        #expect(spec.taskFolds == 1 && spec.cv.testSize == 0.2 && spec.cv.stratified)
        #expect(spec.validationNote?.hasPrefix("holdout validation") == true)
    }

    @Test func oneFoldWithDataNeedsAValidationShare() {
        let found = specProblems(Self.iris + "cv: {folds: 1}")
        #expect(found.count == 1)
        #expect(found.first?.contains("line 3: cv.folds: one fold with data is holdout validation") == true)
        #expect(found.first?.contains("test_size: 0.2") == true)
    }

    @Test func zeroFoldsAndAShareWithoutDataAreRefused() {
        #expect(specProblems(Self.command + "\ncv: {folds: 0}") == ["line 5: cv.folds: expected an integer ≥ 1, got 0"])
        let share = specProblems(Self.command + "\ncv: {test_size: 0.2}")
        #expect(share.first?.contains("cv.test_size: a share of the data's rows, but the sweep has no data") == true)
    }

    @Test func stratifiedWithoutDataSaysWhatAFoldIs() {
        let found = specProblems(Self.command + "\ncv: {folds: 2, stratified: true}")
        #expect(found.count == 1)
        #expect(found.first?.contains("without data a fold is one run of your program per trial") == true)
        #expect(found.first?.contains("SWEEP_FOLD = 0…k−1 of SWEEP_FOLDS = k") == true)
    }

    @Test func racingRefusesOneFold() {
        let found = specProblems(Self.command + "\nearly_stopping: racing")
        #expect(found.first?.contains("racing needs more folds than min_folds (3); the sweep has 1 per trial") == true)
    }

    @Test func aHoldoutPlanValidatesOnAStratifiedSeededShare() {
        var cv = CVSpec(folds: 1, stratified: true, shuffle: true, seed: 9)
        cv.testSize = 0.25
        let classes = (0..<100).map { $0 % 4 == 0 ? 1 : 0 }
        let plan = FoldPlan.make(rows: 100, cv: cv, classes: classes, groups: nil)
        #expect(plan.taskFolds == 1 && plan.holdout.isEmpty && plan.searchRows.count == 100)
        let (train, valid) = plan.split(0)
        #expect(valid.count == 25 && train.count == 75 && Set(train).isDisjoint(with: valid))
        #expect(valid.filter { classes[$0] == 1 }.count == 6 || valid.filter { classes[$0] == 1 }.count == 7)
        // The same share as a k-fold plan's final test share with the same seed.
        var kfold = cv
        kfold.folds = 3
        #expect(Set(FoldPlan.make(rows: 100, cv: kfold, classes: classes, groups: nil).holdout) == Set(valid))
        #expect(FoldPlan.make(rows: 100, cv: cv, classes: classes, groups: nil) == plan, "seeded")
    }

    @Test func repeatedHoldoutDrawsAFreshShareEachRepeatAndTimeSeriesValidatesOnTheEnd() {
        var cv = CVSpec(folds: 1, stratified: false, shuffle: true, seed: 2)
        cv.testSize = 0.2
        cv.repeats = 3
        let plan = FoldPlan.make(rows: 50, cv: cv, classes: nil, groups: nil)
        #expect(plan.taskFolds == 3)
        let shares = (0..<3).map { Set(plan.split($0).valid) }
        #expect(shares.allSatisfy { $0.count == 10 } && shares[0] != shares[1])
        var series = CVSpec(folds: 1, stratified: false, shuffle: false, seed: 0)
        series.timeSeries = true
        series.testSize = 0.2
        let split = FoldPlan.make(rows: 50, cv: series, classes: nil, groups: nil).split(0)
        #expect(split.valid == Array(40..<50) && split.train == Array(0..<40))
    }

    @Test func oneFoldHasAMeanAndNoSpread() {
        let one = MeanStd([0.9])
        #expect(one.mean == 0.9 && one.spread == nil && !one.std.isNaN)
        #expect(MeanStd([1, 3]).spread == 1)
        let trial = Trial(number: 0, params: Params([:]))
        let record = TaskRecord(
            task: TaskID(trial: 0, fold: 0), status: .ok, worker: "w", host: "h", attempt: 1, duration: 1,
            metrics: ["score": 2], error: nil)
        let summaries = Aggregation.summarize(
            trials: [trial], records: [record.task: record], folds: 1, metricNames: ["score"], objective: "score")
        #expect(summaries[0].status == .ok && summaries[0].objective?.mean == 2)
        #expect(Aggregation.best(summaries, goal: .maximize)?.trial.number == 0)
    }
}
