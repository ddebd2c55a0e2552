import Foundation

/// Seeded random search. Dimensions are drawn independently on their natural scale. On an
/// all-discrete space small enough to list, the draws are a seeded shuffle of every combination,
/// so the space is covered without replacement; elsewhere the driver's dedupe redraws repeats.
/// A listed space with a log int is shuffled with weights (Efraimidis & Spirakis 2006, weighted
/// sampling without replacement: key u^(1/w)), w being each value's share of the log range, so
/// the order still favours small values as draws in log space do.
public struct RandomSampler: Sampler {
    let space: SearchSpace
    var generator: SeededGenerator
    let shuffled: [Params]?

    /// Spaces up to this many combinations are listed and shuffled (rather than drawn with repeats).
    static let listLimit = 100_000

    public init(_ space: SearchSpace, seed: UInt64) {
        self.space = space
        generator = SeededGenerator(seed: seed)
        if let size = space.discreteSize, size <= Self.listLimit {
            var all = GridSampler.trials(space.dimensions).map(\.params)
            if space.dimensions.contains(where: \.log) {
                var generator = generator
                let keys = all.map { params in
                    let weight = space.dimensions.reduce(1.0) { $0 * $1.logShare(params[$1.name]) }
                    return log(generator.unit()) / weight  // log of u^(1/w): larger comes first
                }
                shuffled = all.indices.sorted { (keys[$0], $1) > (keys[$1], $0) }.map { all[$0] }
            } else {
                all.shuffle(using: &generator)
                shuffled = all
            }
        } else {
            shuffled = nil
        }
    }

    public mutating func suggest(number: Int, attempt: Int, history: SearchHistory) -> Params? {
        if let shuffled {
            let index = number + attempt
            return index < shuffled.count ? shuffled[index] : nil
        }
        return space.configuration { _, dimension in dimension.value(atUnit: generator.unit()) }
    }

    /// The first `count` distinct configurations of a seeded random search.
    public static func trials(_ dimensions: [Dimension], count: Int, seed: UInt64) -> [Trial] {
        var driver = SearchDriver(.init(space: dimensions, algorithm: .random, seed: seed, trials: count))
        var trials: [Trial] = []
        while let trial = driver.nextTrial(now: 0) { trials.append(trial) }
        return trials
    }
}
