/// Median stopping (Golovin et al. 2017, "Google Vizier", §3.2.2; as optuna's MedianPruner):
/// stop a trial whose intermediate loss at a step is worse than the median of the losses that
/// finished trials reported at that step.
///
/// Departures: medians are kept per CV fold and a trial is judged by one fold's reports (the
/// search driver passes fold 0 only) against the same fold of finished trials; as in optuna, a
/// stopped trial's reports do not join the medians.
public struct MedianStopping: Sendable {
    public let options: MedianOptions
    /// Reports of trials still running: trial → fold → step → loss.
    var pending: [Int: [Int: [Int: Double]]] = [:]
    /// Reports of finished trials: fold → step → losses.
    var finished: [Int: [Int: [Double]]] = [:]
    var finishedTrials = 0

    public init(_ options: MedianOptions) { self.options = options }

    public mutating func report(trial: Int, fold: Int, step: Int, loss: Double) -> StopDecision? {
        let value = loss.isNaN ? Double.infinity : loss
        pending[trial, default: [:]][fold, default: [:]][step] = value
        guard finishedTrials >= options.startupTrials, step > options.warmupSteps,
            let others = finished[fold]?[step], !others.isEmpty
        else { return nil }
        let sorted = others.sorted()
        let median =
            sorted.count % 2 == 1
            ? sorted[sorted.count / 2] : 0.5 * (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2])
        guard value > median else { return nil }
        return StopDecision(
            trial: trial, rule: .median, fold: fold, step: step,
            reason:
                "step \(step) on fold \(fold): loss \(formatNumber(value)) worse than the median \(formatNumber(median)) of \(sorted.count) finished trials"
        )
    }

    /// A trial finished all its folds: its reports join the medians.
    public mutating func trialFinished(_ trial: Int) {
        finishedTrials += 1
        for (fold, steps) in pending.removeValue(forKey: trial) ?? [:] {
            for (step, loss) in steps { finished[fold, default: [:]][step, default: []].append(loss) }
        }
    }

    /// A trial was stopped or failed: its reports are forgotten.
    public mutating func trialDropped(_ trial: Int) { pending.removeValue(forKey: trial) }
}
