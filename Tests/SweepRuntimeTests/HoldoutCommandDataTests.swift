import Testing

@testable import SweepCore
@testable import SweepRuntime

/// A command trainer with data and `cv: {folds: 1, test_size: …}`: its one task trains on the
/// rows outside the validation share and validates on that share.
struct HoldoutCommandDataTests {
    @Test func oneFoldSplitsTheRowsIntoTrainingAndAValidationShare() throws {
        var cv = CVSpec(folds: 1, stratified: true, shuffle: true, seed: 5)
        cv.testSize = 0.25
        let labels = ["x", "y", "x", "y", "x", "y", "x", "y"]
        let plan = FoldPlan.make(rows: 8, cv: cv, classes: labels.map { $0 == "x" ? 0 : 1 }, groups: nil)
        let csv = "n,label\n" + labels.enumerated().map { "\($0.offset),\($0.element)\n" }.joined()
        let (train, valid) = try CommandData(csv: csv, plan: plan).split(fold: 0)
        let trainRows = train.split(separator: "\n").dropFirst(), validRows = valid.split(separator: "\n").dropFirst()
        #expect(trainRows.count == 6 && validRows.count == 2)
        #expect(Set(validRows.map { $0.split(separator: ",")[1] }) == ["x", "y"], "one of each class")
        #expect(Set(trainRows).union(validRows).count == 8 && Set(trainRows).isDisjoint(with: validRows))
    }
}
