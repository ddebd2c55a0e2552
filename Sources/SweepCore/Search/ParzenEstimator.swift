import CKernels
import Foundation

/// How TPE sees one dimension: a numeric interval (in log space for loguniform, widened by ½ at
/// both ends for integers, as optuna does) or a choice among n values.
enum Axis: Sendable {
    case numeric(low: Double, high: Double, isLog: Bool, isInteger: Bool)
    case categorical(count: Int)
    case constant(ParamValue)

    /// A stepped dimension is an integer axis over its step indices (0…count − 1), so kernels,
    /// widths and the prior see it as optuna sees a discrete float or stepped int (its range
    /// widened by half a step); a log int is an integer axis in log space on [lo − ½, hi + ½].
    init(_ dimension: Dimension) {
        if dimension.step != nil, let count = dimension.discreteCount {
            self = .numeric(low: -0.5, high: Double(count) - 0.5, isLog: false, isInteger: true)
            return
        }
        switch dimension.kind {
        case .constant(let value): self = .constant(value)
        case .values(let values): self = .categorical(count: values.count)
        case .int(let lo, let hi) where dimension.log:
            self = .numeric(low: log(Double(lo) - 0.5), high: log(Double(hi) + 0.5), isLog: true, isInteger: true)
        case .int(let lo, let hi):
            self = .numeric(low: Double(lo) - 0.5, high: Double(hi) + 0.5, isLog: false, isInteger: true)
        case .uniform(let lo, let hi): self = .numeric(low: lo, high: hi, isLog: false, isInteger: false)
        case .logUniform(let lo, let hi): self = .numeric(low: log(lo), high: log(hi), isLog: true, isInteger: false)
        }
    }

    /// A configuration's value on this axis (a choice's index for categorical axes, a step's
    /// index for stepped ones).
    static func coordinate(_ value: ParamValue, of dimension: Dimension) -> Double? {
        if let step = dimension.step, let number = value.number {
            switch dimension.kind {
            case .int(let lo, _): return ((number - Double(lo)) / step).rounded()
            case .uniform(let lo, _): return ((number - lo) / step).rounded()
            default: break
            }
        }
        switch dimension.kind {
        case .constant: return 0
        case .values(let values): return values.firstIndex(of: value).map(Double.init)
        case .int where dimension.log: return value.number.map { log($0) }
        case .int, .uniform: return value.number
        case .logUniform: return value.number.map { log($0) }
        }
    }

    /// The parameter value at an axis coordinate (rounded and clamped to the dimension; a
    /// stepped one always lands on its step).
    static func value(at x: Double, of dimension: Dimension) -> ParamValue {
        if dimension.step != nil, let count = dimension.discreteCount {
            return dimension.steppedValue(min(count - 1, max(0, Int(x.rounded()))))
        }
        switch dimension.kind {
        case .constant(let value): return value
        case .values(let values): return values[min(values.count - 1, max(0, Int(x)))]
        case .int(let lo, let hi) where dimension.log: return .int(min(hi, max(lo, Int(exp(x).rounded()))))
        case .int(let lo, let hi): return .int(min(hi, max(lo, Int(x.rounded()))))
        case .uniform(let lo, let hi): return .double(min(hi, max(lo, x)))
        case .logUniform(let lo, let hi): return .double(min(hi, max(lo, exp(x))))
        }
    }
}

/// A Parzen estimator over one or more axes: a weighted mixture with one kernel per observed
/// configuration plus a broad prior kernel (Bergstra et al. 2011, §4; bandwidths as optuna's).
/// Numeric axes use normal kernels cut to the axis; categorical axes use a distribution that
/// puts most of its mass on the observed choice. The same type serves TPE's univariate case
/// (one axis) and its multivariate one (kernels multiply across axes; widths per axis, as
/// optuna 4.9+ does for both).
struct ParzenEstimator {
    let axes: [Axis]
    let components: Int
    /// log of each component's normalised mixture weight.
    var logWeights: [Double]
    /// Per axis, per component: kernel centre and width (numeric) …
    var mus: [[Double]]
    var sigmas: [[Double]]
    /// 1/σ, so densities multiply instead of divide (the inner loop of every suggestion).
    var inverseSigmas: [[Double]] = []
    /// … the log normaliser −log(σ·√2π·mass inside the axis) (numeric) …
    var logNorms: [[Double]]
    /// … or, per component, the log probability of each choice (categorical, flattened).
    var logProbabilities: [[Double]]
    /// One numeric axis whose observed kernels (all but the prior, which is last) are in
    /// ascending order of centre: densities then visit only the kernels near a point.
    var sortedUnivariate = false
    var widestObserved = 0.0
    /// Sorted univariate: each component's log weight plus its log normaliser, added once.
    var logBases: [Double] = []

