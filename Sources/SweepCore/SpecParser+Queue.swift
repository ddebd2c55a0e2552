import Yams

/// `search.warm_start` and `search.enqueue`: earlier run directories to learn from, and
/// configurations to evaluate first (checked against the space in `checkEnqueue`).
extension SpecParser {
    /// `warm_start: [runs/earlier, …]` — run directories, relative to the spec file.
    static func parseWarmStart(_ node: Node, _ reader: inout NodeReader) -> [String]? {
        let field = "search.warm_start"
        let items: [Node]
        switch node {
        case .sequence(let sequence): items = Array(sequence)
        case .scalar: items = [node]
        default:
            reader.fail(field, node, "expected a list of run directories, e.g. warm_start: [runs/earlier]")
            return nil
        }
        var paths: [String] = []
        for (index, item) in items.enumerated() {
            guard let path = reader.string(item, "\(field)[\(index)]") else { return nil }
            paths.append(path)
        }
        return paths
    }

    /// `enqueue: [{C: 1, penalty: l2}, …]` — each a mapping of parameter names to values; lines
    /// are noted per value (`search.enqueue[0].C`) for `checkEnqueue`.
    static func parseEnqueue(_ node: Node, _ reader: inout NodeReader) -> [Params]? {
        let field = "search.enqueue"
        guard case .sequence(let items) = node else {
            reader.fail(field, node, "expected a list of configurations, e.g. enqueue: [{C: 1, penalty: l2}]")
            return nil
        }
        var configurations: [Params] = []
        for (index, item) in items.enumerated() {
            guard let entries = reader.mapping(item, "\(field)[\(index)]") else { return nil }
            var values: [String: ParamValue] = [:]
            for (name, value) in entries {
                guard let parsed = reader.paramValue(value, "\(field)[\(index)].\(name)") else { return nil }
                values[name] = parsed
            }
            configurations.append(Params(values))
        }
        return configurations
    }

    /// Each enqueued configuration against the space: known names (did you mean), values inside
    /// their dimension, and a conditional parameter only with its parent given and turning it on.
    /// Missing parameters are drawn when the trial starts (as optuna's `enqueue_trial`). Values
    /// are stored as the space holds them (`C: 1` for a range becomes 1.0).
    static func checkEnqueue(_ space: [Dimension], _ search: inout SearchSpec, _ reader: inout NodeReader) {
        let byName = Dictionary(space.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        let names = space.map(\.name).sorted()
        for (index, params) in search.enqueue.enumerated() {
            let prefix = "search.enqueue[\(index)]"
            var values: [String: ParamValue] = [:]
            for (name, value) in params.entries {
                let field = "\(prefix).\(name)"
                guard let dimension = byName[name] else {
                    reader.fail(
                        field, nil,
                        "'\(name)' is not a parameter of the space; parameters: \(names.joined(separator: ", "))"
                            + Suggestion.didYouMean(name, among: names))
                    continue
                }
                guard let member = dimension.member(value) else {
                    reader.fail(field, nil, "\(value.json) is outside the space: expected \(dimension.allowed)")
                    continue
                }
                values[name] = member
            }
            for (name, _) in params.entries {
                guard let condition = byName[name]?.condition else { continue }
                let field = "\(prefix).\(name)"
                let wanted = condition.values.map(\.json).joined(separator: " or ")
                guard let parent = params[condition.parent] else {
                    reader.fail(
                        field, nil,
                        "'\(name)' applies only when \(condition.parent) is \(wanted): give \(condition.parent) too")
                    continue
                }
                if !condition.values.contains(where: { Dimension.same($0, parent) }) {
                    reader.fail(
                        field, nil,
                        "'\(name)' applies only when \(condition.parent) is \(wanted), and here it is \(parent.json): remove \(name)"
                    )
                }
            }
            search.enqueue[index] = Params(values)
        }
    }
}
