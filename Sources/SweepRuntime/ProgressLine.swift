import SweepCore

/// Tracks counted tasks and the best complete trial so far, and words the progress line.
struct ProgressLine {
    let spec: Spec
    /// Tasks the sweep will run, when the number of trials is known up front.
    let total: Int?
    var succeeded = 0
    var failed = 0
    var stopped = 0
    /// Per running trial, each finished fold's searched metrics (objectives, then constrained ones).
    var foldsDone: [Int: [[Double]]] = [:]
    /// The best feasible trial on the (first) objective.
    var best: (trial: Int, mean: Double)?
    /// Multi-objective: losses of the feasible trials on the Pareto front so far.
    var front: [[Double]] = []

    init(spec: Spec, trials: Int?) {
        self.spec = spec
        total = trials.map { $0 * spec.taskFolds }
    }

    mutating func add(_ record: TaskRecord) {
        switch record.status {
        case .ok: succeeded += 1
        case .failed: failed += 1
        case .pruned: stopped += 1
        }
        // Nested CV's tasks count as tasks but never into a trial's score.
        guard record.task.fold < spec.scoredFolds else { return }
        let values = spec.searchedMetrics.compactMap { record.metrics[$0] }
        guard record.status == .ok, values.count == spec.searchedMetrics.count else {
            foldsDone[record.task.trial] = nil
            return
        }
        foldsDone[record.task.trial, default: []].append(values)
        guard let folds = foldsDone[record.task.trial], folds.count == spec.scoredFolds else { return }
        foldsDone[record.task.trial] = nil
        let means = values.indices.map { index in folds.reduce(0) { $0 + $1[index] } / Double(folds.count) }
        let objectives = spec.objectives.count
        let feasible = zip(spec.constraints, means[objectives...]).allSatisfy { $0.violation($1) == 0 }
        guard feasible else { return }
        let mean = means[0]
        if best == nil || spec.objective.goal.better(mean, than: best!.mean)
            || (mean == best!.mean && record.task.trial < best!.trial)
        {
            best = (record.task.trial, mean)
        }
        if spec.isMultiObjective {
            let losses = zip(spec.objectives, means).map { $0.goal == .maximize ? -$1 : $1 }
            if !front.contains(where: { Pareto.dominates($0, losses) }) {
                front.removeAll { Pareto.dominates(losses, $0) }
                front.append(losses)
            }
        }
    }

    /// `paused`: workers taking no tasks for now, after failing where others succeeded.
    func text(running: Int, workers: Int, elapsed: Double, waiting: String? = nil, paused: Int = 0) -> String {
        let done = succeeded + failed + stopped
        var text = "[sweep] \(done) tasks"
        if let total {
            // Early stopping ends tasks without running them: the total is an upper bound then.
            text = "[sweep] \(done)/\(total) tasks (\(total == 0 ? 100 : min(100, done * 100 / total))%)"
        }
        text += " · \(failed) failed"
        if stopped > 0 { text += " · \(stopped) stopped early" }
        text += " · \(running) running · \(workers) workers"
        if paused > 0 { text += " (\(paused) paused after failures)" }
        if spec.isMultiObjective && !front.isEmpty { text += " · pareto front of \(front.count)" }
        if let best {
            text +=
                " · best \(spec.objective.metric) \(formatNumber((best.mean * 1e4).rounded() / 1e4)) (trial \(best.trial))"
        }
        text += " · \(Int(elapsed)) s"
        if let waiting { text += " · \(waiting)" }
        return text
    }
}
