import SweepCore
import SweepML

extension ParameterImportance {
    /// fANOVA importances of the space's parameters for the (first) objective's mean over folds,
    /// as optuna's `FanovaImportanceEvaluator` computes them (see `Fanova`), over the trials that
    /// finished every fold with a finite mean (feasible or not: the surrogate models the
    /// objective). Encoded as optuna encodes them: numbers as they are (a log range too: optuna
    /// uses `transform_log=False`), bounded by the space; a list of `values` one-hot, its
    /// importance the marginal of its columns together. A parameter with one value scores 0; a
    /// conditional one that some finished trials lack is left out (optuna's intersection search
    /// space), and the method says so. Nil below 4 such trials, with nothing to vary, or when
    /// every trial scored the same.
    public static func fanova(_ summary: RunSummary, space: [Dimension], seed: UInt64 = 0) -> ParameterImportance? {
        let all = summary.summaries.filter { $0.status == .ok && ($0.objective?.mean.isFinite ?? false) }
        guard all.count >= 4 else { return nil }
        let finished = sample(all, seed: seed)
        let searched = space.filter { if case .constant = $0.kind { false } else { true } }
        let present = searched.filter { dimension in finished.allSatisfy { $0.trial.params[dimension.name] != nil } }
        let varying = present.filter { ($0.discreteCount ?? 2) > 1 }
        guard !varying.isEmpty else { return nil }
        let y = finished.map { $0.objective!.mean }
        let shares: [Double]
        if varying.count == 1 {
            // One parameter varies: every tree's variance is its own (share 1) — no forest needed,
            // unless nothing could split (every value or every score the same: no importance).
            let name = varying[0].name
            let first = finished[0].trial.params[name]
            guard y.contains(where: { $0 != y[0] }), finished.contains(where: { $0.trial.params[name] != first })
            else { return nil }
            shares = [1]
        } else {
            let encoding = FanovaEncoding(varying, trials: finished.map(\.trial.params))
            guard
                let found = Fanova.importances(
                    x: encoding.x, y: y, bounds: encoding.bounds, groups: encoding.groups, seed: seed)
            else { return nil }
            shares = found
        }
        var values = zip(varying.map(\.name), shares).map { (name: $0, importance: $1) }
        values += present.filter { ($0.discreteCount ?? 2) <= 1 }.map { (name: $0.name, importance: 0.0) }
        values.sort { ($0.importance, $1.name) > ($1.importance, $0.name) }
        var method =
            "fANOVA (Hutter et al. 2014) on a random-forest surrogate of \(Fanova.trees) trees, as optuna's FanovaImportanceEvaluator, of the mean \(summary.objective.metric) over \(finished.count) finished trials"
        if finished.count < all.count { method += " (a seeded random sample of the \(all.count))" }
        let left = searched.filter { dimension in !present.contains { $0.name == dimension.name } }.map(\.name)
        if !left.isEmpty {
            method += "; left out (set in only some trials): \(left.joined(separator: ", "))"
        }
        return ParameterImportance(method: method, values: values)
    }

    /// The most trials the surrogate is fitted on: a million-task sweep's report must not spend
    /// minutes here, and a few thousand trials pin importances down well.
    public static let mostFanovaTrials = 4000

    /// At most `mostFanovaTrials` of `trials`, a seeded random sample kept in trial order.
    static func sample<T>(_ trials: [T], seed: UInt64) -> [T] {
        guard trials.count > mostFanovaTrials else { return trials }
        var generator = SeededGenerator(seed: seed ^ 0x5eed_fa11)
        var indices = Array(trials.indices)
        for position in 0..<mostFanovaTrials {
            indices.swapAt(position, Int.random(in: position..<indices.count, using: &generator))
        }
        return indices[..<mostFanovaTrials].sorted().map { trials[$0] }
    }
}

/// Trials' parameters as fANOVA's columns: a number per numeric dimension, one-hot columns per
/// list of values; each column's bounds, and the columns of each dimension.
struct FanovaEncoding {
    var x: Matrix
    var bounds: [(low: Double, high: Double)] = []
    var groups: [[Int]] = []

    init(_ dimensions: [Dimension], trials: [Params]) {
        var columns: [[Double]] = []
        for dimension in dimensions {
            let values = trials.map { $0[dimension.name] }
            var group: [Int] = []
            switch dimension.kind {
            case .values(let choices):
                for choice in choices {
                    group.append(columns.count)
                    columns.append(values.map { $0 == choice ? 1 : 0 })
                    bounds.append((0, 1))
                }
            default:
                let numbers = values.map { $0?.number ?? .nan }
                let (low, high) = dimension.range
                group.append(columns.count)
                columns.append(numbers)
                // A value outside the space (an older spec, resumed) widens it rather than be lost.
                bounds.append((min(low, numbers.min() ?? low), max(high, numbers.max() ?? high)))
            }
            groups.append(group)
        }
        let rows = trials.count
        var flat = [Double](repeating: 0, count: rows * columns.count)
        for (c, column) in columns.enumerated() {
            for r in 0..<rows { flat[r * columns.count + c] = column[r] }
        }
        x = Matrix(rows: rows, columns: columns.count, values: flat)
    }
}

extension Dimension {
    /// The numeric range of a numeric dimension (linear; 0…0 otherwise).
    fileprivate var range: (Double, Double) {
        switch kind {
        case .uniform(let low, let high), .logUniform(let low, let high): (low, high)
        case .int(let low, let high): (Double(low), Double(high))
        case .constant(let value): (value.number ?? 0, value.number ?? 0)
        case .values(let values):
            (values.compactMap(\.number).min() ?? 0, values.compactMap(\.number).max() ?? 0)
        }
    }
}
