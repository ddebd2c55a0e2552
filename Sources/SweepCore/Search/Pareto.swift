/// Pareto dominance for multi-objective search, over losses (every objective minimized).
///
/// Constraints follow Deb's constrained domination (as optuna's NSGA-II): a feasible point
/// dominates an infeasible one, of two infeasible points the one with the smaller violation
/// dominates, and two feasible points compare by Pareto dominance.
public enum Pareto {
    /// `a` is no worse than `b` in every objective and better in one.
    public static func dominates(_ a: [Double], _ b: [Double]) -> Bool {
        var better = false
        for (x, y) in zip(a, b) {
            if x > y { return false }
            if x < y { better = true }
        }
        return better
    }

    /// Deb's constrained domination (`violations` nil: every point feasible).
    static func dominates(_ i: Int, _ j: Int, _ points: [[Double]], _ violations: [Double]?) -> Bool {
        if let violations {
            let (vi, vj) = (violations[i], violations[j])
            if vi == 0 && vj > 0 { return true }
            if vi > 0 && vj == 0 { return false }
            if vi > 0 && vj > 0 { return vi < vj }
        }
        return dominates(points[i], points[j])
    }

    /// The non-domination rank of every point (0: on the front), by fast non-dominated sorting
    /// (Deb et al. 2002). O(m·n²) for n points of m objectives.
    public static func ranks(_ points: [[Double]], violations: [Double]? = nil) -> [Int] {
        let n = points.count
        var dominatedBy = [Int](repeating: 0, count: n)
        var dominating = [[Int]](repeating: [], count: n)
        for i in 0..<n {
            for j in (i + 1)..<max(n, i + 1) {
                if dominates(i, j, points, violations) {
                    dominating[i].append(j)
                    dominatedBy[j] += 1
                } else if dominates(j, i, points, violations) {
                    dominating[j].append(i)
                    dominatedBy[i] += 1
                }
            }
        }
        var rank = [Int](repeating: 0, count: n)
        var current = (0..<n).filter { dominatedBy[$0] == 0 }
        var level = 0
        while !current.isEmpty {
            var next: [Int] = []
            for i in current {
                rank[i] = level
                for j in dominating[i] {
                    dominatedBy[j] -= 1
                    if dominatedBy[j] == 0 { next.append(j) }
                }
            }
            current = next
            level += 1
        }
        return rank
    }

    /// The indices of the points on the front: feasible and dominated by no other point.
    public static func front(_ points: [[Double]], violations: [Double]? = nil) -> [Int] {
        let rank = ranks(points, violations: violations)
        return points.indices.filter { rank[$0] == 0 && (violations?[$0] ?? 0) == 0 }
    }

    /// Crowding distance of each point of one front (Deb et al. 2002): the boundary points of every
    /// objective get infinity, the others the normalised sum of their neighbours' gaps.
    public static func crowding(_ points: [[Double]]) -> [Double] {
        let n = points.count
        guard n > 2, let m = points.first?.count else { return [Double](repeating: .infinity, count: n) }
        var distance = [Double](repeating: 0, count: n)
        for k in 0..<m {
            let order = (0..<n).sorted { (points[$0][k], $0) < (points[$1][k], $1) }
            let span = points[order[n - 1]][k] - points[order[0]][k]
            distance[order[0]] = .infinity
            distance[order[n - 1]] = .infinity
            guard span > 0, span.isFinite else { continue }
            for position in 1..<(n - 1) {
                distance[order[position]] += (points[order[position + 1]][k] - points[order[position - 1]][k]) / span
            }
        }
        return distance
    }

    /// The hypervolume dominated by `points` and bounded by `reference` (every objective
    /// minimized): the measure of { x : some point ≤ x ≤ reference }. Points not strictly better
    /// than the reference in every objective add nothing. Exact: a sweep in two dimensions, slicing
    /// along the last objective above that (fine for the 2–3 objectives a sweep has).
    public static func hypervolume(_ points: [[Double]], reference: [Double]) -> Double {
        let inside = points.filter { point in zip(point, reference).allSatisfy { $0 < $1 } }
        guard !inside.isEmpty else { return 0 }
        switch reference.count {
        case 1: return reference[0] - inside.map { $0[0] }.min()!
        case 2:
            let sorted = inside.sorted { ($0[0], $0[1]) < ($1[0], $1[1]) }
            var volume = 0.0
            var ceiling = reference[1]
            // Left to right, each point that lowers the ceiling adds the strip under the old one.
            for point in sorted where point[1] < ceiling {
                volume += (reference[0] - point[0]) * (ceiling - point[1])
                ceiling = point[1]
            }
            return volume
        default:
            // Slice along the last objective: between consecutive levels, the cross-section is the
            // hypervolume of the points at or below the level, in one dimension fewer.
            let last = reference.count - 1
            let sorted = inside.sorted { $0[last] < $1[last] }
            var volume = 0.0
            for (index, point) in sorted.enumerated() {
                let top = index + 1 < sorted.count ? sorted[index + 1][last] : reference[last]
                guard top > point[last] else { continue }
                let section = hypervolume(
                    sorted[...index].map { Array($0[..<last]) }, reference: Array(reference[..<last]))
                volume += section * (top - point[last])
            }
            return volume
        }
    }
}
