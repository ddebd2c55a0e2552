/// Bounds on the marks a figure draws, so a sweep of thousands of trials still makes a page
/// of a few megabytes: beyond a limit, the marks that matter (the best trials) are kept and
/// the rest are sampled evenly.
enum Thinning {
    /// Points per scatter figure (history, each slice).
    static let points = 2000
    /// Polylines of the parallel-coordinates and intermediate-values figures.
    static let lines = 500
    /// Vertices of one intermediate-values line.
    static let vertices = 200
    /// Bars per worker row of the timeline.
    static let bars = 400

    /// Indices into `0..<count`, ascending: all of them up to `limit`; beyond it, every one in
    /// `keep` and evenly spaced others up to `limit` in all.
    static func indices(count: Int, limit: Int, keep: Set<Int> = []) -> [Int] {
        guard count > limit else { return Array(0..<count) }
        let kept = keep.filter { $0 >= 0 && $0 < count }
        let room = max(0, limit - kept.count)
        let others = (0..<count).filter { !kept.contains($0) }
        var chosen = kept
        if room > 0, !others.isEmpty {
            for k in 0..<min(room, others.count) { chosen.insert(others[k * others.count / min(room, others.count)]) }
        }
        return chosen.sorted()
    }

    /// At most `limit` evenly spaced elements, the first and last always among them.
    static func evenly<T>(_ items: [T], limit: Int) -> [T] {
        guard items.count > limit, limit >= 2 else { return items }
        return (0..<limit).map { items[$0 * (items.count - 1) / (limit - 1)] }
    }
}
