/// What a command trainer's `$SWEEP_ARTIFACTS` brought back, and what was lost or refused.
extension HTMLSections {
    func artifactsSection() -> HTMLSection? {
        guard !run.artifacts.isEmpty else { return nil }
        let items = run.artifacts.map { line in
            // The lines are Markdown: `code` spans become <code>.
            let parts = HTMLText.escape(line).split(separator: "`", omittingEmptySubsequences: false)
            let html = parts.enumerated().map { $0.offset % 2 == 1 ? "<code>\($0.element)</code>" : String($0.element) }
            return "<li>\(html.joined())</li>\n"
        }
        return HTMLSection(id: "artifacts", title: "Artifacts", body: "<ul>\n" + items.joined() + "</ul>\n")
    }
}
