import Foundation
import SweepCore

/// `report.html`: the whole sweep on one self-contained page — what won, by how much, whether
/// that is distinguishable from the runners-up, how the search went and where the time went.
/// Inline CSS and SVG only: no script, no network, no font to fetch, so it opens offline from a
/// mail attachment and prints. Every user string is escaped; every number has 4 significant digits.
public enum HTMLReport {
    /// Seconds between reloads of a live page (`live: true`, served while the sweep runs). A
    /// finished or stopped sweep's page does not reload: it stays when the coordinator is gone.
    public static let refreshSeconds = 5

    public static func render(
        summary: RunSummary, details: ReportDetails, statistics: SelectionStatistics?,
        importance: ParameterImportance?, figures: [Figure], live: Bool
    ) -> String {
        let live = live && summary.state != .finished && summary.state != .stopped
        let sections = HTMLSections(run: summary, details: details, live: live).all(
            statistics: statistics, importance: importance, figures: figures)
        let title = "Sweep report: " + HTMLText.escape(summary.name)
        var out = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        if live { out += "<meta http-equiv=\"refresh\" content=\"\(refreshSeconds)\">\n" }
        out += "<title>\(title)</title>\n<style>\n\(HTMLStyle.css)</style>\n</head>\n<body>\n"
        out += "<header><h1>\(title)</h1>\n\(HTMLSections.stateBanner(summary, live: live))</header>\n"
        out += tableOfContents(sections)
        out += "<main>\n"
        for section in sections {
            out += "<section id=\"\(section.id)\">\n<h2>\(section.title)</h2>\n\(section.body)</section>\n"
        }
        out += "</main>\n<footer>Made by sweep from run.db"
        out += live ? "; this page reloads every \(refreshSeconds) s while the sweep runs." : "."
        return out + "</footer>\n</body>\n</html>\n"
    }

    static func tableOfContents(_ sections: [HTMLSection]) -> String {
        var out = "<nav class=\"toc\" aria-label=\"Contents\"><h2>Contents</h2><ol>\n"
        for section in sections {
            out += "<li><a href=\"#\(section.id)\">\(section.title)</a>"
            if !section.children.isEmpty {
                out += "<ol>"
                for child in section.children {
                    out += "<li><a href=\"#\(HTMLText.escape(child.id))\">\(HTMLText.escape(child.title))</a></li>"
                }
                out += "</ol>"
            }
            out += "</li>\n"
        }
        return out + "</ol></nav>\n"
    }
}

/// One `<section>` of the page: its anchor, its heading (ready HTML), its body, and the
/// anchors inside it the table of contents lists (the figures).
struct HTMLSection {
    var id: String
    var title: String
    var body: String
    var children: [(id: String, title: String)] = []
}

/// The page's sections, in reading order; each empty one is left out.
struct HTMLSections {
    let run: RunSummary
    let details: ReportDetails
    let live: Bool

    func all(statistics: SelectionStatistics?, importance: ParameterImportance?, figures: [Figure])
        -> [HTMLSection]
    {
        let candidates: [HTMLSection?] = [
            HTMLSection(id: "summary", title: "Summary", body: summarySection()),
            paretoSection(),
            HTMLSection(id: "best", title: "Best configuration", body: bestSection(statistics)),
            nestedSection(),
            figuresSection(figures),
            importanceSection(importance),
            stoppedSection(),
            HTMLSection(id: "all-trials", title: "Trials", body: trialsSection()),
            priorTrialsSection(),
            artifactsSection(),
            HTMLSection(id: "failures", title: "Failures", body: failuresSection()),
            HTMLSection(id: "workers", title: "Workers", body: workersSection()),
            eventsSection(),
        ]
        return candidates.compactMap { $0 }
    }

    /// The figures, each in a `<figure>` anchored by its id, with its caption.
    func figuresSection(_ figures: [Figure]) -> HTMLSection? {
        guard !figures.isEmpty else { return nil }
        var body = ""
        for figure in figures {
            body += "<figure id=\"\(HTMLText.escape(figure.id))\" class=\"plot\">\n"
            body += "<h3>\(HTMLText.escape(figure.title))</h3>\n\(figure.svg)\n"
            body += "<figcaption>\(HTMLText.escape(figure.caption))</figcaption>\n</figure>\n"
        }
        return HTMLSection(
            id: "figures", title: "Plots", body: body, children: figures.map { ($0.id, $0.title) })
    }

    /// Parameter importance as a table, with the method that computed it.
    func importanceSection(_ importance: ParameterImportance?) -> HTMLSection? {
        guard let importance, !importance.values.isEmpty else { return nil }
        var body = "<p>Share of the objective's variance over the trials each parameter explains, by "
        body += HTMLText.escape(importance.method) + ".</p>\n"
        body += HTMLText.table(
            ["parameter", "importance"],
            importance.values.map { ["<code>\(HTMLText.escape($0.name))</code>", HTMLText.number($0.importance)] },
            numeric: [1])
        return HTMLSection(id: "importance-values", title: "Parameter importance", body: body)
    }

    /// The coordinator's events (workers joining and lost, requeues, the search's end), the
    /// last ones of a long sweep.
    func eventsSection() -> HTMLSection? {
        guard !details.events.isEmpty else { return nil }
        let limit = 200
        let shown = details.events.suffix(limit)
        var body = ""
        if details.events.count > limit {
            body += "<p>The last \(limit) of \(Significant.grouped(details.events.count)) events.</p>\n"
        }
        body += HTMLText.table(
            ["at", "event", "detail"],
            shown.map {
                [
                    HTMLText.clock($0.at - details.startedAt), HTMLText.escape($0.kind),
                    HTMLText.escape($0.detail),
                ]
            },
            numeric: [0])
        return HTMLSection(id: "events", title: "Events", body: body)
    }
}
