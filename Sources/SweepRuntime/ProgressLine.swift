import SweepCore

/// Tracks counted tasks and the best complete trial so far, and words the progress line.
struct ProgressLine {
    let spec: Spec
    /// Tasks the sweep will run, when the number of trials is known up front.
    let total: Int?
    var succeeded = 0
    var failed = 0
    var stopped = 0
    var foldsDone: [Int: [Double]] = [:]
    var best: (trial: Int, mean: Double)?

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
        guard record.status == .ok, let score = record.metrics[spec.objective.metric] else {
            foldsDone[record.task.trial] = nil
            return
        }
        foldsDone[record.task.trial, default: []].append(score)
        if let scores = foldsDone[record.task.trial], scores.count == spec.taskFolds {
            let mean = scores.reduce(0, +) / Double(scores.count)
            if best == nil || spec.objective.goal.better(mean, than: best!.mean)
                || (mean == best!.mean && record.task.trial < best!.trial)
            {
                best = (record.task.trial, mean)
            }
            foldsDone[record.task.trial] = nil
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
        if let best {
            text +=
                " · best \(spec.objective.metric) \(formatNumber((best.mean * 1e4).rounded() / 1e4)) (trial \(best.trial))"
        }
        text += " · \(Int(elapsed)) s"
        if let waiting { text += " · \(waiting)" }
        return text
    }
}
