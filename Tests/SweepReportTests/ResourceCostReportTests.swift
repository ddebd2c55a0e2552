import Foundation
import Testing

@testable import SweepCore
@testable import SweepReport

/// What models cost, in report.md and report.html: the best trial's fit and predict time and model
/// size in human units, a cost column on the Pareto front, a fit column in the trials tables;
/// nothing of it for trials that report no resource metric.
@Suite struct ResourceCostReportTests {
    @Test func secondsAndBytesReadInTheirBestUnit() {
        #expect(ResourceCost.seconds(0) == "0 s")
        #expect(ResourceCost.seconds(0.000_42) == "420 µs")
        #expect(ResourceCost.seconds(0.000_999_7) == "1 ms", "not 1e+03 µs")
        #expect(ResourceCost.seconds(0.012_34) == "12.3 ms")
        #expect(ResourceCost.seconds(0.999_8) == "1 s")
        #expect(ResourceCost.seconds(83.25) == "83.2 s")
        #expect(ResourceCost.bytes(812) == "812 B")
        #expect(ResourceCost.bytes(4_200) == "4.2 KB")
        #expect(ResourceCost.bytes(999_700) == "1 MB")
        #expect(ResourceCost.bytes(1_310_000) == "1.31 MB")
        #expect(ResourceCost.bytes(2.05e9) == "2.05 GB")
    }

    @Test func aTrialWithoutResourceMetricsHasNoCost() throws {
        let run = ReportFixture.finished
        #expect(ResourceCost(try #require(run.best)) == nil)
        #expect(!run.hasFitSeconds)
        let markdown = MarkdownReport.render(run)
        #expect(!markdown.contains("Resource cost") && !markdown.contains(" fit |"))
        let html = HTMLReportTests.render(run)
        #expect(!html.contains("Resource cost") && !html.contains(">fit</th>"))
    }

    /// Trial 4 of the fixture: 3 s to fit, 800 bytes, no predict time reported.
    @Test func markdownShowsTheBestTrialsCostTheFrontsAndAFitColumn() throws {
        let markdown = MarkdownReport.render(ObjectivesFixture.run())
        #expect(markdown.contains("\nResource cost (mean over 3 folds): fit 3 s, model 800 B.\n"), "\(markdown)")
        #expect(markdown.contains("| trial | params | accuracy mean | fit_seconds mean | cost |\n"), "\(markdown)")
        #expect(markdown.contains("| 0 | `depth=2` | 0.9 | 2 | fit 2 s, model 500 B |"), "\(markdown)")
        #expect(markdown.contains("| rank | trial | params | accuracy mean | std | fit | constraints |"))
        #expect(
            markdown.contains("| 1 | 3 | `depth=5` | 0.95 | 0.00816497 | 500 ms | missed: model_bytes 5000 > 1000 |"))
    }

    @Test func htmlShowsTheBestTrialsCostTheFrontsAndAFitColumn() throws {
        let html = HTMLReportTests.render(ObjectivesFixture.run())
        let best = try #require(HTMLReportTests.section(html, "best"))
        #expect(best.contains("<p>Resource cost (mean over 3 folds): fit 3 s, model 800 B.</p>"), "\(best)")
        let front = try #require(HTMLReportTests.section(html, "pareto-front"))
        #expect(front.contains("<th>cost</th>") && front.contains("fit 1 s, model 400 B"), "\(front)")
        let trials = try #require(HTMLReportTests.section(html, "all-trials"))
        #expect(trials.contains("<th class=\"num\">fit</th>"), "\(trials)")
        #expect(trials.contains("500 ms"), "trial 3's fit time: \(trials)")
    }

    /// A command trainer that reports fit_seconds and model_bytes gets the same treatment.
    @Test func commandTrainersReportingTheSameNamesAreShownTheSameWay() {
        let trial = Trial(number: 0, params: Params(["x": .int(1)]))
        let records = Dictionary(
            uniqueKeysWithValues: (0..<2).map { fold in
                let task = TaskID(trial: 0, fold: fold)
                let metrics = ["score": 0.5, "fit_seconds": 0.25 + Double(fold) * 0.5, "model_bytes": 3e6]
                return (
                    task,
                    TaskRecord(
                        task: task, status: .ok, worker: "w", host: "h", attempt: 1, duration: 2, metrics: metrics,
                        error: nil)
                )
            })
        let run = RunSummary(
            name: "command", objective: Objective(metric: "score", goal: .maximize),
            metricNames: ["score", "fit_seconds", "model_bytes"], folds: 2, trials: [trial], records: records,
            wallSeconds: 4, state: .finished)
        #expect(
            MarkdownReport.render(run).contains("Resource cost (mean over 2 folds): fit 500 ms, model 3 MB."))
    }
}