    static let priorWeight = 1.0

    /// `columns[d][i]`: configuration i's coordinate on axis d; `weights[i]` its weight.
    /// `orders[d]`, when given, lists the configurations in ascending order of axis d (saves a
    /// sort); `sorted`: one axis whose column is already ascending.
    init(axes: [Axis], columns: [[Double]], weights: [Double], orders: [[Int]]? = nil, sorted: Bool = false) {
        self.axes = axes
        let n = weights.count
        components = n + 1
        var rawWeights = weights + [Self.priorWeight]
        let total = rawWeights.reduce(0, +)
        for i in rawWeights.indices { rawWeights[i] /= total }
        logWeights = rawWeights.map { log($0) }
        mus = []; sigmas = []; logNorms = []; logProbabilities = []
        for (d, axis) in axes.enumerated() {
            let column = columns[d]
            switch axis {
            case .numeric(let low, let high, _, _):
                let order = orders?[d] ?? (sorted ? Array(0..<n) : column.indices.sorted { column[$0] < column[$1] })
                var widths = Self.neighbourWidths(column, order: order, low: low, high: high)
                // optuna's "magic clip": no kernel narrower than the axis / (kernels + 1), at most 100ths.
                let minimum = (high - low) / min(100, 1 + Double(n + 1))
                for i in widths.indices { widths[i] = min(max(widths[i], minimum), high - low) }
                if sorted && axes.count == 1 {
                    sortedUnivariate = true
                    widestObserved = widths.max() ?? 0
                }
                let centres = column + [0.5 * (low + high)]
                widths.append(high - low)
                mus.append(centres)
                sigmas.append(widths)
                inverseSigmas.append(widths.map { 1 / $0 })
                var norms = [Double](repeating: 0, count: n + 1)
                for i in 0...n {
                    norms[i] =
                        -log(widths[i]) - TruncatedNormal.logRootTwoPi
                        - TruncatedNormal.logMass(mu: centres[i], sigma: widths[i], low: low, high: high)
                }
                logNorms.append(norms)
                logProbabilities.append([])
                if sortedUnivariate { logBases = zip(logWeights, norms).map { $0 + $1 } }
            case .categorical(let count):
                var table = [Double](repeating: 0, count: (n + 1) * count)
                let share = Self.priorWeight / Double(n + 1)
                for i in 0...n {
                    for c in 0..<count { table[i * count + c] = share }
                    if i < n { table[i * count + Int(column[i])] += 1 }
                    let rowTotal = (0..<count).reduce(0.0) { $0 + table[i * count + $1] }
                    for c in 0..<count { table[i * count + c] = log(table[i * count + c] / rowTotal) }
                }
                mus.append([]); sigmas.append([]); inverseSigmas.append([]); logNorms.append([])
                logProbabilities.append(table)
            case .constant:
                mus.append([]); sigmas.append([]); inverseSigmas.append([]); logNorms.append([]);
                logProbabilities.append([])
            }
        }
    }

    /// The univariate density from the kernels within 9 of the widest widths of `x` (farther
    /// ones add less than e^-40 of the nearest) and the prior, in CKernels.
    func sortedLogDensity(_ x: Double, scratch: inout [Double]) -> Double {
        let observed = components - 1
        let reach = 9 * widestObserved
        return mus[0].withUnsafeBufferPointer { mu in
            inverseSigmas[0].withUnsafeBufferPointer { inverse in
                logBases.withUnsafeBufferPointer { base in
                    scratch.withUnsafeMutableBufferPointer { terms in
                        let low = Self.firstIndex(in: mu, count: observed) { $0 >= x - reach }
                        let high = Self.firstIndex(in: mu, count: observed) { $0 > x + reach }
                        let near = max(0, high - low)
                        let (m, s) = (mu.baseAddress!, inverse.baseAddress!)
                        let (b, t) = (base.baseAddress!, terms.baseAddress!)
                        sweep_gaussian_log_terms(near, x, m + low, s + low, b + low, t)
                        sweep_gaussian_log_terms(1, x, m + observed, s + observed, b + observed, t + near)
                        return sweep_log_sum_exp(near + 1, t)
                    }
                }
            }
        }
    }

