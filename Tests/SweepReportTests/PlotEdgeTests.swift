import Foundation
import Testing

@testable import SweepCore
@testable import SweepReport

/// Odd inputs never crash a figure nor put NaN in its coordinates; text is escaped; a big
/// sweep's figures stay small.
@Suite struct PlotEdgeTests {
    static func figures(_ run: RunSummary, _ details: ReportDetails? = nil) -> [Figure] {
        ReportFigures.make(
            summary: run, details: details ?? PlotFixture.details(for: run, steps: 3),
            importance: ParameterImportance(method: "m", values: run.paramNames.map { ($0, 0.25) }))
    }

    /// Every number in an attribute of the SVG is a finite number.
    static func expectValid(_ figures: [Figure], sourceLocation: SourceLocation = #_sourceLocation) {
        for figure in figures {
            for bad in ["NaN", "nan\"", "inf\"", "=\"-\"", "=\"\""] {
                #expect(!figure.svg.contains(bad), "\(figure.id) contains \(bad)", sourceLocation: sourceLocation)
            }
            #expect(figure.svg.hasPrefix("<svg "), sourceLocation: sourceLocation)
            #expect(figure.svg.hasSuffix("</svg>\n"), sourceLocation: sourceLocation)
        }
    }

    @Test func nanAndInfiniteObjectivesAndAllEqualValues() {
        for values in [
            [Double.nan, 0.5, .infinity], [0.7], [-.infinity, .nan], [1e300, -1e300, 0],
            [0, 0, .leastNonzeroMagnitude],
        ] {
            let run = PlotFixture.sweep(7, values: values, folds: 2)
            Self.expectValid(Self.figures(run))
        }
    }

    @Test func aSingleTrialAndAllEqualParameters() {
        Self.expectValid(Self.figures(PlotFixture.sweep(1)))
        Self.expectValid(
            Self.figures(
                PlotFixture.sweep(5, values: [0.5], params: { _ in Params(["a": .double(1), "b": .string("x")]) }))
        )
        Self.expectValid(
            Self.figures(PlotFixture.sweep(4, params: { Params(["c": .double([0, -1, .nan, .infinity][$0])]) })))
    }

    @Test func textIsEscapedEverywhere() throws {
        let name = "<b>&\"x\""
        let run = PlotFixture.sweep(4, values: [0.1, 0.2], params: { Params([name: .string("<i>\($0)</i>")]) })
        let figures = Self.figures(run)
        #expect(figures.contains { $0.id == "slice-" + name })
        for figure in figures {
            #expect(!figure.svg.contains("<b>") && !figure.svg.contains("<i>"), "\(figure.id)")
            #expect(!figure.svg.contains("&\"x"), "\(figure.id)")
        }
        let slice = try #require(figures.first { $0.id == "slice-" + name })
        #expect(slice.svg.contains("data-figure=\"slice-&lt;b&gt;&amp;&quot;x&quot;\""))
        #expect(slice.svg.contains("&lt;i&gt;1&lt;/i&gt;"))
    }

    @Test func fiveThousandTrialsStayBelowTheSizeBound() {
        let run = PlotFixture.sweep(5000, values: (0..<5000).map { sin(Double($0)) }, folds: 3)
        let figures = Self.figures(run, PlotFixture.details(for: run, steps: 50))
        let bytes = figures.reduce(0) { $0 + $1.svg.utf8.count }
        #expect(bytes < 6_000_000, "\(bytes) bytes in \(figures.count) figures")
        for figure in figures {
            #expect(figure.svg.utf8.count < 1_200_000, "\(figure.id): \(figure.svg.utf8.count) bytes")
        }
    }

    @Test func ticksAreRoundAndInsideTheAxis() {
        let axis = Axis.linear([0.913, 0.968])
        #expect(axis.ticks.allSatisfy { $0 >= axis.low && $0 <= axis.high })
        #expect(axis.ticks.map(axis.label) == ["0.92", "0.93", "0.94", "0.95", "0.96", "0.97"])
        let log = Axis.fitting([0.001, 0.1, 100])
        #expect(log.kind == .log)
        #expect(log.ticks.map(log.label) == ["0.001", "0.01", "0.1", "1", "10", "100"])
        #expect(Axis.fitting([1, 50]).kind == .linear)
        #expect(Axis.fitting([-1, 500]).kind == .linear)
        #expect(SVG.n(.nan) == "0" && SVG.n(-0.04) == "0" && SVG.n(-0.25) == "-0.3" && SVG.n(12.0) == "12")
    }
}
