import Foundation
import Testing

@testable import SweepCore
@testable import SweepReport

/// Nested CV (cv.outer) in the run-directory files: best.json's `nested`, the report sections
/// beside the inner best, results.csv's `outer_fold`, and trial scores from the scored folds only.
struct NestedReportTests {
    /// Two trials, 2 scored folds, 2 outer folds of 2 inner folds each (6 task folds). The
    /// nested folds score 0.1 so that a trial mean over every task would be visibly wrong.
    static func run(nested: NestedOutcome?, taskFolds: Int = 6) -> RunSummary {
        let trials = [
            Trial(number: 0, params: Params(["C": .double(0.1)])), Trial(number: 1, params: Params(["C": .double(10)])),
        ]
        var records: [TaskID: TaskRecord] = [:]
        for trial in 0..<2 {
            for fold in 0..<taskFolds {
                let task = TaskID(trial: trial, fold: fold)
                let score = fold < 2 ? 0.8 + 0.1 * Double(trial) : 0.1
                records[task] = TaskRecord(
                    task: task, status: .ok, worker: "w", host: "h", attempt: 1, duration: 0.5,
                    metrics: ["accuracy": score], error: nil)
            }
        }
        var summary = RunSummary(
            name: "nested", objective: Objective(metric: "accuracy", goal: .maximize), metricNames: ["accuracy"],
            folds: 2, trials: trials, records: records, wallSeconds: 3, state: .finished, taskFolds: taskFolds)
        summary.nested = nested
        return summary
    }

    static let outcome = NestedOutcome(
        metric: "accuracy", goal: "maximize", innerFolds: 2,
        folds: [
            .init(trial: 1, innerMean: 0.85, score: 0.8, trainRows: 60, testRows: 30),
            .init(trial: 0, innerMean: 0.82, score: 0.7, trainRows: 60, testRows: 30),
        ])

    func json(_ run: RunSummary) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(try BestJSON.render(run).utf8)) as! [String: Any]
    }

    @Test func bestJSONCarriesTheNestedEstimateAndWhatEachOuterFoldChose() throws {
        let best = try json(Self.run(nested: Self.outcome))
        #expect(best["trial"] as? Int == 1 && best["folds"] as? [Double] == [0.9, 0.9], "scored folds only")
        #expect((best["mean"] as? Double).map { abs($0 - 0.9) < 1e-12 } == true)
        let nested = try #require(best["nested"] as? [String: Any])
        #expect((nested["mean"] as? Double).map { abs($0 - 0.75) < 1e-12 } == true)
        #expect((nested["std"] as? Double).map { abs($0 - 0.05) < 1e-12 } == true)
        #expect(nested["folds"] as? [Double] == [0.8, 0.7])
        #expect(nested["chosen"] as? [[String: Double]] == [["C": 10], ["C": 0.1]])
        #expect(nested["trials"] as? [Int] == [1, 0] && nested["inner_means"] as? [Double] == [0.85, 0.82])
        #expect(nested["metric"] as? String == "accuracy" && nested["goal"] as? String == "maximize")
        #expect(nested["note"] is NSNull)
        #expect(try json(Self.run(nested: nil))["nested"] == nil, "a plain sweep's best.json is as it was")
    }

    @Test func anOuterFoldWithoutAScoreLeavesNoEstimateAndSaysWhy() throws {
        var outcome = Self.outcome
        outcome.folds[1] = .init(trial: nil, innerMean: nil, score: nil, trainRows: 60, testRows: 30)
        outcome.note = "outer fold 1: no trial completed its inner CV"
        let run = Self.run(nested: outcome)
        let nested = try #require(try json(run)["nested"] as? [String: Any])
        #expect(nested["mean"] is NSNull && nested["std"] is NSNull)
        #expect((nested["folds"] as? [Any])?.last is NSNull && (nested["chosen"] as? [Any])?.last is NSNull)
        let markdown = MarkdownReport.render(run)
        #expect(markdown.contains("No nested estimate: outer fold 1: no trial completed its inner CV."))
        // The fold that chose nothing is not counted as agreeing with the others.
        #expect(!markdown.contains("Every outer fold chose the same configuration."), "\(markdown)")
        #expect(markdown.contains("Outer fold 1 chose nothing (see the note)."), "\(markdown)")
    }

    @Test func theReportsSetTheNestedEstimateBesideTheInnerBestAndSayWhy() {
        let run = Self.run(nested: Self.outcome)
        let markdown = MarkdownReport.render(run)
        #expect(markdown.contains("## Nested cross-validation"))
        #expect(
            markdown.contains(
                "**Nested estimate accuracy = 0.75 ± 0.05 over 2 outer folds; inner best (trial 1) = 0.9; the inner best overstates it by 0.15**"
            ), "\(markdown)")
        #expect(markdown.contains("biased in its favour") && markdown.contains("what to expect of this procedure"))
        #expect(markdown.contains("| 0 | 1 | `C=10.0` | 0.85 | 0.8 | 60 / 30 |"))
        #expect(markdown.contains("chose 2 different configurations"))
        #expect(markdown.contains("- Tasks: 12 of 12 counted"), "tasks count every task fold")
        let html = HTMLReportTests.render(run)
        let section = HTMLReportTests.section(html, "nested")
        #expect(
            section?.contains("Nested estimate accuracy = 0.75 ± 0.05 over 2 outer folds") == true, "\(section ?? html)"
        )
        #expect(section?.contains("<code>C=10</code>") == true)
        #expect(!MarkdownReport.render(Self.run(nested: nil)).contains("Nested"))
        #expect(HTMLReportTests.section(HTMLReportTests.render(Self.run(nested: nil)), "nested") == nil)
    }

    @Test func resultsCSVSaysWhichOuterFoldATaskBelongsTo() {
        let lines = CSVWriter.results(Self.run(nested: nil, taskFolds: 2)).split(separator: "\n")
        #expect(lines[0].hasPrefix("trial,fold,status,"), "no column for a plain sweep")
        let nested = CSVWriter.results(Self.run(nested: Self.outcome)).split(separator: "\n")
        #expect(nested[0].hasPrefix("trial,fold,outer_fold,status,"))
        #expect(
            nested[1...6].map { $0.split(separator: ",", omittingEmptySubsequences: false)[2] } == [
                "", "", "0", "0", "1", "1",
            ])
    }
}
