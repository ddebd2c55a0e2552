import Foundation
import Testing

@testable import SweepCore
@testable import SweepReport

/// The report files of a fixed synthetic sweep, compared byte for byte with the files in
/// `Golden/`. After an intended change of a report's format, regenerate them with
///
///     SWEEP_UPDATE_GOLDEN=1 swift test --filter SweepReportTests
///
/// and review the diff of `Tests/SweepReportTests/Golden` before committing it.
@Suite struct GoldenReportTests {
    static let golden = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")
    static let updating = ProcessInfo.processInfo.environment["SWEEP_UPDATE_GOLDEN"] == "1"

    /// Compares `text` with the golden file `name` (or rewrites it when updating).
    func expectGolden(_ text: String, _ name: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let url = Self.golden.appendingPathComponent(name)
        if Self.updating {
            try text.write(to: url, atomically: true, encoding: .utf8)
            return
        }
        let expected = try String(contentsOf: url, encoding: .utf8)
        if text != expected {
            let lines = (
                text.split(separator: "\n", omittingEmptySubsequences: false),
                expected.split(separator: "\n", omittingEmptySubsequences: false)
            )
            let first = zip(lines.0, lines.1).enumerated().first { $0.element.0 != $0.element.1 }
            Issue.record(
                "\(name) differs from its golden file\(first.map { " at line \($0.offset + 1):\n  got:      \($0.element.0)\n  expected: \($0.element.1)" } ?? " in length")",
                sourceLocation: sourceLocation)
        }
    }

    @Test func markdownReport() throws {
        try expectGolden(MarkdownReport.render(ReportFixture.finished), "report.md")
    }

    @Test func bestJSON() throws {
        try expectGolden(try BestJSON.render(ReportFixture.finished), "best.json")
    }

    @Test func resultsCSV() throws {
        try expectGolden(CSVWriter.results(ReportFixture.finished), "results.csv")
    }

    @Test func trialsCSV() throws {
        try expectGolden(CSVWriter.trials(ReportFixture.finished), "trials.csv")
    }

    @Test func anInterruptedSweepWithNoBestTrial() throws {
        try expectGolden(MarkdownReport.render(ReportFixture.interrupted), "report-interrupted.md")
        try expectGolden(try BestJSON.render(ReportFixture.interrupted), "best-none.json")
    }
}
