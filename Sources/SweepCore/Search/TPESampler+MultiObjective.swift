/// Multi-objective TPE (Ozaki, Tanigaki, Watanabe & Onishi 2020, "Multiobjective tree-structured
/// Parzen estimator for computationally expensive optimization problems"), as optuna 5's
/// `_split_complete_trials_multi_objective`: the below group takes whole non-domination fronts
/// while they fit, and the front that does not fit is cut by greedy hypervolume subset selection.
extension TPESampler {
    /// Whether the sweep's trials carry several objectives' losses.
    static func isMultiObjective(_ history: SearchHistory) -> Bool {
        history.entries.contains { ($0.losses?.count ?? 0) > 1 }
    }

    /// These complete feasible trials (positions) with the `wanted` best first: whole fronts, then
    /// the chosen part of the front that does not fit; the rest after them in history order.
    static func rankMultiObjective(_ positions: [Int], _ history: SearchHistory, wanted: Int) -> [Int] {
        guard wanted > 0, wanted < positions.count else { return positions }
        let points = positions.map { position in
            let entry = history.entries[position]
            let first: Double = if case .complete(let loss) = entry.state { loss } else { .infinity }
            return (entry.losses ?? [first]).map { $0.isNaN ? .infinity : $0 }
        }
        let ranks = Pareto.ranks(points)
        var chosen: [Int] = []
        var rank = 0
        while chosen.count < wanted {
            let front = points.indices.filter { ranks[$0] == rank }
            if chosen.count + front.count <= wanted {
                chosen += front
            } else {
                let picked = hypervolumeSubset(front.map { points[$0] }, count: wanted - chosen.count)
                chosen += picked.map { front[$0] }
            }
            rank += 1
        }
        let isChosen = Set(chosen)
        return chosen.sorted().map { positions[$0] }
            + positions.indices.filter { !isChosen.contains($0) }.map {
                positions[$0]
            }
    }

    /// Greedy hypervolume subset selection (optuna's `_solve_hssp`): `count` of these points, each
    /// step the one adding most hypervolume, against a reference just beyond the worst point.
    /// Indices into `points`.
    static func hypervolumeSubset(_ points: [[Double]], count: Int) -> [Int] {
        guard count < points.count else { return Array(points.indices) }
        // Distinct points in lexicographic order (as numpy's unique), each by its first index.
        var firstIndex: [[Double]: Int] = [:]
        for (index, point) in points.enumerated() where firstIndex[point] == nil { firstIndex[point] = index }
        let unique = firstIndex.keys.sorted { $0.lexicographicallyPrecedes($1) }
        if unique.count < count {
            // Every distinct point, then repeats in index order.
            let distinct = Set(firstIndex.values)
            let repeats = points.indices.filter { !distinct.contains($0) }
            return (Array(distinct) + repeats.prefix(count - unique.count)).sorted()
        }
        let m = points[0].count
        let reference = (0..<m).map { k -> Double in
            let worst = points.map { $0[k] }.max()!
            let r = max(1.1 * worst, 0.9 * worst)
            return r == 0 ? 1e-12 : r
        }
        guard reference.allSatisfy(\.isFinite) else { return unique.prefix(count).map { firstIndex[$0]! } }
        var remaining = unique
        var selected: [[Double]] = []
        var volume = 0.0
        for _ in 0..<count {
            var best = 0
            var bestGain = -Double.infinity
            for (index, candidate) in remaining.enumerated() {
                let gain = Pareto.hypervolume(selected + [candidate], reference: reference) - volume
                if gain > bestGain {
                    best = index
                    bestGain = gain
                }
            }
            selected.append(remaining.remove(at: best))
            volume += bestGain
        }
        return selected.map { firstIndex[$0]! }
    }
}