    /// The first of the first `count` ascending values for which `isPast` holds (`count`: none).
    static func firstIndex(
        in values: UnsafeBufferPointer<Double>, count: Int, where isPast: (Double) -> Bool
    ) -> Int {
        var (low, high) = (0, count)
        while low < high {
            let middle = (low + high) / 2
            if isPast(values[middle]) { high = middle } else { low = middle + 1 }
        }
        return low
    }

    /// Each observed centre's width: the larger gap to its neighbours in `order` (the axis ends
    /// count as neighbours), except that the outermost centres use their inner gap (optuna's
    /// `consider_endpoints=False`). The prior is not among the neighbours, as in optuna.
    static func neighbourWidths(_ centres: [Double], order: [Int], low: Double, high: Double) -> [Double] {
        var widths = [Double](repeating: 0, count: centres.count)
        let n = order.count
        for rank in 0..<n {
            let here = centres[order[rank]]
            let before = rank == 0 ? low : centres[order[rank - 1]]
            let after = rank == n - 1 ? high : centres[order[rank + 1]]
            widths[order[rank]] = max(here - before, after - here)
        }
        if n >= 2 {
            widths[order[0]] = centres[order[1]] - centres[order[0]]
            widths[order[n - 1]] = centres[order[n - 1]] - centres[order[n - 2]]
        }
        return widths
    }

    /// A draw from the mixture: one component by weight, then each axis from its kernel.
    func sample(using generator: inout SeededGenerator) -> [Double] {
        var u = generator.unit()
        var component = components - 1
        for i in 0..<components {
            u -= exp(logWeights[i])
            if u < 0 { component = i; break }
        }
        return axes.indices.map { d in
            switch axes[d] {
            case .numeric(let low, let high, _, _):
                return TruncatedNormal.sample(
                    mu: mus[d][component], sigma: sigmas[d][component], low: low, high: high, using: &generator)
            case .categorical(let count):
                var v = generator.unit()
                for c in 0..<count {
                    v -= exp(logProbabilities[d][component * count + c])
                    if v < 0 { return Double(c) }
                }
                return Double(count - 1)
            case .constant:
                return 0
            }
        }
    }

    /// log density of the mixture at a point; `scratch` holds one term per component.
    func logDensity(_ point: [Double], scratch: inout [Double]) -> Double {
        if scratch.count != components { scratch = [Double](repeating: 0, count: components) }
        if sortedUnivariate { return sortedLogDensity(point[0], scratch: &scratch) }
        for i in 0..<components { scratch[i] = logWeights[i] }
        for d in axes.indices {
            switch axes[d] {
            case .numeric:
                scratch.withUnsafeMutableBufferPointer { terms in
                    Self.addKernelTerms(
                        into: terms, x: point[d], mus: mus[d], inverseSigmas: inverseSigmas[d], logNorms: logNorms[d])
                }
            case .categorical(let count):
                let c = Int(point[d])
                for i in 0..<components { scratch[i] += logProbabilities[d][i * count + c] }
            case .constant:
                break
            }
        }
        return scratch.withUnsafeBufferPointer { logSumExp($0) }
    }

    /// terms[i] += log of kernel i at x (without its weight): the inner loop of every suggestion,
    /// in CKernels (vectorised for the CPU, element-wise: the same bits everywhere).
    static func addKernelTerms(
        into terms: UnsafeMutableBufferPointer<Double>, x: Double, mus: [Double],
        inverseSigmas: [Double], logNorms: [Double]
    ) {
        sweep_gaussian_terms(terms.count, x, mus, inverseSigmas, logNorms, terms.baseAddress!)
    }
}
