/// Whether a given configuration belongs to the space: for `search.enqueue` (checked with its
/// line by the parser) and for warm-start trials of an earlier sweep (skipped with the reason).
extension Dimension {
    /// The value as this dimension holds it (an int for `int`, a double for a range, the choice
    /// itself for `values`), or nil when it lies outside the dimension.
    public func member(_ value: ParamValue) -> ParamValue? {
        if let step, let count = discreteCount {
            // On the step: held as the sampler writes that step (0.1 × 3 as 0.3).
            guard let number = value.number, case .some(let lo) = kind.low else { return nil }
            let index = (number - lo) / step
            guard abs(index - index.rounded()) <= 1e-9 * max(1, index), index >= -1e-9, Int(index.rounded()) < count
            else { return nil }
            return steppedValue(Int(index.rounded()))
        }
        switch kind {
        case .constant(let constant):
            return Self.same(value, constant) ? constant : nil
        case .values(let choices):
            return choices.first { Self.same(value, $0) }
        case .int(let lo, let hi):
            guard let number = value.number, number == number.rounded(), number >= Double(lo), number <= Double(hi)
            else { return nil }
            return .int(Int(number))
        case .uniform(let lo, let hi), .logUniform(let lo, let hi):
            guard let number = value.number, number >= lo, number <= hi else { return nil }
            return .double(number)
        }
    }

    /// What the dimension allows, for messages ("a number in [0.01, 100]", "one of rbf, linear").
    public var allowed: String {
        let onStep = step.map { " on steps of \(formatNumber($0))" } ?? ""
        return switch kind {
        case .constant(let constant): "the constant \(constant.json)"
        case .values(let choices): "one of \(choices.map(\.json).joined(separator: ", "))"
        case .int(let lo, let hi): "an integer in [\(lo), \(hi)]\(onStep)"
        case .uniform(let lo, let hi), .logUniform(let lo, let hi):
            "a number in [\(formatNumber(lo)), \(formatNumber(hi))]\(onStep)"
        }
    }

    /// Equal values, an int and a double of the same number included (YAML writes `1` for 1.0).
    static func same(_ a: ParamValue, _ b: ParamValue) -> Bool {
        if a == b { return true }
        if let x = a.number, let y = b.number { return x == y }
        return false
    }
}

extension SearchSpace {
    /// A complete configuration checked against the space: every active parameter present and
    /// inside its dimension, no parameter that does not exist or whose condition is off. Returns
    /// the configuration as the space holds it, or why it does not belong.
    public func member(_ params: Params) -> Result<Params, MembershipProblem> {
        var values: [String: ParamValue] = [:]
        let known = Set(dimensions.map(\.name))
        if let unknown = params.names.first(where: { !known.contains($0) }) {
            return .failure(.init("parameter '\(unknown)' is not in today's space"))
        }
        for dimension in dimensions {
            let active = Self.isActive(dimension, in: values)
            switch (active, params[dimension.name]) {
            case (true, nil):
                return .failure(.init("it has no value for '\(dimension.name)', which today's space has"))
            case (false, .some):
                return .failure(.init("'\(dimension.name)' is set, but its condition is off in today's space"))
            case (true, let value?):
                guard let member = dimension.member(value) else {
                    return .failure(
                        .init("\(dimension.name)=\(value.json) is outside today's space (\(dimension.allowed))"))
                }
                values[dimension.name] = member
            case (false, nil): break
            }
        }
        return .success(Params(values))
    }
}

/// Why a configuration is not a member of the space.
public struct MembershipProblem: Error, Sendable, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}

extension Dimension.Kind {
    /// The low end of a numeric range (nil for constants and choices).
    var low: Double? {
        switch self {
        case .int(let lo, _): Double(lo)
        case .uniform(let lo, _), .logUniform(let lo, _): lo
        case .constant, .values: nil
        }
    }
}
