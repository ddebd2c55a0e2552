/// Nested CV in the fold plan. Block 0 is the plain inner CV of every search row (what the
/// sweep's best and ranking use); block 1 + o is the inner CV of outer fold o: that fold's test
/// rows are −1 and its other rows get inner folds. Workers need nothing new: a nested task is
/// one more task fold. The outer assignment is not stored; it is what blocks 0 and 1 + o differ in.
extension FoldPlan {
    /// Seeds of the outer split and of each outer fold's inner split, apart from the plain CV's.
    static let outerSeedOffset: UInt64 = 0x6E65_7374_6564  // "nested"

    /// The outer fold of each of `used` rows (k-fold, stratified and shuffled as the plain CV).
    static func outerFolds(used: [Int], cv: CVSpec, outer: Int, classes: [Int]?) -> [Int] {
        Folds.assign(
            rows: used.count, folds: outer, classes: cv.stratified ? classes.map { c in used.map { c[$0] } } : nil,
            shuffle: cv.shuffle, seed: cv.seed &+ outerSeedOffset)
    }

    /// One block per outer fold: −1 for rows outside the search or in the outer fold's test
    /// rows, else the row's inner fold among the outer fold's training rows.
    static func nestedBlocks(rows: Int, used: [Int], cv: CVSpec, outer: Int, classes: [Int]?) -> [[Int]] {
        let outerOf = outerFolds(used: used, cv: cv, outer: outer, classes: classes)
        return (0..<outer).map { fold in
            let train = used.indices.filter { outerOf[$0] != fold }.map { used[$0] }
            let inner = Folds.assign(
                rows: train.count, folds: cv.folds,
                classes: cv.stratified ? classes.map { c in train.map { c[$0] } } : nil,
                shuffle: cv.shuffle, seed: cv.seed &+ outerSeedOffset &+ UInt64(fold + 1))
            var block = [Int](repeating: -1, count: rows)
            for (position, row) in train.enumerated() { block[row] = inner[position] }
            return block
        }
    }

    /// Outer fold o's rows: training (every search row but its test rows) and test, in row
    /// order. Valid for a plan made with `cv.outer` (block 0 and block 1 + o).
    public func outerSplit(_ fold: Int) -> (train: [Int], test: [Int]) {
        let all = assignments[0], block = assignments[1 + fold]
        var train: [Int] = [], test: [Int] = []
        for row in all.indices where all[row] >= 0 {
            if block[row] >= 0 { train.append(row) } else { test.append(row) }
        }
        return (train, test)
    }

    /// The task folds of outer fold o's inner CV.
    public func innerTaskFolds(outerFold fold: Int) -> Range<Int> {
        let start = (1 + fold) * foldsPerRepeat
        return start..<(start + foldsPerRepeat)
    }
}

extension CVSpec {
    /// Why `rows` search rows are too few for nested CV (each outer fold's training rows must
    /// fill the inner folds), or nil.
    public func nestedRowProblem(rows: Int) -> String? {
        guard let outer else { return nil }
        if rows < outer { return "\(outer) outer folds need at least \(outer) rows; the data has \(rows)" }
        let train = smallestOuterTrain(rows: rows)
        guard train < folds else { return nil }
        return
            "\(outer) outer folds leave \(train) training rows in the smallest, fewer than the \(folds) inner folds (cv.folds) need; use fewer folds or more rows"
    }

    /// The fewest training rows an outer fold has (outer folds differ by at most one row).
    public func smallestOuterTrain(rows: Int) -> Int {
        guard let outer else { return rows }
        guard outer <= rows else { return 0 }  // refused by `nestedRowProblem`
        return rows - (rows + outer - 1) / outer
    }
}
