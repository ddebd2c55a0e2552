/// "Did you mean …?" for a misspelt name: the closest known name by edit distance, offered only
/// when it is close enough to be what the user meant.
public enum Suggestion {
    /// The candidate closest to `name`, ignoring case, when the edit distance is small: at most a
    /// quarter of the name's length (at least 1, at most 3) and less than both names' lengths, so
    /// a one-letter name is never "corrected" into another one-letter name. Ties go to the
    /// earlier candidate.
    public static func closest(to name: String, among candidates: [String]) -> String? {
        let typed = Array(name.lowercased())
        guard !typed.isEmpty else { return nil }
        let limit = min(3, max(1, typed.count / 4))
        var best: (name: String, distance: Int)?
        for candidate in candidates where candidate != name {
            let known = Array(candidate.lowercased())
            let distance = editDistance(typed, known)
            guard distance <= limit, distance < min(typed.count, known.count) || distance == 0 else { continue }
            if distance < best?.distance ?? .max { best = (candidate, distance) }
        }
        return best?.name
    }

    /// "; did you mean 'X'?" when a close candidate exists, else "": appended to a message.
    public static func didYouMean(_ name: String, among candidates: [String]) -> String {
        closest(to: name, among: candidates).map { "; did you mean '\($0)'?" } ?? ""
    }

    /// Optimal-string-alignment distance: insertions, deletions, substitutions and swaps of two
    /// neighbouring characters each cost 1 ("grdi" is 1 from "grid").
    static func editDistance(_ a: [Character], _ b: [Character]) -> Int {
        if a.isEmpty || b.isEmpty { return max(a.count, b.count) }
        var before = [Int](repeating: 0, count: b.count + 1)
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    current[j] = min(current[j], before[j - 2] + 1)
                }
            }
            (before, previous, current) = (previous, current, before)
        }
        return previous[b.count]
    }
}
