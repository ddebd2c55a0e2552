import Testing

@testable import SweepCore

struct FoldsTests {
    @Test func plainFoldsPartitionRowsWithSizesWithinOne() {
        let assignment = Folds.assign(rows: 103, folds: 5, classes: nil, shuffle: true, seed: 3)
        let sizes = (0..<5).map { fold in assignment.filter { $0 == fold }.count }
        #expect(sizes.reduce(0, +) == 103)
        #expect(sizes.max()! - sizes.min()! <= 1)
    }

    @Test func unshuffledFoldsAreContiguousBlocks() {
        #expect(Folds.assign(rows: 7, folds: 3, classes: nil, shuffle: false, seed: 0) == [0, 0, 0, 1, 1, 2, 2])
    }

    @Test func stratifiedFoldsKeepClassProportions() {
        // 60 of class 0, 30 of class 1, 10 of class 2.
        let classes = Array(repeating: 0, count: 60) + Array(repeating: 1, count: 30) + Array(repeating: 2, count: 10)
        let assignment = Folds.assign(rows: 100, folds: 5, classes: classes, shuffle: true, seed: 9)
        for fold in 0..<5 {
            let members = assignment.indices.filter { assignment[$0] == fold }
            #expect(members.count == 20)
            #expect(members.filter { classes[$0] == 0 }.count == 12)
            #expect(members.filter { classes[$0] == 1 }.count == 6)
            #expect(members.filter { classes[$0] == 2 }.count == 2)
        }
    }

    @Test func foldsAreDeterministicPerSeed() {
        let classes = (0..<50).map { $0 % 3 }
        let a = Folds.assign(rows: 50, folds: 5, classes: classes, shuffle: true, seed: 1)
        #expect(a == Folds.assign(rows: 50, folds: 5, classes: classes, shuffle: true, seed: 1))
        #expect(a != Folds.assign(rows: 50, folds: 5, classes: classes, shuffle: true, seed: 2))
    }

    @Test func splitSeparatesTrainingFromValidation() {
        let assignment = [0, 1, 2, 0, 1, 2]
        let (train, valid) = FoldPlan(scheme: .partition, foldsPerRepeat: 3, assignments: [assignment]).split(1)
        #expect(valid == [1, 4])
        #expect(train == [0, 2, 3, 5])
    }
}
