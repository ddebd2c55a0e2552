import Foundation

/// The space as samplers walk it: dimensions ordered so that each comes after the parent its
/// `when:` names (then by name), so a sampler can decide a parent first and skip the children it
/// turns off. Conditions are validated by the spec parser (the parent exists, no cycles).
public struct SearchSpace: Sendable {
    public let dimensions: [Dimension]

    public init(_ dimensions: [Dimension]) {
        var ordered: [Dimension] = []
        var placed = Set<String>()
        var remaining = dimensions.sorted { $0.name < $1.name }
        while !remaining.isEmpty {
            let ready = remaining.filter { $0.condition.map { placed.contains($0.parent) } ?? true }
            // A cycle or a missing parent cannot pass the parser; place the rest as they are.
            let next = ready.isEmpty ? remaining : ready
            ordered += next
            placed.formUnion(next.map(\.name))
            remaining.removeAll { dimension in next.contains { $0.name == dimension.name } }
        }
        self.dimensions = ordered
    }

    /// Whether a dimension exists given the values chosen so far for the others.
    public static func isActive(_ dimension: Dimension, in values: [String: ParamValue]) -> Bool {
        guard let condition = dimension.condition else { return true }
        guard let parent = values[condition.parent] else { return false }
        return condition.values.contains(parent)
    }

    /// A configuration built dimension by dimension; `choose` is asked only for active ones.
    public func configuration(_ choose: (Int, Dimension) -> ParamValue) -> Params {
        var values: [String: ParamValue] = [:]
        for (index, dimension) in dimensions.enumerated() where Self.isActive(dimension, in: values) {
            values[dimension.name] = choose(index, dimension)
        }
        return Params(values)
    }

    /// The number of configurations when every dimension is discrete (an upper bound with
    /// conditions); nil when some dimension is continuous or the count overflows.
    public var discreteSize: Int? {
        dimensions.reduce(into: Optional(1)) { size, dimension in
            guard let current = size, let count = dimension.discreteCount else { size = nil; return }
            let (product, overflow) = current.multipliedReportingOverflow(by: count)
            size = overflow ? nil : product
        }
    }
}

extension Dimension {
    /// The value at `u` ∈ [0, 1) of the dimension's natural scale: linear, logarithmic, or an
    /// equal share of the unit interval per integer, step or choice. A log int is drawn on
    /// [log(lo − ½), log(hi + ½)] and rounded, as optuna's IntDistribution(log=True).
    public func value(atUnit u: Double) -> ParamValue {
        let u = min(max(u, 0), 0x1.fffffffffffffp-1)
        if step != nil, let count = discreteCount {
            return steppedValue(min(count - 1, Int(u * Double(count))))
        }
        switch kind {
        case .constant(let value):
            return value
        case .values(let values):
            return values[min(values.count - 1, Int(u * Double(values.count)))]
        case .int(let lo, let hi) where log:
            let (a, b) = (Foundation.log(Double(lo) - 0.5), Foundation.log(Double(hi) + 0.5))
            return .int(min(hi, max(lo, Int(exp(a + (b - a) * u).rounded()))))
        case .int(let lo, let hi):
            return .int(lo + min(hi - lo, Int(u * Double(hi - lo + 1))))
        case .uniform(let lo, let hi):
            return .double(lo + (hi - lo) * u)
        case .logUniform(let lo, let hi):
            let (a, b) = (Foundation.log(lo), Foundation.log(hi))
            return .double(min(hi, max(lo, exp(a + (b - a) * u))))
        }
    }

    /// The chance a draw in log space gives `value` (its share of [log(lo − ½), log(hi + ½)]) for a
    /// log int; 1 for every other dimension and for an absent value.
    public func logShare(_ value: ParamValue?) -> Double {
        guard log, case .int(let lo, let hi) = kind, let v = value?.number else { return 1 }
        let whole = Foundation.log(Double(hi) + 0.5) - Foundation.log(Double(lo) - 0.5)
        return (Foundation.log(v + 0.5) - Foundation.log(v - 0.5)) / whole
    }
}
