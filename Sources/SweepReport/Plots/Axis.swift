import Foundation

/// A scale from data to pixels with its round-numbered ticks: linear, logarithmic (base 10) or
/// categorical (one slot per level). Values outside the domain, infinities and NaN are clamped
/// to its ends, so no coordinate is ever NaN.
struct Axis: Sendable {
    enum Kind: Sendable { case linear, log, categorical }

    var kind: Kind
    /// The domain in axis units: the value, its log10 on a log axis, the level's index on a
    /// categorical one.
    var low: Double
    var high: Double
    /// Tick positions in data units (level indices on a categorical axis).
    var ticks: [Double]
    var levels: [String] = []
    /// The pixel range the domain maps onto (`start` for `low`).
    var start = 0.0
    var end = 1.0

    /// A linear axis over the finite values, a little wider than they span, with ticks at
    /// steps of 1, 2 or 5 × 10ᵏ inside it (about `count` of them). `zero` makes 0 part of it.
    static func linear(_ values: [Double], count: Int = 5, zero: Bool = false, padding: Double = 0.04) -> Axis {
        let finite = values.filter(\.isFinite).map { min(max($0, -1e300), 1e300) } + (zero ? [0] : [])
        var (low, high) = (finite.min() ?? 0, finite.max() ?? 1)
        if high - low <= 1e-12 * max(abs(low), abs(high)) || high - low < 1e-300 {
            let pad = max(abs(low) * 0.1, 0.5)
            (low, high) = (low - pad, high + pad)
        }
        let pad = (high / 2 - low / 2) * 2 * padding
        if !(zero && low == 0) { low -= pad }
        if !(zero && high == 0) { high += pad }
        return Axis(kind: .linear, low: low, high: high, ticks: linearTicks(low, high, count: count))
    }

    /// Multiples of a round step inside [low, high].
    static func linearTicks(_ low: Double, _ high: Double, count: Int) -> [Double] {
        let raw = (high / 2 - low / 2) * 2 / Double(max(count, 1))
        guard raw.isFinite, raw > 0 else { return [low, high] }
        let exponent = log10(raw).rounded(.down)
        // The round step nearest the raw one (d3's rule): 1, 2, 5 or 10 × 10ᵏ.
        let error = raw / pow(10, exponent)
        let multiple =
            error >= 50.0.squareRoot() ? 10.0 : error >= 10.0.squareRoot() ? 5 : error >= 2.0.squareRoot() ? 2 : 1
        // Divided rather than multiplied by a negative power of ten, so 0.7 is 0.7.
        let value = { (k: Double) in
            exponent < 0 ? k * multiple / pow(10, -exponent) : k * multiple * pow(10, exponent)
        }
        let step = value(1)
        let (first, last) = ((low / step).rounded(.up), (high / step).rounded(.down))
        guard last >= first, last - first < 100 else { return [low, high] }
        return (0...Int(last - first)).map { value(first + Double($0)) }
    }

    /// A log axis over the positive finite values, ticks at powers of ten (every few powers
    /// over many decades; 1-2-5 steps within one or two).
    static func log(_ values: [Double]) -> Axis {
        let positive = values.filter { $0.isFinite && $0 > 0 }.map { log10($0) }
        var (low, high) = (positive.min() ?? 0, positive.max() ?? 1)
        if high - low < 1e-9 { (low, high) = (low - 0.5, high + 0.5) }
        let pad = (high - low) * 0.04
        (low, high) = (low - pad, high + pad)
        let decades = Int(high.rounded(.down)) - Int(low.rounded(.up))
        var ticks: [Double] = []
        if decades >= 1 {
            let every = max(1, (decades + 5) / 6)
            ticks = stride(from: Int(low.rounded(.up)), through: Int(high.rounded(.down)), by: every).map {
                pow(10, Double($0))
            }
        }
        if ticks.count < 3 {
            let all = (Int(low.rounded(.down))...Int(high.rounded(.up))).flatMap { k in
                [1.0, 2, 5].map { $0 * pow(10, Double(k)) }
            }
            ticks = all.filter { log10($0) >= low && log10($0) <= high }
        }
        return Axis(kind: .log, low: low, high: high, ticks: ticks)
    }

    /// One slot per level, in the given order; with many levels, every few are labelled.
    static func categorical(_ levels: [String]) -> Axis {
        let every = max(1, (levels.count + 19) / 20)
        return Axis(
            kind: .categorical, low: -0.5, high: Double(max(levels.count, 1)) - 0.5,
            ticks: stride(from: 0, to: levels.count, by: every).map(Double.init), levels: levels)
    }

    /// Log when every value is positive and they span more than two decades; linear otherwise.
    static func fitting(_ values: [Double]) -> Axis {
        let finite = values.filter(\.isFinite)
        if let low = finite.min(), let high = finite.max(), low > 0, high / low > 100 { return log(finite) }
        return linear(finite)
    }

    /// The same axis mapped onto the pixels from `start` (its low end) to `end`.
    func placed(_ start: Double, _ end: Double) -> Axis {
        var copy = self
        (copy.start, copy.end) = (start, end)
        return copy
    }

    /// Where a value lands, clamped to the axis.
    func pixel(_ value: Double) -> Double {
        var unit = kind == .log ? (value > 0 ? log10(value) : -.infinity) : value
        if unit.isNaN { unit = low }
        unit = min(max(unit, low), high)
        return start + (unit - low) / (high - low) * (end - start)
    }

    /// The pixels one category (or one unit) takes.
    var bandwidth: Double { abs(end - start) / max(high - low, 1e-300) }

    /// A tick's text: 4 significant digits, or the level's name.
    func label(_ tick: Double) -> String {
        if kind == .categorical {
            let index = Int(tick)
            return levels.indices.contains(index) ? levels[index] : ""
        }
        return SVG.number(tick)
    }
}
