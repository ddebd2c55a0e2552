import Foundation
import Testing

@testable import SweepCore
@testable import SweepReport

/// Every figure's SVG for `PlotFixture`'s run, compared byte for byte with `Golden/plots/`.
/// After an intended change of a plot, regenerate them with
///
///     SWEEP_UPDATE_GOLDEN=1 swift test --filter PlotGoldenTests
///
/// and look at the changed SVGs (open them in a browser) before committing them.
@Suite struct PlotGoldenTests {
    static let golden = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Golden/plots")
    static let updating = ProcessInfo.processInfo.environment["SWEEP_UPDATE_GOLDEN"] == "1"

    static let figures = ReportFigures.make(
        summary: PlotFixture.run, details: PlotFixture.details, importance: PlotFixture.importance)

    @Test func theFiguresComeInTheReportsOrder() {
        #expect(
            Self.figures.map(\.id) == [
                "history", "parallel", "slice-C", "slice-depth", "slice-kernel", "slice-shrink", "importance", "folds",
                "intermediate", "timeline",
            ])
        for figure in Self.figures {
            #expect(!figure.caption.isEmpty && !figure.title.isEmpty, "\(figure.id)")
            #expect(figure.svg.contains("data-figure=\"\(figure.id)\""), "\(figure.id)")
        }
    }

    @Test(arguments: [
        "history", "parallel", "slice-C", "slice-depth", "slice-kernel", "slice-shrink", "importance", "folds",
        "intermediate", "timeline",
    ])
    func svgMatchesItsGoldenFile(_ id: String) throws {
        let figure = try #require(Self.figures.first { $0.id == id })
        let url = Self.golden.appendingPathComponent(id + ".svg")
        if Self.updating {
            try FileManager.default.createDirectory(at: Self.golden, withIntermediateDirectories: true)
            try figure.svg.write(to: url, atomically: true, encoding: .utf8)
            return
        }
        let expected = try String(contentsOf: url, encoding: .utf8)
        let (got, want) = (figure.svg.split(separator: "\n"), expected.split(separator: "\n"))
        let first = zip(got, want).enumerated().first { $0.element.0 != $0.element.1 }
        #expect(
            figure.svg == expected,
            "\(id).svg differs\(first.map { " at line \($0.offset + 1):\n  got:      \($0.element.0)\n  expected: \($0.element.1)" } ?? " in length")"
        )
    }
}
