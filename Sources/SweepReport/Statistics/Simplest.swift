import SweepCore

extension SelectionStatistics {
    /// The simplest of `candidates` (in rank order): lowest (or highest, by `simpler`) on the
    /// first ordered dimension of the space, ties broken by the next, then by rank. A candidate
    /// without a value for a dimension (a conditional one, inactive) counts as least simple on
    /// it. Nil with fewer than two candidates, no ordered dimension, or none that tells them apart.
    static func simplest(_ candidates: [TrialSummary], space: [Dimension]) -> (trial: Int, reason: String)? {
        let ordered = space.filter { $0.simpler != nil && $0.isOrdered }
        guard candidates.count >= 2, !ordered.isEmpty else { return nil }
        // Per candidate, per dimension: the value oriented so that smaller is simpler.
        let keys = candidates.map { candidate in
            ordered.map { dimension -> Double in
                guard let value = candidate.trial.params[dimension.name]?.number, !value.isNaN else {
                    return .infinity
                }
                return dimension.simpler == .high ? -value : value
            }
        }
        let order = candidates.indices.sorted { a, b in
            for (x, y) in zip(keys[a], keys[b]) where x != y { return x < y }
            return a < b
        }
        let winner = order[0]
        var reasons: [String] = []
        var rivals = Array(candidates.indices)
        for (index, dimension) in ordered.enumerated() {
            let values = Set(rivals.map { keys[$0][index] })
            guard values.count > 1 else { continue }  // does not tell the remaining ones apart
            let raw = candidates[winner].trial.params[dimension.name]?.number ?? .nan
            reasons.append(
                "\(dimension.simpler == .high ? "highest" : "lowest") \(dimension.name) (\(Significant.format(raw)))")
            rivals = rivals.filter { keys[$0][index] == keys[winner][index] }
            if rivals.count == 1 { break }
        }
        guard !reasons.isEmpty else { return nil }
        return (candidates[winner].trial.number, reasons.joined(separator: ", then "))
    }
}
