import Foundation
import Testing

@testable import SweepCore
@testable import SweepReport

/// The report files of a multi-objective, constrained sweep (goldens in `Golden/`, regenerated
/// with SWEEP_UPDATE_GOLDEN=1 as GoldenReportTests says), and what they must say.
struct ObjectivesReportTests {
    let golden = GoldenReportTests()

    @Test func theFrontIsTheFeasibleNonDominatedTrialsBestOnTheFirstObjectiveFirst() {
        let run = ObjectivesFixture.run()
        #expect(run.front.map(\.trial.number) == [4, 0, 1])
        #expect(run.best?.trial.number == 4, "the refit takes the front's best accuracy")
        #expect(
            !run.isFeasible(run.summaries[3]) && run.missedConstraints(run.summaries[3]) == ["model_bytes 5000 > 1000"])
    }

    @Test func aConstrainedSingleObjectiveSweepsBestIsFeasible() {
        let run = ObjectivesFixture.run(objectives: [])
        #expect(run.ranked.first?.trial.number == 3)
        #expect(run.best?.trial.number == 4)
        let none = ObjectivesFixture.run(objectives: [], constraints: [Constraint(metric: "model_bytes", max: 1)])
        #expect(none.best == nil)
        #expect(MarkdownReport.render(none).contains("No trial met the constraints (5 succeeded"))
        #expect((try? BestJSON.render(none))?.contains("\"error\" : \"no trial met the constraints\"") == true)
    }

    @Test func reportAndBestJSONGoldens() throws {
        let run = ObjectivesFixture.run()
        try golden.expectGolden(MarkdownReport.render(run), "report-objectives.md")
        try golden.expectGolden(try BestJSON.render(run), "best-objectives.json")
        try golden.expectGolden(ParetoPlot.svg(run)!, "pareto.svg")
    }

    @Test func bestJSONListsTheFrontWithItsObjectiveMeans() throws {
        let text = try BestJSON.render(ObjectivesFixture.run())
        let json = try JSONSerialization.jsonObject(with: Data(text.utf8)) as! [String: Any]
        let pareto = json["pareto"] as! [[String: Any]]
        #expect(pareto.map { $0["trial"] as! Int } == [4, 0, 1])
        let first = pareto[0]["objectives"] as! [String: Double]
        #expect(abs(first["accuracy"]! - 0.92) < 1e-12 && first["fit_seconds"] == 3)
        #expect(json["trial"] as? Int == 4 && (json["refit_choice"] as? String)?.contains("first objective") == true)
        #expect((json["objectives"] as? [[String: String]])?.map { $0["goal"]! } == ["maximize", "minimize"])
    }

    @Test func aThirdObjectiveIsColourAndThePlotIsSelfContained() throws {
        let run = ObjectivesFixture.run(
            objectives: [
                Objective(metric: "fit_seconds", goal: .minimize), Objective(metric: "model_bytes", goal: .minimize),
            ],
            constraints: [])
        let svg = ParetoPlot.svg(run)!
        #expect(svg.contains("linearGradient") && svg.contains("model_bytes (mean; lower is better)"))
        #expect(!svg.contains("<polyline"), "three objectives: the front is marked, not joined")
        #expect(!svg.contains("href") && !svg.contains("<script"))
        #expect(run.front.count == 5, "every complete trial is optimal for some trade-off")
        #expect(ParetoPlot.svg(ReportFixture.finished) == nil, "a single objective has no front plot")
    }

    @Test func ticksAreRoundNumbersCoveringTheValues() {
        #expect(ScatterPlot.ticks([0.71, 0.93]) == [0.7, 0.75, 0.8, 0.85, 0.9, 0.95])
        let flat = ScatterPlot.ticks([3, 3])
        #expect(flat.first! < 3 && flat.last! > 3)
    }
}
