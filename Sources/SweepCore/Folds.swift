/// Cross-validation folds, made once by the coordinator: `assignment[row]` is the fold in which
/// that row is validated. Every trial sees the same folds.
public enum Folds {
    /// K-fold assignment. Stratified: rows of each class are spread over folds in turn, so every
    /// fold holds each class in proportion (within one row) and fold sizes differ by at most one.
    /// Shuffled with the seed when asked; otherwise rows keep file order.
    public static func assign(rows: Int, folds: Int, classes: [Int]?, shuffle: Bool, seed: UInt64) -> [Int] {
        precondition(folds >= 2 && rows >= folds, "validated: at least as many rows as folds")
        var generator = SeededGenerator(seed: seed)
        var order = Array(0..<rows)
        if shuffle { order.shuffle(using: &generator) }
        var assignment = [Int](repeating: 0, count: rows)
        guard let classes else {
            // Contiguous blocks of the (shuffled) order, the first `rows % folds` one larger.
            let base = rows / folds, extra = rows % folds
            var start = 0
            for fold in 0..<folds {
                let size = base + (fold < extra ? 1 : 0)
                for position in start..<(start + size) { assignment[order[position]] = fold }
                start += size
            }
            return assignment
        }
        // Group by class (stable, so shuffled order within a class is kept), then deal round-robin.
        let grouped = order.enumerated().sorted { (classes[$0.element], $0.offset) < (classes[$1.element], $1.offset) }
        for (position, entry) in grouped.enumerated() { assignment[entry.element] = position % folds }
        return assignment
    }

    /// Time-series blocks, as scikit-learn's `TimeSeriesSplit(n_splits: folds)`: the last `folds`
    /// blocks of ⌊rows / (folds + 1)⌋ rows each; block 0 (all earlier rows) only ever trains.
    public static func timeBlocks(rows: Int, folds: Int) -> [Int] {
        let size = rows / (folds + 1)
        let first = rows - folds * size
        return (0..<rows).map { $0 < first ? 0 : 1 + ($0 - first) / size }
    }

    /// Group k-fold, as scikit-learn's `GroupKFold`: groups, largest first, each to the fold with
    /// the fewest rows so far; a group never straddles two folds.
    public static func groups(_ groups: [Int], folds: Int) -> [Int] {
        var sizes: [Int: Int] = [:]
        for group in groups { sizes[group, default: 0] += 1 }
        let order = sizes.keys.sorted { (sizes[$0]!, $1) > (sizes[$1]!, $0) }
        var load = [Int](repeating: 0, count: folds)
        var foldOf: [Int: Int] = [:]
        for group in order {
            let fold = load.indices.min { (load[$0], $0) < (load[$1], $1) }!
            foldOf[group] = fold
            load[fold] += sizes[group]!
        }
        return groups.map { foldOf[$0]! }
    }
}
