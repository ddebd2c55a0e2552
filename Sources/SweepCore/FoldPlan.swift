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
    /// row) keep each group inside one fold.
    public static func make(rows: Int, cv: CVSpec, classes: [Int]?, groups: [Int]?) -> FoldPlan {
        var generator = SeededGenerator(seed: cv.seed)
        // The holdout first: a seeded random share (stratified when asked, whole groups with
        // groups), or the last rows for time series.
        var holdout = [Bool](repeating: false, count: rows)
        if let share = cv.testSize {
            let wanted = max(1, Int((Double(rows) * share).rounded()))
            if cv.timeSeries {
                for row in (rows - wanted)..<rows { holdout[row] = true }
            } else if let groups {
                var order = Array(Set(groups)).sorted()
                order.shuffle(using: &generator)
                var taken = 0
                for group in order where taken < wanted {
                    for row in 0..<rows where groups[row] == group { holdout[row] = true; taken += 1 }
                }
            } else {
                var order = Array(0..<rows)
                order.shuffle(using: &generator)
                if cv.stratified, let classes {
                    // The same share of every class.
                    for label in Set(classes).sorted() {
                        let members = order.filter { classes[$0] == label }
                        for row in members.prefix(Int((Double(members.count) * share).rounded())) {
                            holdout[row] = true
                        }
                    }
                } else {
                    for row in order.prefix(wanted) { holdout[row] = true }
                }
            }
        }
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
        return FoldPlan(
            scheme: cv.timeSeries ? .timeSeries : .partition, foldsPerRepeat: cv.folds, assignments: assignments)
    }
}
