import CKernels
import Foundation
import SweepCore

/// A multilayer perceptron trained with Adam (Kingma & Ba 2015), as scikit-learn's
/// `MLPClassifier/MLPRegressor(solver="adam")`: Glorot-uniform initialisation, L2 penalty `alpha`
/// (scaled by the batch size, as scikit-learn), softmax or logistic output with cross-entropy for
/// classification and identity output with half squared error for regression, shuffled
/// mini-batches, and the same stopping rule (no loss improvement > `tol` for 10 epochs). With
/// `earlyStopping`, 10 % of the training rows are held out and the best validation score decides.
public struct MultilayerPerceptron: Sendable {
    public enum Activation: String, Sendable, Codable, CaseIterable { case relu, tanh, logistic, identity }

    public var hiddenLayers = [100]
    public var activation = Activation.relu
    public var alpha = 1e-4
    public var learningRate = 1e-3
    public var batchSize: Int?
    public var maxEpochs = 200
    public var tolerance = 1e-4
    public var earlyStopping = false
    public var seed: UInt64 = 0

    public init() {}

    public struct Fitted: Sendable, Codable {
        public let sizes: [Int]  // input, hidden…, output
        public let weights: [[Double]]  // per layer: in × out, row-major
        public let biases: [[Double]]
        public let activation: Activation
        public let classes: Int  // 0: regression
        public let epochs: Int

        /// The output layer's activations for rows of x (probabilities or values).
        func forward(_ x: Matrix) -> [Double] {
            var input = x.values, width = x.columns
            for layer in 0..<weights.count {
                let out = sizes[layer + 1]
                var z = [Double](repeating: 0, count: x.rows * out)
                MultilayerPerceptron.affine(
                    input, rows: x.rows, inWidth: width, weights: weights[layer], biases: biases[layer], out: out,
                    into: &z)
                if layer < weights.count - 1 {
                    MultilayerPerceptron.activate(&z, activation)
                } else {
                    MultilayerPerceptron.output(&z, rows: x.rows, width: out, classes: classes)
                }
                input = z
                width = out
            }
            return input
        }

        public func predict(_ x: Matrix) -> Prediction {
            let out = forward(x)
            if classes == 0 { return .values(out) }
            if classes == 2 {
                return .probabilities(Matrix(rows: x.rows, columns: 2, values: out.flatMap { [1 - $0, $0] }))
            }
            return .probabilities(Matrix(rows: x.rows, columns: classes, values: out))
        }
    }

    /// Fits; `onIteration(epoch, model so far)` is called after every epoch (for intermediate
    /// validation scores); `.stop` ends the fit there.
    public func fit(_ x: Matrix, target: TrainingTarget, onIteration: ((Int, () -> Fitted) -> FitControl)? = nil)
        -> Fitted
    {
        var generator = SeededGenerator(seed: seed)
        let classes: Int, outputs: Int
        var targets: [Double]
        switch target {
        case .classes(let labels, let count):
            classes = count
            outputs = count == 2 ? 1 : count
            targets = [Double](repeating: 0, count: x.rows * outputs)
            for (row, label) in labels.enumerated() {
                if count == 2 { targets[row] = Double(label) } else { targets[row * outputs + label] = 1 }
            }
        case .values(let values):
            classes = 0; outputs = 1; targets = values
        }
        var rows = Array(0..<x.rows)
        var validation: [Int] = []
        if earlyStopping && x.rows >= 20 {
            rows.shuffle(using: &generator)
            validation = Array(rows.prefix(max(1, x.rows / 10)))
            rows = Array(rows.dropFirst(validation.count))
        }
        let sizes = [x.columns] + hiddenLayers + [outputs]
        var weights: [[Double]] = [], biases: [[Double]] = []
        for layer in 0..<(sizes.count - 1) {
            let factor = activation == .logistic ? 2.0 : 6.0
            let bound = (factor / Double(sizes[layer] + sizes[layer + 1])).squareRoot()
            weights.append((0..<(sizes[layer] * sizes[layer + 1])).map { _ in (generator.unit() * 2 - 1) * bound })
            biases.append((0..<sizes[layer + 1]).map { _ in (generator.unit() * 2 - 1) * bound })
        }
        var adam = Adam(weights: weights, biases: biases)
        let batch = min(batchSize ?? 200, rows.count)
        var bestLoss = Double.infinity, bestScore = -Double.infinity, stale = 0
        var bestSnapshot: Fitted?
        var epochs = 0
        for epoch in 1...maxEpochs {
            epochs = epoch
            rows.shuffle(using: &generator)
            var epochLoss = 0.0
            var start = 0
            while start < rows.count {
                let slice = Array(rows[start..<min(start + batch, rows.count)])
                epochLoss +=
                    step(
                        x, targets: targets, rows: slice, sizes: sizes, classes: classes, weights: &weights,
                        biases: &biases, adam: &adam)
                    * Double(slice.count)
                start += batch
            }
            epochLoss /= Double(rows.count)
            let snapshot = Fitted(
                sizes: sizes, weights: weights, biases: biases, activation: activation, classes: classes, epochs: epoch)
            if onIteration?(epoch, { snapshot }) == .stop { break }
            if !validation.isEmpty {
                let score = Self.validationScore(snapshot, x: x, target: target, rows: validation)
                if score > bestScore + tolerance {
                    bestScore = score; stale = 0; bestSnapshot = snapshot
                } else {
                    stale += 1
                }
            } else {
                if epochLoss < bestLoss - tolerance { stale = 0 } else { stale += 1 }
                bestLoss = min(bestLoss, epochLoss)
            }
            if stale >= 10 { break }
        }
        return bestSnapshot
            ?? Fitted(
                sizes: sizes, weights: weights, biases: biases, activation: activation, classes: classes, epochs: epochs
            )
    }

