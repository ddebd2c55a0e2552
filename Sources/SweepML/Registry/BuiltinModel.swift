import SweepCore

/// What an iterative fit is told after each iteration: go on, or stop where it is.
public enum FitControl: Sendable {
    case proceed, stop
}

/// Called by an iterative fit after each iteration (boosting round, epoch, tree) with its step,
/// from 1, and the model so far — built only if the callee asks for it. The answer says whether
/// the fit goes on: this is how a cancelled or early-stopped task ends between iterations.
public typealias IterationCallback = (_ step: Int, _ model: () -> FittedModel) -> FitControl

/// A built-in model as the registry (`BuiltinModels`) holds it: its description (name, tasks,
/// parameters with defaults and ranges, whether it reports progress), which the spec parser
/// validates against, and how it trains.
public struct BuiltinModel: Sendable {
    typealias Fit =
        @Sendable (ModelArguments, Matrix, TrainingTarget, IterationCallback?) throws(TrainingError) -> FittedModel

    enum Training: Sendable {
        /// Learns from a fold's preprocessed training rows.
        case fit(Fit)
        /// Learns nothing: runs from its parameters alone and reports its own metrics (nil when
        /// `shouldStop`, asked while it runs, said yes).
        case standalone(@Sendable (ModelArguments, _ shouldStop: () -> Bool) -> [String: Double]?)
    }

    public let description: ModelDescription
    let training: Training

    init(_ description: ModelDescription, fit: @escaping Fit) {
        self.description = description
        training = .fit(fit)
    }

    init(
        _ description: ModelDescription,
        standalone run: @escaping @Sendable (ModelArguments, _ shouldStop: () -> Bool) -> [String: Double]?
    ) {
        self.description = description
        training = .standalone(run)
    }

    public var name: String { description.name }

    /// Fits on preprocessed rows. `onIteration` (iterative models) may stop the fit; a stopped fit
    /// throws "cancelled", since its model is not the one the parameters describe.
    public func fit(
        params: Params, x: Matrix, target: TrainingTarget,
        onIteration: IterationCallback? = nil
    ) throws(TrainingError) -> FittedModel {
        guard case .fit(let fit) = training else { throw TrainingError("model '\(name)' does not learn from data") }
        guard description.tasks.contains(target.task) else {
            throw TrainingError("model '\(name)' cannot train on \(target.task) data")
        }
        var stopped = false
        let observed: IterationCallback? = onIteration.map { callback in
            { step, model in
                let control = callback(step, model)
                if control == .stop { stopped = true }
                return control
            }
        }
        let fitted = try fit(ModelArguments(params, description), x, target, observed)
        if stopped { throw TrainingError("cancelled") }
        return fitted
    }

    /// The metrics of a model that needs no data; nil for one that does.
    public func runWithoutData(params: Params) -> [String: Double]? {
        (try? runWithoutData(params: params, shouldStop: { false })) ?? nil
    }

    /// The same, where `shouldStop` (a cancelled task) ends the run early, with the error "cancelled".
    public func runWithoutData(params: Params, shouldStop: () -> Bool) throws(TrainingError)
        -> [String: Double]?
    {
        guard case .standalone(let run) = training else { return nil }
        guard let metrics = run(ModelArguments(params, description), shouldStop) else {
            throw TrainingError("cancelled")
        }
        return metrics
    }
}
