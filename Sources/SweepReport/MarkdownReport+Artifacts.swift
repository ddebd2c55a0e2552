extension MarkdownReport {
    /// What a command trainer's `$SWEEP_ARTIFACTS` brought back, and what was lost or refused.
    static func artifactsSection(_ run: RunSummary) -> String {
        guard !run.artifacts.isEmpty else { return "" }
        return "\n## Artifacts\n\n" + run.artifacts.map { "- \($0)\n" }.joined()
    }
}