    /// Accuracy (classification) or R² (regression) on held-out rows, higher is better.
    static func validationScore(_ model: Fitted, x: Matrix, target: TrainingTarget, rows: [Int]) -> Double {
        let subset = Matrix(x, rows: rows)
        switch (model.predict(subset), target) {
        case (.probabilities(let p), .classes(let labels, _)):
            return Metrics.accuracy(rows.map { labels[$0] }, Metrics.argmax(p))
        case (.values(let v), .values(let truth)): return Metrics.r2(rows.map { truth[$0] }, v)
        default: return -.infinity
        }
    }

    /// One Adam step on a mini-batch; returns the batch loss.
    func step(
        _ x: Matrix, targets: [Double], rows: [Int], sizes: [Int], classes: Int,
        weights: inout [[Double]], biases: inout [[Double]], adam: inout Adam
    ) -> Double {
        let n = rows.count, layers = weights.count
        var activations: [[Double]] = [Matrix(x, rows: rows).values]
        for layer in 0..<layers {
            var z = [Double](repeating: 0, count: n * sizes[layer + 1])
            Self.affine(
                activations[layer], rows: n, inWidth: sizes[layer], weights: weights[layer], biases: biases[layer],
                out: sizes[layer + 1], into: &z)
            if layer < layers - 1 {
                Self.activate(&z, activation)
            } else {
                Self.output(&z, rows: n, width: sizes[layer + 1], classes: classes)
            }
            activations.append(z)
        }
        let outputs = sizes[layers]
        // Loss and output delta (prediction − target) / n, for every output type.
        var loss = 0.0
        var delta = [Double](repeating: 0, count: n * outputs)
        let out = activations[layers]
        for (i, row) in rows.enumerated() {
            for k in 0..<outputs {
                let y = targets[row * outputs + k], p = out[i * outputs + k]
                if classes == 0 {
                    loss += 0.5 * (p - y) * (p - y)
                } else if classes == 2 {
                    let clipped = min(max(p, 1e-10), 1 - 1e-10)
                    loss -= y * log(clipped) + (1 - y) * log(1 - clipped)
                } else if y > 0 {
                    loss -= log(max(p, 1e-10))
                }
                delta[i * outputs + k] = (p - y) / Double(n)
            }
        }
        loss /= Double(n)
        var squares = 0.0
        for layer in weights { for w in layer { squares += w * w } }
        loss += 0.5 * alpha * squares / Double(n)
        // Backward pass.
        var weightGradients = weights.map { [Double](repeating: 0, count: $0.count) }
        var biasGradients = biases.map { [Double](repeating: 0, count: $0.count) }
        for layer in stride(from: layers - 1, through: 0, by: -1) {
            let inWidth = sizes[layer], outWidth = sizes[layer + 1]
            let input = activations[layer]
            weightGradients[layer].withUnsafeMutableBufferPointer { g in
                sweep_outer_accumulate(n, inWidth, outWidth, input, delta, g.baseAddress!)
                sweep_axpy(g.count, alpha / Double(n), weights[layer], g.baseAddress!)  // L2 penalty
            }
            biasGradients[layer].withUnsafeMutableBufferPointer { b in
                delta.withUnsafeBufferPointer { d in
                    for i in 0..<n { for k in 0..<outWidth { b[k] += d[i * outWidth + k] } }
                }
            }
            if layer > 0 {
                // previous = (delta · Wᵀ) ∘ act'(input), as axpy rows of Wᵀ so it vectorises.
                var transposed = [Double](repeating: 0, count: inWidth * outWidth)
                for j in 0..<inWidth {
                    for k in 0..<outWidth { transposed[k * inWidth + j] = weights[layer][j * outWidth + k] }
                }
                var previous = [Double](repeating: 0, count: n * inWidth)
                sweep_backpropagate(n, inWidth, outWidth, delta, transposed, &previous)
                input.withUnsafeBufferPointer { a in
                    for index in 0..<(n * inWidth) { previous[index] *= Self.derivative(a[index], activation) }
                }
                delta = previous
            }
        }
        adam.update(&weights, &biases, weightGradients, biasGradients, learningRate: learningRate)
        return loss
    }

