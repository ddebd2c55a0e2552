import SweepCore

/// The report's sections on a sweep's lifecycle: the prior trials it learned from (warm start)
/// and the failures `sweep retry` ran again.
extension MarkdownReport {
    /// Per source: how many trials were taken (and skipped, why), and the best of them. They were
    /// not run here and never count as this sweep's trials or best.
    static func priorTrialsSection(_ run: RunSummary) -> String {
        guard !run.priorTrials.isEmpty || !run.warmStartNotes.isEmpty else { return "" }
        var out = "\n## Prior trials (warm start)\n\n"
        out +=
            "Trials of earlier sweeps the sampler learned from; not run here, not counted as trials of this sweep.\n\n"
        out += "| source | trials | best \(run.objective.metric) | its params |\n|---|---:|---:|---|\n"
        var sources: [String] = []
        for trial in run.priorTrials where !sources.contains(trial.source) { sources.append(trial.source) }
        for source in sources {
            let trials = run.priorTrials.filter { $0.source == source }
            let complete = trials.filter { !$0.pruned && !($0.value?.isNaN ?? true) }
            let best = complete.min { a, b in run.objective.goal.better(a.value!, than: b.value!) }
            out +=
                "| \(source) | \(trials.count) | \(best.flatMap(\.value).map(format) ?? "–") | \(best.map { "`\($0.params)` (trial \($0.sourceTrial))" } ?? "–") |\n"
        }
        if !run.warmStartNotes.isEmpty { out += "\n" + run.warmStartNotes.map { "- \($0)\n" }.joined() }
        return out
    }

    /// Each retried task's earlier failure, and how its retry ended.
    static func retriedSection(_ run: RunSummary) -> String {
        guard !run.retried.isEmpty else { return "" }
        var out = "\n## Retried (sweep retry)\n\n"
        out += "| trial | fold | earlier failure (attempt, host) | retry |\n|---:|---:|---|---|\n"
        for old in run.retried {
            let error = (old.error ?? "").replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(
                of: "\n", with: " ")
            let now = run.records[old.task].map { "\($0.status.rawValue) (attempt \($0.attempt), \($0.host))" }
            out +=
                "| \(old.task.trial) | \(old.task.fold) | attempt \(old.attempt) on \(old.host): \(error) | \(now ?? "not finished") |\n"
        }
        return out
    }
}
