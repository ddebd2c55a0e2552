import Foundation

/// Seeded random search. Draws are independent per dimension; a configuration already drawn is
/// drawn again (up to a bound), so no configuration is evaluated twice. On an all-discrete space
/// with fewer combinations than asked, every combination is returned once, in random order.
public enum RandomSampler {
    public static func trials(_ space: [Dimension], count: Int, seed: UInt64) -> [Trial] {
        let dimensions = space.sorted { $0.name < $1.name }
        var generator = SeededGenerator(seed: seed)
        let discreteSize = dimensions.reduce(into: Optional(1)) { size, dimension in
            guard let current = size, let count = dimension.discreteCount else { size = nil; return }
            let (product, overflow) = current.multipliedReportingOverflow(by: count)
            size = overflow ? nil : product
        }
        if let discreteSize, discreteSize <= count {
            var all = GridSampler.trials(space).map(\.params)
            all.shuffle(using: &generator)
            return all.enumerated().map { Trial(number: $0.offset, params: $0.element) }
        }
        var seen = Set<Params>()
        var trials: [Trial] = []
        var misses = 0
        while trials.count < count && misses < 1000 {
            var values: [String: ParamValue] = [:]
            for dimension in dimensions { values[dimension.name] = draw(dimension.kind, using: &generator) }
            let params = Params(values)
            if seen.insert(params).inserted {
                trials.append(Trial(number: trials.count, params: params))
                misses = 0
            } else {
                misses += 1
            }
        }
        return trials
    }

    static func draw(_ kind: Dimension.Kind, using generator: inout SeededGenerator) -> ParamValue {
        switch kind {
        case .constant(let value):
            return value
        case .values(let values):
            return values[Int(generator.next() % UInt64(values.count))]
        case .int(let lo, let hi):
            return .int(lo + Int(generator.next() % UInt64(hi - lo + 1)))
        case .uniform(let lo, let hi):
            return .double(lo + (hi - lo) * generator.unit())
        case .logUniform(let lo, let hi):
            let (a, b) = (log(lo), log(hi))
            return .double(exp(a + (b - a) * generator.unit()))
        }
    }
}
