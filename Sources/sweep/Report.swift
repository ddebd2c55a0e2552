import ArgumentParser
import Foundation
import SweepReport
import SweepRuntime

struct Report: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract:
            "Rewrite a run directory's report.md, report.html, trials.csv, results.csv, best.json, spec and model card (MODEL.md, model-card.json) from its run.db.",
        discussion: """
            Works for a finished sweep, a running one (run.db is only read; the coordinator never waits) and one \
            whose coordinator crashed (the report says it is incomplete). Prints the report, best.json with \
            --format json, or the path of report.html with --format html (open it in a browser: it is one \
            self-contained file).
            """)

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case md, json, html
    }

    @Argument(help: "The run directory (it holds run.db).")
    var directory: String

    @Option(help: "What to print: the markdown report (md), best.json (json) or the path of report.html (html).")
    var format: Format = .md

    func run() throws {
        let summary = try RunReport.write(directory: directory)
        switch format {
        case .md:  // as written, with what was added to it (a retrained run's section)
            let file = (directory as NSString).appendingPathComponent("report.md")
            print(
                (try? String(contentsOfFile: file, encoding: .utf8)) ?? MarkdownReport.render(summary), terminator: "")
        case .json: print(try BestJSON.render(summary), terminator: "")
        case .html: print((directory as NSString).appendingPathComponent("report.html"))
        }
    }
}