    /// z = input · W + b for `rows` rows.
    static func affine(
        _ input: [Double], rows: Int, inWidth: Int, weights: [Double], biases: [Double], out: Int,
        into z: inout [Double]
    ) {
        sweep_affine(rows, inWidth, out, input, weights, biases, &z)
    }

    static func activate(_ z: inout [Double], _ activation: Activation) {
        switch activation {
        case .relu:
            z.withUnsafeMutableBufferPointer { values in for i in values.indices { values[i] = max(values[i], 0) } }
        case .tanh: for i in z.indices { z[i] = Foundation.tanh(z[i]) }
        case .logistic: for i in z.indices { z[i] = 1 / (1 + exp(-z[i])) }
        case .identity: break
        }
    }

    /// The derivative of the activation, from its output value.
    @inline(__always) static func derivative(_ a: Double, _ activation: Activation) -> Double {
        switch activation {
        case .relu: a > 0 ? 1 : 0
        case .tanh: 1 - a * a
        case .logistic: a * (1 - a)
        case .identity: 1
        }
    }

    static func output(_ z: inout [Double], rows: Int, width: Int, classes: Int) {
        if classes == 2 {
            for i in z.indices { z[i] = 1 / (1 + exp(-z[i])) }
        } else if classes > 2 {
            for row in 0..<rows {
                var top = -Double.infinity
                for k in 0..<width { top = max(top, z[row * width + k]) }
                var total = 0.0
                for k in 0..<width { z[row * width + k] = exp(z[row * width + k] - top); total += z[row * width + k] }
                for k in 0..<width { z[row * width + k] /= total }
            }
        }
    }
}

/// Adam's moment estimates for every weight and bias.
struct Adam {
    var mWeights: [[Double]], vWeights: [[Double]], mBiases: [[Double]], vBiases: [[Double]]
    var t = 0

    init(weights: [[Double]], biases: [[Double]]) {
        mWeights = weights.map { [Double](repeating: 0, count: $0.count) }
        vWeights = mWeights
        mBiases = biases.map { [Double](repeating: 0, count: $0.count) }
        vBiases = mBiases
    }

    /// One Adam step for one parameter array (CKernels: vectorised for the CPU, same bits on all).
    static func step(
        _ parameters: inout [Double], _ m: inout [Double], _ v: inout [Double], _ gradient: [Double], rate: Double
    ) {
        sweep_adam(parameters.count, rate, &parameters, &m, &v, gradient)
    }

    mutating func update(
        _ weights: inout [[Double]], _ biases: inout [[Double]], _ gw: [[Double]], _ gb: [[Double]],
        learningRate: Double
    ) {
        t += 1
        let beta1 = 0.9, beta2 = 0.999
        let rate = learningRate * (1 - pow(beta2, Double(t))).squareRoot() / (1 - pow(beta1, Double(t)))
        for layer in weights.indices {
            Self.step(&weights[layer], &mWeights[layer], &vWeights[layer], gw[layer], rate: rate)
            Self.step(&biases[layer], &mBiases[layer], &vBiases[layer], gb[layer], rate: rate)
        }
    }
}
