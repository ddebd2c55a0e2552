import Foundation
import Testing

@testable import SweepCore
@testable import SweepReport

/// A sweep where nearly every trial improves on the best (a grid over the objective itself) drew
/// a vertex pair per improvement in the best-so-far line: 11.6 MB of the report.html of 500,000
/// trials. The line keeps at most two vertices per pixel column, and still spans the sweep.
@Suite struct HistoryBestLineTests {
    static func bestLine(_ svg: String) throws -> [(Double, Double)] {
        let polyline = try #require(
            svg.components(separatedBy: "<polyline").dropFirst().first { $0.contains(Palette.best) })
        let attribute = try #require(polyline.components(separatedBy: "points=\"").dropFirst().first)
        let text = try #require(attribute.components(separatedBy: "\"").first)
        return text.split(separator: " ").map { pair in
            let xy = pair.split(separator: ",").compactMap { Double($0) }
            return (xy[0], xy[1])
        }
    }

    @Test func thousandsOfImprovementsDrawAtMostTwoVerticesPerPixel() throws {
        let count = 20000
        let run = PlotFixture.sweep(count, values: (0..<count).map { Double($0) / Double(count) })
        #expect(run.improvements.count == count)
        let figures = ReportFigures.make(summary: run, details: ReportDetails(startedAt: 0), importance: nil)
        let history = try #require(figures.first { $0.id == "history" })
        let line = try Self.bestLine(history.svg)
        let columns = Set(line.map { Int($0.0.rounded(.down)) })
        #expect(line.count <= 2 * columns.count + 2)
        #expect(line.count < 2000)
        // From the first trial's value to the last trial's, rising (maximize: y pixels fall).
        let (first, last) = (try #require(line.first), try #require(line.last))
        #expect(first.0 < last.0 && first.1 > last.1)
        #expect(zip(line, line.dropFirst()).allSatisfy { $0.0 <= $1.0 && $0.1 >= $1.1 })
    }

    @Test func aFewImprovementsKeepEveryStep() throws {
        let run = PlotFixture.sweep(10, values: [0.1, 0.3, 0.2, 0.5, 0.4, 0.4, 0.9, 0.1, 0.2, 0.3])
        let history = try #require(
            ReportFigures.make(summary: run, details: ReportDetails(startedAt: 0), importance: nil)
                .first { $0.id == "history" })
        // Four improvements: the first point, two vertices per later step, and the end.
        #expect(try Self.bestLine(history.svg).count == 1 + 2 * 3 + 1)
    }
}

/// The markdown report listed every improvement under "How the search went": 500,000 lines of
/// report.md for a grid over the objective itself. It lists the last 50, as report.html does.
@Suite struct MarkdownImprovementsTests {
    @Test func thousandsOfImprovementsListTheLastFifty() {
        let count = 20000
        let run = PlotFixture.sweep(count, values: (0..<count).map { Double($0) / Double(count) })
        let markdown = MarkdownReport.render(run)
        let section = markdown.components(separatedBy: "## How the search went")[1]
            .components(separatedBy: "\n## ")[0]
        let rows = section.split(separator: "\n").filter { $0.hasPrefix("| ") && !$0.hasPrefix("| trial") }
        #expect(rows.count == 50)
        #expect(section.contains("the last 50 of 20000"))
        #expect(rows.last?.hasPrefix("| 19999 |") == true)
        #expect(rows.first?.hasPrefix("| 19950 |") == true)
    }

    @Test func aFewImprovementsAreAllListed() {
        let run = PlotFixture.sweep(10, values: [0.1, 0.3, 0.2, 0.5, 0.4, 0.4, 0.9, 0.1, 0.2, 0.3])
        let section = MarkdownReport.render(run).components(separatedBy: "## How the search went")[1]
            .components(separatedBy: "\n## ")[0]
        #expect(!section.contains("the last"))
        #expect(section.split(separator: "\n").filter { $0.hasPrefix("| ") && !$0.hasPrefix("| trial") }.count == 4)
    }
}

/// An early-stopping sweep of thousands of trials listed every stopped trial, in report.md and in
/// report.html (whose rows also looked each trial up by a scan of all trials: quadratic), and a
/// sweep of thousands of failures listed every one in report.md. Both list the first 200, as
/// report.html lists failures, and say where the rest are.
@Suite struct LongListsTests {
    static func stoppedSweep(_ count: Int) -> RunSummary {
        var run = PlotFixture.sweep(count, values: (0..<count).map { Double($0) / Double(count) })
        run.stops = (0..<count).map {
            StoppedTrial(
                decision: StopDecision(trial: $0, rule: .asha, fold: 0, step: 1, reason: "worse than the median"),
                dropped: 1, cancelled: 0)
        }
        return run
    }

    static func tableRows(_ text: String, after heading: String) -> [Substring] {
        let section = text.components(separatedBy: heading)[1].components(separatedBy: "\n## ")[0]
        return section.split(separator: "\n").filter { $0.hasPrefix("| ") && !$0.hasPrefix("| trial") }
    }

    @Test func thousandsOfStoppedTrialsListTheFirst200() {
        let run = Self.stoppedSweep(5000)
        let markdown = MarkdownReport.render(run)
        #expect(Self.tableRows(markdown, after: "## Stopped early").count == 200)
        #expect(markdown.contains("The first 200 of 5000 stopped trials; trials.csv lists every trial."))
        let html = HTMLReportTests.render(run)
        let section = HTMLReportTests.section(html, "early-stopping") ?? ""
        #expect(HTMLReportTests.occurrences("<tr>", in: section) == 200 + 1)
        #expect(section.contains("The first 200 of 5,000 stopped trials"))
    }

    @Test func thousandsOfFailuresListTheFirst200() {
        let count = 3000
        let base = PlotFixture.sweep(count)
        let failed = base.records.mapValues { record in
            var record = record
            record.status = .failed
            record.error = "exit status 1"
            return record
        }
        let run = RunSummary(
            name: base.name, objective: base.objective, metricNames: base.metricNames, folds: base.folds,
            trials: base.trials, records: failed, wallSeconds: 1, state: .finished)
        let markdown = MarkdownReport.render(run)
        #expect(Self.tableRows(markdown, after: "## Failures").count == 200)
        #expect(markdown.contains("The first 200 of 3000 failed tasks; results.csv lists every task."))
    }

    @Test func aFewStopsAndFailuresAreAllListed() {
        let run = Self.stoppedSweep(12)
        let markdown = MarkdownReport.render(run)
        #expect(Self.tableRows(markdown, after: "## Stopped early").count == 12)
        #expect(!markdown.contains("The first 200"))
    }
}
