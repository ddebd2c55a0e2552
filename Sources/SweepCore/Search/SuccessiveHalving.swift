/// Asynchronous successive halving (Li, Jamieson, Rostamizadeh, Gonina, Hardt, Recht, Ben-tzur &
/// Talwalkar 2020, "A System for Massively Parallel Hyperparameter Tuning"), in its stopping form
/// (as optuna's SuccessiveHalvingPruner and Ray Tune's ASHAScheduler).
///
/// Terms: rung k sits at resource r_k = min_resource · η^k (η = reduction factor), for every
/// r_k < max_resource. When a trial's report first reaches r_k, its loss is entered at that rung;
/// it carries on only if it ranks in the top ⌊n/η⌋ of the n losses the rung holds so far, else it
/// is stopped. Until a rung holds η losses, only a new best carries on (optuna's rule).
///
/// Departures: a carried-on trial is never paused, so "promotion" continues it from the lower
/// rung's resource count without a restart. With cross-validation a trial is judged by one
/// fold's reports (the search driver passes fold 0 only), against the same fold of the other
/// trials, so uneven folds do not mislead; stopping it drops or cancels all its folds. Rungs are
/// kept per fold, so another choice of judged fold needs no change here.
public struct SuccessiveHalving: Sendable {
    public let options: ASHAOptions
    /// rungs[fold][k]: trial → loss at rung k.
    var rungs: [Int: [[Int: Double]]] = [:]

    public init(_ options: ASHAOptions) { self.options = options }

    /// The resources at which rungs sit.
    public var rungResources: [Int] {
        var resources: [Int] = []
        var r = max(1, options.minResource)
        while r < options.maxResource {
            resources.append(r)
            let (next, overflow) = r.multipliedReportingOverflow(by: max(2, options.reductionFactor))
            if overflow { break }
            r = next
        }
        return resources
    }

    /// A report of `loss` at `step` of a trial's fold: stop it, or let it carry on (nil).
    public mutating func report(trial: Int, fold: Int, step: Int, loss: Double) -> StopDecision? {
        let resources = rungResources
        var foldRungs = rungs[fold] ?? Array(repeating: [:], count: resources.count)
        defer { rungs[fold] = foldRungs }
        for (k, resource) in resources.enumerated() where step >= resource && foldRungs[k][trial] == nil {
            let value = loss.isNaN ? Double.infinity : loss
            foldRungs[k][trial] = value
            let n = foldRungs[k].count
            let better = foldRungs[k].values.filter { $0 < value }.count
            let keep = n / max(2, options.reductionFactor)
            let carriesOn = keep == 0 ? better == 0 : better < keep
            if !carriesOn {
                return StopDecision(
                    trial: trial, rule: .asha, fold: fold, step: step,
                    reason:
                        "rung \(k) (\(options.resource) \(resource)): ranked \(better + 1) of \(n) on fold \(fold); only the top \(max(1, keep)) carry on"
                )
            }
        }
        return nil
    }
}
