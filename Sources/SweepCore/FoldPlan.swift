/// How rows are used by every task fold of a sweep, made once by the coordinator.
///
/// `assignments[r][row]` is, for repeat r, the row's fold (k-fold schemes: it is validated in that
/// fold and trains all the others) or its time block (time series: fold f trains on blocks 0…f and
/// validates on block f + 1); −1 marks a held-out test row that no fold ever uses. Task folds are
/// numbered repeat × folds + fold.
public struct FoldPlan: Sendable, Equatable {
    public enum Scheme: UInt8, Sendable { case partition = 0, timeSeries = 1 }

    public var scheme: Scheme
    public var foldsPerRepeat: Int
    public var assignments: [[Int]]

    public init(scheme: Scheme, foldsPerRepeat: Int, assignments: [[Int]]) {
        self.scheme = scheme
        self.foldsPerRepeat = foldsPerRepeat
        self.assignments = assignments
    }

    /// Tasks per trial.
    public var taskFolds: Int { foldsPerRepeat * assignments.count }
    public var rows: Int { assignments.first?.count ?? 0 }

    /// Rows kept out of the search, scored once at the end.
    public var holdout: [Int] { (assignments.first ?? []).indices.filter { assignments[0][$0] < 0 } }
    /// Rows the search uses (everything but the holdout).
    public var searchRows: [Int] { (assignments.first ?? []).indices.filter { assignments[0][$0] >= 0 } }

    /// Training and validation rows of one task fold, in row order.
    public func split(_ taskFold: Int) -> (train: [Int], valid: [Int]) {
        let assignment = assignments[taskFold / foldsPerRepeat]
        let fold = taskFold % foldsPerRepeat
        var train: [Int] = [], valid: [Int] = []
        train.reserveCapacity(assignment.count)
        for (row, value) in assignment.enumerated() where value >= 0 {
            switch scheme {
            case .partition:
                if value == fold { valid.append(row) } else { train.append(row) }
            case .timeSeries:
                if value <= fold { train.append(row) } else if value == fold + 1 { valid.append(row) }
            }
        }
        return (train, valid)
    }

    /// The plan a spec asks for. `classes` enable stratification, `groups` (a group index per
    /// row) keep each group inside one fold. One fold (`folds: 1` with `test_size`) is holdout
    /// validation: each repeat validates on a seeded share of the rows, drawn as the final test
    /// share of a k-fold plan is, and trains on the rest.
    public static func make(rows: Int, cv: CVSpec, classes: [Int]?, groups: [Int]?) -> FoldPlan {
        let scheme: Scheme = cv.timeSeries ? .timeSeries : .partition
        if cv.folds == 1, let share = cv.testSize {
            // Partition: validation rows are fold 0, training rows 1; time series: the earlier
            // block (0) trains, the last share (1) validates.
            let (valid, train) = cv.timeSeries ? (1, 0) : (0, 1)
            let assignments = (0..<cv.repeats).map { repeatIndex in
                var generator = SeededGenerator(seed: cv.seed &+ UInt64(repeatIndex))
                return heldOut(rows: rows, share: share, cv: cv, classes: classes, groups: groups, &generator)
                    .map { $0 ? valid : train }
            }
            return FoldPlan(scheme: scheme, foldsPerRepeat: 1, assignments: assignments)
        }
        var generator = SeededGenerator(seed: cv.seed)
        // The holdout first (a final test share, scored once by the refitted model).
        let holdout =
            cv.testSize.map {
                heldOut(rows: rows, share: $0, cv: cv, classes: classes, groups: groups, &generator)
            } ?? [Bool](repeating: false, count: rows)
        let used = (0..<rows).filter { !holdout[$0] }
        var assignments: [[Int]] = []
        for repeatIndex in 0..<cv.repeats {
            var assignment = [Int](repeating: -1, count: rows)
            let local: [Int]
            if cv.timeSeries {
                local = Folds.timeBlocks(rows: used.count, folds: cv.folds)
            } else if let groups {
                local = Folds.groups(used.map { groups[$0] }, folds: cv.folds)
            } else {
                local = Folds.assign(
                    rows: used.count, folds: cv.folds,
                    classes: cv.stratified ? classes.map { c in used.map { c[$0] } } : nil,
                    shuffle: cv.shuffle, seed: cv.seed &+ UInt64(repeatIndex))
            }
            for (position, row) in used.enumerated() { assignment[row] = local[position] }
            assignments.append(assignment)
        }
        if let outer = cv.outer {
            assignments += nestedBlocks(rows: rows, used: used, cv: cv, outer: outer, classes: classes)
        }
        return FoldPlan(scheme: scheme, foldsPerRepeat: cv.folds, assignments: assignments)
    }

    /// A seeded share of the rows (true: taken): stratified when asked, whole groups with groups,
    /// the last rows for time series.
    static func heldOut(
        rows: Int, share: Double, cv: CVSpec, classes: [Int]?, groups: [Int]?, _ generator: inout SeededGenerator
    ) -> [Bool] {
        var taken = [Bool](repeating: false, count: rows)
        let wanted = max(1, Int((Double(rows) * share).rounded()))
        if cv.timeSeries {
            for row in max(0, rows - wanted)..<rows { taken[row] = true }
        } else if let groups {
            var order = Array(Set(groups)).sorted()
            order.shuffle(using: &generator)
            var count = 0
            for group in order where count < wanted {
                for row in 0..<rows where groups[row] == group { taken[row] = true; count += 1 }
            }
        } else {
            var order = Array(0..<rows)
            order.shuffle(using: &generator)
            if cv.stratified, let classes {
                // The same share of every class.
                for label in Set(classes).sorted() {
                    let members = order.filter { classes[$0] == label }
                    for row in members.prefix(Int((Double(members.count) * share).rounded())) { taken[row] = true }
                }
                // Every class rounded to none: the first shuffled rows (at least one, as promised).
                if !taken.contains(true) { for row in order.prefix(wanted) { taken[row] = true } }
            } else {
                for row in order.prefix(wanted) { taken[row] = true }
            }
        }
        return taken
    }
}
