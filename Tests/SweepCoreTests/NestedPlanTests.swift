import SweepML
import Testing

@testable import SweepCore

/// Nested CV's fold plan (cv.outer): block 0 is the plain CV, each further block one outer
/// fold's inner CV, and the outer split is what they differ in.
struct NestedPlanTests {
    func cv(folds: Int = 5, outer: Int? = 3, stratified: Bool = true) -> CVSpec {
        var cv = CVSpec(folds: folds, stratified: stratified, shuffle: true, seed: 7)
        cv.outer = outer
        return cv
    }

    let classes = (0..<150).map { $0 / 50 }

    @Test func blockZeroIsThePlainCVSoTheSearchIsUnchanged() {
        let nested = FoldPlan.make(rows: 150, cv: cv(), classes: classes, groups: nil)
        let plain = FoldPlan.make(rows: 150, cv: cv(outer: nil), classes: classes, groups: nil)
        #expect(nested.assignments.count == 4 && nested.foldsPerRepeat == 5)
        #expect(nested.assignments[0] == plain.assignments[0])
        #expect(nested.taskFolds == 20 && cv().taskFolds == 20 && cv().scoredFolds == 5)
        #expect(nested.searchRows == Array(0..<150) && nested.holdout.isEmpty, "no row is a holdout")
    }

    @Test func everyRowIsInExactlyOneOuterTestFoldAndNeverInItsOwnInnerCV() {
        let plan = FoldPlan.make(rows: 150, cv: cv(), classes: classes, groups: nil)
        var tested = [Int](repeating: 0, count: 150)
        for fold in 0..<3 {
            let (train, test) = plan.outerSplit(fold)
            #expect(train.count + test.count == 150 && test.count == 50)
            for row in test { tested[row] += 1 }
            // Stratified: each class in proportion in the outer test rows.
            let counts = (0..<3).map { label in test.filter { classes[$0] == label }.count }
            #expect(counts.max()! - counts.min()! <= 1, "\(counts)")
            // The inner CV of this outer fold uses exactly its training rows, each validated once.
            var validated: [Int] = []
            for task in plan.innerTaskFolds(outerFold: fold) {
                let split = plan.split(task)
                #expect(Set(split.train).isDisjoint(with: test) && Set(split.valid).isDisjoint(with: test))
                #expect(split.train.count + split.valid.count == train.count)
                validated += split.valid
            }
            #expect(validated.sorted() == train)
        }
        #expect(tested.allSatisfy { $0 == 1 })
    }

    @Test func thePlanIsTheSameEveryTimeSoAResumeRecomputesIt() {
        let first = FoldPlan.make(rows: 97, cv: cv(folds: 4, outer: 5, stratified: false), classes: nil, groups: nil)
        let again = FoldPlan.make(rows: 97, cv: cv(folds: 4, outer: 5, stratified: false), classes: nil, groups: nil)
        #expect(first == again)
        #expect(first.innerTaskFolds(outerFold: 4) == 20..<24)
        let sizes = (0..<5).map { first.outerSplit($0).test.count }
        #expect(sizes.reduce(0, +) == 97 && sizes.max()! - sizes.min()! <= 1, "\(sizes)")
    }

    @Test func tooFewRowsForTheInnerFoldsAreNamed() {
        #expect(cv(folds: 5, outer: 3).nestedRowProblem(rows: 7) != nil)
        #expect(cv(folds: 5, outer: 3).nestedRowProblem(rows: 8) == nil, "8 rows leave 5 to train in each outer fold")
        #expect(cv(folds: 5, outer: 3).smallestOuterTrain(rows: 8) == 5)
        #expect(cv(folds: 2, outer: 4).nestedRowProblem(rows: 3)?.contains("at least 4 rows") == true)
        #expect(cv(outer: nil).nestedRowProblem(rows: 3) == nil)
    }
}

/// Which trial each outer fold's inner CV chooses.
struct NestedSelectionTests {
    let trials = (0..<3).map { Trial(number: $0, params: Params(["C": .double(Double($0))])) }

    /// Records of the outer folds' inner tasks (2 inner folds, 2 outer folds: task folds 2…5).
    func records(_ scores: [Int: [Double?]]) -> [TaskID: TaskRecord] {
        var records: [TaskID: TaskRecord] = [:]
        for (trial, values) in scores {
            for (offset, value) in values.enumerated() {
                let task = TaskID(trial: trial, fold: 2 + offset)
                records[task] = TaskRecord(
                    task: task, status: value == nil ? .failed : .ok, worker: "w", host: "h", attempt: 1,
                    duration: 0, metrics: value.map { ["accuracy": $0] } ?? [:], error: nil)
            }
        }
        return records
    }

    func choose(_ scores: [Int: [Double?]], goal: Goal = .maximize) -> [NestedSelection.Choice?] {
        NestedSelection.choose(
            trials: trials, records: records(scores), innerFolds: 2, outer: 2, objective: "accuracy", goal: goal)
    }

    @Test func eachOuterFoldTakesTheBestMeanOfItsOwnInnerFolds() {
        let chosen = choose([0: [0.5, 0.5, 0.9, 0.9], 1: [0.8, 0.8, 0.6, 0.6], 2: [0.7, 0.7, 0.7, 0.7]])
        #expect(chosen == [.init(trial: 1, innerMean: 0.8), .init(trial: 0, innerMean: 0.9)])
        let lowest = choose(
            [0: [0.5, 0.5, 0.9, 0.9], 1: [0.8, 0.8, 0.6, 0.6], 2: [0.7, 0.7, 0.7, 0.7]], goal: .minimize)
        #expect(lowest.map { $0?.trial } == [0, 1])
    }

    @Test func tiesGoToTheLowestTrialAsGridSearchCVTakesTheFirstCandidate() {
        let chosen = choose([2: [0.9, 0.8, 0.5, 0.5], 1: [0.8, 0.9, 0.5, 0.5], 0: [0.1, 0.1, 0.5, 0.5]])
        #expect(chosen.map { $0?.trial } == [1, 0])
    }

    @Test func aTrialWithAFailedOrMissingInnerTaskIsNoCandidateThere() {
        let chosen = choose([0: [0.9, nil, 0.2, 0.2], 1: [0.3, 0.3, 0.1, 0.1], 2: [0.9, 0.9]])
        #expect(chosen.map { $0?.trial } == [2, 0], "trial 2 has no tasks in the second outer fold")
        #expect(choose([0: [nil, nil, nil, nil]]) == [nil, nil])
        #expect(choose([0: [.nan, 0.5, 0.4, 0.4], 1: [0.1, 0.1, .nan, 0.5]]).map { $0?.trial } == [1, 0])
    }
}
