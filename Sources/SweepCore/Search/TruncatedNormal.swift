import CKernels
import Foundation

/// Numerics of normal kernels cut to an interval [low, high], as TPE's Parzen estimators use them.
enum TruncatedNormal {
    static let logRootTwoPi = 0.5 * log(2 * Double.pi)

    /// Φ(z), the standard normal distribution function.
    @inline(__always)
    static func cdf(_ z: Double) -> Double { 0.5 * erfc(-z / 2.0.squareRoot()) }

    /// log of the mass a kernel N(mu, sigma) keeps inside [low, high].
    static func logMass(mu: Double, sigma: Double, low: Double, high: Double) -> Double {
        // More than 9 sigmas inside both ends, the mass lost is below 1e-19: no erfc needed.
        if mu - low > 9 * sigma && high - mu > 9 * sigma { return 0 }
        let mass = cdf((high - mu) / sigma) - cdf((low - mu) / sigma)
        return log(max(mass, 1e-300))
    }

    /// A draw from N(mu, sigma) cut to [low, high]: by rejection, which accepts at least about a
    /// third of draws for kernels centred in the interval with sigma ≤ its width (all TPE's are);
    /// after 64 misses, a uniform draw in the interval.
    static func sample(mu: Double, sigma: Double, low: Double, high: Double, using generator: inout SeededGenerator)
        -> Double
    {
        for _ in 0..<32 {
            let (a, b) = standardPair(using: &generator)
            for z in [a, b] {
                let x = mu + sigma * z
                if x >= low && x <= high { return x }
            }
        }
        return low + (high - low) * generator.unit()
    }

    /// Two independent standard normal draws (Box–Muller).
    static func standardPair(using generator: inout SeededGenerator) -> (Double, Double) {
        let u1 = max(generator.unit(), 0x1.0p-53)
        let u2 = generator.unit()
        let radius = (-2 * log(u1)).squareRoot()
        return (radius * cos(2 * Double.pi * u2), radius * sin(2 * Double.pi * u2))
    }
}

/// log Σ exp(terms), skipping terms too small to change the sum in double precision.
@inline(__always)
func logSumExp(_ terms: UnsafeBufferPointer<Double>) -> Double {
    guard let base = terms.baseAddress else { return -.infinity }
    return sweep_log_sum_exp(terms.count, base)
}
