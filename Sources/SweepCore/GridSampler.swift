/// Every combination of the space's discrete values, in a fixed order: the first dimension
/// (by name) varies slowest, as in scikit-learn's ParameterGrid.
public enum GridSampler {
    public static func trials(_ space: [Dimension]) -> [Trial] {
        let dimensions = space.sorted { $0.name < $1.name }
        let lists = dimensions.map { $0.discreteValues ?? [] }
        precondition(lists.allSatisfy { !$0.isEmpty }, "grid dimensions are validated to be finite and non-empty")
        var combinations: [[String: ParamValue]] = [[:]]
        for (dimension, values) in zip(dimensions, lists) {
            combinations = combinations.flatMap { partial in
                values.map { value in
                    var next = partial
                    next[dimension.name] = value
                    return next
                }
            }
        }
        return combinations.enumerated().map { Trial(number: $0.offset, params: Params($0.element)) }
    }
}
