import Foundation
import SweepCore

extension MultilayerPerceptron {
    /// `mlp`: Adam-trained perceptron, as scikit-learn's `MLPClassifier/Regressor`; reports every
    /// epoch's validation metrics while it fits, so early stopping can end it.
    static let builtin = BuiltinModel(
        ModelDescription(
            name: "mlp", tasks: [.classification, .regression],
            parameters: [
                ModelParameter("hidden_layer_sizes", .layerSizes, default: .int(100)),
                ModelParameter("activation", .choice(Activation.allCases.map(\.rawValue)), default: .string("relu")),
                ModelParameter("alpha", .nonNegative, default: .double(1e-4), simpler: .high),
                ModelParameter("learning_rate_init", .positive, default: .double(1e-3)),
                ModelParameter("batch_size", .positiveInt),  // min(200, rows)
                ModelParameter("max_iter", .positiveInt, default: .int(200)),
                ModelParameter("tol", .positive, default: .double(1e-4)),
                ModelParameter("early_stopping", .boolean, default: .bool(false)),
                ModelParameter("seed", .intAtLeast(0), default: .int(0)),
            ],
            reportsProgress: true)
    ) { arguments, x, target, onIteration throws(TrainingError) in
        var network = MultilayerPerceptron()
        switch arguments["hidden_layer_sizes"] ?? arguments.declared("hidden_layer_sizes") {
        case .int(let width)?: network.hiddenLayers = [width]
        case .string(let text)?:
            network.hiddenLayers = text.split(separator: ",").compactMap {
                Int($0.trimmingCharacters(in: .whitespaces))
            }
        default: break
        }
        network.activation = Activation(rawValue: arguments.text("activation")) ?? .relu
        network.alpha = arguments.number("alpha")
        network.learningRate = arguments.number("learning_rate_init")
        network.batchSize = arguments.optionalInt("batch_size")
        network.maxEpochs = arguments.int("max_iter")
        network.tolerance = arguments.number("tol")
        network.earlyStopping = arguments.flag("early_stopping")
        network.seed = UInt64(arguments.int("seed"))
        return .mlp(
            network.fit(
                x, target: target,
                onIteration: onIteration.map { callback in
                    { step, model in callback(step) { .mlp(model()) } }
                }))
    }
}
