import Foundation
import Testing

@testable import SweepCore
@testable import SweepReport

/// The marks each figure draws match the data (`class="mark"` is what the browser test counts).
@Suite struct PlotMarkTests {
    static let figures = Dictionary(
        uniqueKeysWithValues: ReportFigures.make(
            summary: PlotFixture.run, details: PlotFixture.details, importance: PlotFixture.importance
        ).map { ($0.id, $0) })

    static func marks(_ svg: String) -> Int { svg.components(separatedBy: "class=\"mark\"").count - 1 }

    func marks(_ id: String) throws -> Int { Self.marks(try #require(Self.figures[id]).svg) }

    @Test func historyHasOneMarkPerTrialWithAnOutcomeAndTheBestLine() throws {
        // Ten trials, one incomplete (nothing to show), and the best-so-far line.
        #expect(try marks("history") == 9 + 1)
    }

    @Test func parallelAndSlicesHaveOneMarkPerFinishedTrial() throws {
        let finished = PlotFixture.run.summaries.filter { $0.status == .ok }.count
        #expect(finished == 6)
        #expect(try marks("parallel") == finished)
        for name in PlotFixture.run.paramNames { #expect(try marks("slice-" + name) == finished, "\(name)") }
    }

    @Test func importanceHasOneBarPerParameter() throws {
        #expect(try marks("importance") == PlotFixture.importance.values.count)
        #expect(try #require(Self.figures["importance"]).caption.contains("fANOVA on a random-forest surrogate"))
    }

    @Test func foldsHasABoxAndThreePointsPerTopTrial() throws {
        #expect(try marks("folds") == 6 * (1 + 3))
    }

    @Test func intermediateHasALinePerReportingTrialAndACrossPerStop() throws {
        // Trials 0–8 but 3 report values; 5 and 8 were stopped.
        #expect(try marks("intermediate") == 8 + 2)
    }

    @Test func timelineHasABarPerAttempt() throws {
        #expect(try marks("timeline") == PlotFixture.details.attempts.count)
        let svg = try #require(Self.figures["timeline"]).svg
        #expect(svg.contains("no result, worker lost at 31 s"))
        #expect(svg.contains("w3 @ gamma"))
        #expect(try #require(Self.figures["timeline"]).caption.contains("% of the time"))
    }

    @Test func figuresWithoutDataAreLeftOut() {
        let run = PlotFixture.sweep(3, params: { _ in Params([:]) })
        let ids = ReportFigures.make(
            summary: run, details: ReportDetails(startedAt: 0), importance: nil
        ).map(\.id)
        #expect(ids == ["history"])
    }

    @Test func aThinnedFigureSaysSoAndKeepsTheBest() throws {
        let run = PlotFixture.sweep(3000, values: (0..<3000).map { Double($0 % 997) / 997 })
        let figures = ReportFigures.make(summary: run, details: ReportDetails(startedAt: 0), importance: nil)
        let history = try #require(figures.first { $0.id == "history" })
        #expect(Self.marks(history.svg) == Thinning.points + 1)
        #expect(history.caption.contains("2000 of 3000 trials shown"))
        let best = try #require(run.best)
        #expect(history.svg.contains("trial \(best.trial.number): accuracy"))
        let parallel = try #require(figures.first { $0.id == "parallel" })
        #expect(Self.marks(parallel.svg) == Thinning.lines)
    }
}

@Suite struct HistoryStoppedTrialTests {
    /// asha stops trials before any fold finishes: the history drew them as red "failed"
    /// crosses while the summary said 0 failed (found by using report.html as a user).
    @Test func aTrialStoppedBeforeAnyFoldFinishedIsHollowNotAFailure() throws {
        let ok = PlotFixture.sweep(2, values: [0.5, 0.7])
        var records = ok.records
        records[TaskID(trial: 2, fold: 0)] = TaskRecord(
            task: TaskID(trial: 2, fold: 0), status: .pruned, worker: "w", host: "h", attempt: 1, duration: 1,
            metrics: [:], error: "stopped by asha")
        let run = RunSummary(
            name: "asha", objective: ok.objective, metricNames: ["accuracy"], folds: 1,
            trials: ok.trials + [Trial(number: 2, params: PlotFixture.params(2))], records: records, wallSeconds: 1,
            state: .finished)
        let history = try #require(
            ReportFigures.make(summary: run, details: PlotFixture.details(for: run), importance: nil)
                .first { $0.id == "history" })
        let marks = history.svg.components(separatedBy: "class=\"mark\"").dropFirst()
        #expect(marks.count == 3 + 1)
        // The legend draws one symbol of each colour; trial 2 adds a hollow one, no cross.
        func uses(_ color: String) -> Int { history.svg.components(separatedBy: color).count - 1 }
        #expect(uses(Palette.failed) == 1, "only the legend's cross")
        #expect(uses(Palette.pruned) == 2, "the legend's ring and trial 2's")
    }
}

@Suite struct ParetoFigureTests {
    /// report.html of a multi-objective sweep had only the front's table, not its plot.
    @Test func aMultiObjectiveSweepShowsItsFrontFirst() throws {
        let run = ObjectivesFixture.run()
        let figures = ReportFigures.make(
            summary: run, details: ReportDetails(startedAt: 0), importance: nil)
        let pareto = try #require(figures.first)
        #expect(pareto.id == "pareto")
        #expect(pareto.svg.hasPrefix("<svg data-figure=\"pareto\" "))
        #expect(pareto.caption.contains("misses a constraint"))
        let single = ReportFigures.make(summary: PlotFixture.run, details: PlotFixture.details, importance: nil)
        #expect(!single.contains { $0.id == "pareto" })
    }
}
