import Foundation
import Testing

@testable import SweepCore
@testable import SweepReport

/// `report.html` rendered from hand-built summaries: one self-contained page whose every user
/// string is escaped and every number has 4 significant digits, in every state a sweep can be in.
@Suite struct HTMLReportTests {
    static func render(
        _ run: RunSummary, details: ReportDetails = ReportDetails(startedAt: 1_764_756_000),
        statistics: SelectionStatistics? = nil, importance: ParameterImportance? = nil, figures: [Figure] = [],
        live: Bool = false
    ) -> String {
        HTMLReport.render(
            summary: run, details: details, statistics: statistics, importance: importance, figures: figures,
            live: live)
    }

    /// The text of the section with this id (up to its end).
    static func section(_ html: String, _ id: String) -> String? {
        guard let start = html.range(of: "<section id=\"\(id)\">") else { return nil }
        let rest = html[start.upperBound...]
        return String(rest[..<(rest.range(of: "</section>")?.lowerBound ?? rest.endIndex)])
    }

    static func occurrences(_ needle: String, in text: String) -> Int { text.components(separatedBy: needle).count - 1 }

    @Test func aFinishedSweepIsOneSelfContainedPageWithEverySection() throws {
        let html = Self.render(ReportFixture.finished)
        #expect(html.hasPrefix("<!DOCTYPE html>\n<html lang=\"en\">"))
        #expect(html.hasSuffix("</html>\n"))
        for forbidden in ["<script", "http://", "https://", "src=", "@import", "url("] {
            #expect(!html.contains(forbidden), "a self-contained page has no \(forbidden)")
        }
        #expect(!html.contains("http-equiv=\"refresh\""), "only the live page reloads")
        for id in ["summary", "best", "early-stopping", "all-trials", "failures", "workers"] {
            #expect(Self.section(html, id) != nil, "section \(id)")
            #expect(html.contains("<a href=\"#\(id)\">"), "the table of contents links \(id)")
        }
        #expect(html.contains("<strong>Finished.</strong>"))
        let best = try #require(Self.section(html, "best"))
        #expect(best.contains("Trial 1: <code>C=1 fold=1 kernel=linear shrink=true</code>"))
        #expect(best.contains("<strong>0.75 ± 0</strong> (runner-up trial 5: 0.75; margin 0)"))
        #expect(best.contains("the refitted model scores <code>accuracy</code> = <strong>0.875</strong>"))
        #expect(best.contains("saved as <code>model.json</code>"))
        let stopped = try #require(Self.section(html, "early-stopping"))
        #expect(stopped.contains("paired t-test p=0.01 | worse than trial 1"))
        #expect(stopped.contains("2 fold fits saved (1 never ran, 1 cancelled while running)"))
        let failures = try #require(Self.section(html, "failures"))
        #expect(failures.contains("exit 1: bad | input\nsecond line"))
        let workers = try #require(Self.section(html, "workers"))
        #expect(workers.contains("<code>w2</code>") && workers.contains("<code>w1</code>"))
    }

    @Test func hostileStringsAreEscapedEverywhere() throws {
        let hostile = "</pre><script>alert('x')</script>&"
        let trial = Trial(number: 0, params: Params(["k\(hostile)": .string(hostile)]))
        let records = [
            TaskID(trial: 0, fold: 0): TaskRecord(
                task: TaskID(trial: 0, fold: 0), status: .failed, worker: "w\(hostile)", host: "h\(hostile)",
                attempt: 1, duration: 1, metrics: [:], error: hostile)
        ]
        var run = RunSummary(
            name: "n\(hostile)", objective: Objective(metric: "m\(hostile)", goal: .maximize),
            metricNames: ["m\(hostile)"], folds: 1, trials: [trial], records: records, wallSeconds: 1,
            state: .interrupted(coordinator: hostile))
        run.algorithm = hostile
        run.searchEnded = hostile
        run.healthEvents = [hostile]
        let details = ReportDetails(
            startedAt: 0, events: [ReportDetails.Event(at: 1, kind: hostile, detail: hostile)],
            logTails: [TaskID(trial: 0, fold: 0): "line 1\n\(hostile)"])
        let figure = Figure(id: "x\"><script>", title: hostile, caption: hostile, svg: "<svg data-figure=\"x\"></svg>")
        let importance = ParameterImportance(method: hostile, values: [(name: hostile, importance: 1)])
        let html = Self.render(run, details: details, importance: importance, figures: [figure])
        #expect(!html.contains("<script"), "\(html)")
        #expect(!html.contains("</pre><script"))
        #expect(html.contains("&lt;/pre&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;"))
        #expect(html.contains("<title>Sweep report: n&lt;/pre&gt;"))
        #expect(html.contains("<pre>line 1\n&lt;/pre&gt;"), "the log tail, escaped in its <pre>")
        #expect(Self.occurrences("<pre>", in: html) == Self.occurrences("</pre>", in: html))
    }

    @Test func numbersHaveFourSignificantDigits() throws {
        let trials = (0..<2).map { Trial(number: $0, params: Params(["lr": .double(0.000123456789 * Double($0 + 1))])) }
        var records: [TaskID: TaskRecord] = [:]
        for trial in 0..<2 {
            for fold in 0..<2 {
                let task = TaskID(trial: trial, fold: fold)
                records[task] = TaskRecord(
                    task: task, status: .ok, worker: "w", host: "h", attempt: 1, duration: 1.23456789,
                    metrics: ["loss": 0.123456789 + Double(trial) + Double(fold) * 0.0101010101], error: nil)
            }
        }
        let run = RunSummary(
            name: "digits", objective: Objective(metric: "loss", goal: .minimize), metricNames: ["loss"], folds: 2,
            trials: trials, records: records, wallSeconds: 15.142857, state: .finished)
        let html = Self.render(run)
        #expect(html.contains("15.14 s"))
        #expect(html.contains("0.1285 ± 0.005051"), "mean and std of trial 0")
        #expect(html.contains("0.0001235"), "a parameter value")
        #expect(html.contains("4.938"), "busy seconds")
        for sixDigits in ["0.123457", "15.1429", "0.000123457", "1.23457"] { #expect(!html.contains(sixDigits)) }
    }

    @Test func aRunningSweepIsASnapshotOrALivePage() throws {
        var run = ReportFixture.interrupted
        run = RunSummary(
            name: run.name, objective: run.objective, metricNames: run.metricNames, folds: run.folds,
            trials: run.trials, records: run.records, wallSeconds: 2, state: .running(coordinator: "pid 7 on h"))
        let snapshot = Self.render(run)
        #expect(snapshot.contains("<strong>Running.</strong> The coordinator (pid 7 on h) is still counting tasks."))
        #expect(snapshot.contains("This page is a snapshot"))
        #expect(snapshot.contains("2 s so far"))
        #expect(snapshot.contains("not finished yet"))
        #expect(!snapshot.contains("http-equiv"))
        let live = Self.render(run, live: true)
        #expect(live.contains("<meta http-equiv=\"refresh\" content=\"\(HTMLReport.refreshSeconds)\">"))
        #expect(live.contains("reloads itself every \(HTMLReport.refreshSeconds) s"))
        #expect(!live.contains("<script"))
        #expect(!Self.render(ReportFixture.finished, live: true).contains("http-equiv"), "a finished page stays")
    }

    @Test func anInterruptedSweepSaysWhatToDo() throws {
        let html = Self.render(ReportFixture.interrupted)
        #expect(html.contains("<p class=\"state bad\"><strong>Interrupted: incomplete.</strong>"))
        #expect(html.contains("(pid 4242 on host-a) ended without finishing the sweep"))
        #expect(html.contains("<code>sweep resume</code> on this run directory continues it"))
        #expect(html.contains("3.25 s until the coordinator's last record"))
        #expect(try #require(Self.section(html, "best")).contains("No trial has succeeded yet."))
    }

    /// A fail-fast stop was reported as "stopped on request" (found by using it as a user).
    @Test func aSweepThatFailedFastSaysSoNotStoppedOnRequest() throws {
        let early = ReportFixture.records.filter { $0.key.fold == 0 }
        var run = RunSummary(
            name: "golden", objective: ReportFixture.objective, metricNames: ["accuracy"], folds: 3,
            trials: ReportFixture.trials, records: early, wallSeconds: 2, state: .stopped)
        run.healthEvents = ["failed-fast: 5 of the first 5 attempts failed (limits.fail_fast)"]
        let html = Self.render(run)
        #expect(html.contains("<p class=\"state bad\"><strong>Failed fast.</strong>"))
        #expect(html.contains("failed fast: 5 of the first 5 attempts failed (limits.fail_fast)"))
        #expect(!html.contains("stopped on request"))
        run.healthEvents = []
        #expect(Self.render(run).contains("stopped on request"))
    }

    @Test func aMultiObjectiveSweepShowsItsParetoFront() throws {
        let html = Self.render(ObjectivesFixture.run())
        let front = try #require(Self.section(html, "pareto-front"))
        #expect(front.contains("3 trials are not beaten on every objective"))
        for trial in [0, 1, 4] { #expect(front.contains("<tr><td class=\"num\">\(trial)</td>")) }
        #expect(!front.contains("<tr><td class=\"num\">3</td>"), "trial 3 misses the constraint")
        #expect(html.contains("Objectives</dt><dd>maximize <code>accuracy</code>, minimize <code>fit_seconds</code>"))
        #expect(html.contains("<code>model_bytes</code> ≤ 1,000 (4 of 5 succeeded trials meet them)"))
        let trials = try #require(Self.section(html, "all-trials"))
        #expect(trials.contains("missed: <code>model_bytes</code> 5,000 &gt; 1,000"))
    }

    @Test func aSweepWithoutTrialsStillRenders() throws {
        let run = RunSummary(
            name: "empty", objective: Objective(metric: "accuracy", goal: .maximize), metricNames: ["accuracy"],
            folds: 3, trials: [], records: [:], wallSeconds: 0, state: .running(coordinator: "pid 1 on h"))
        let html = Self.render(run)
        #expect(try #require(Self.section(html, "best")).contains("No trial has been suggested yet."))
        #expect(try #require(Self.section(html, "all-trials")).contains("No trial has been suggested yet."))
        #expect(try #require(Self.section(html, "workers")).contains("No task has been given to a worker yet."))
        #expect(html.contains("<dt>Workers</dt><dd>none yet</dd>"))
        #expect(Self.section(html, "figures") == nil && Self.section(html, "early-stopping") == nil)
    }

    @Test func theStatisticsAreSaidInWords() throws {
        let statistics = SelectionStatistics(
            best: 1, standardError: 0.0123456,
            comparisons: [
                .init(trial: 5, sharedFolds: 3, meanAdvantage: 0, t: nil, pValue: nil, withinOneStandardError: true),
                .init(
                    trial: 0, sharedFolds: 3, meanAdvantage: 0.000012345678, t: 0.5, pValue: 0.6666666,
                    withinOneStandardError: true),
                .init(
                    trial: 2, sharedFolds: 2, meanAdvantage: 0.1, t: 9, pValue: 0.01234567,
                    withinOneStandardError: false),
            ], withinOneStandardError: [1, 5, 0], simplest: 0, simplestReason: "the smallest C")
        let best = try #require(Self.section(Self.render(ReportFixture.finished, statistics: statistics), "best"))
        #expect(best.contains("Trials 1, 5 and 0 are within one standard error (0.01235) of the best"))
        #expect(best.contains("the simplest of them is <strong>trial 0</strong> (<code>C=0.1 fold=1 kernel=rbf"))
        #expect(best.contains(": the smallest C."))
        #expect(
            best.contains(
                "better than trial 2 at the 5 % level, but <strong>not distinguishable</strong> from trials 5 and 0"))
        #expect(best.contains("<td class=\"num\">1.235e-05</td>"))
        #expect(best.contains("these p-values are optimistic (Nadeau &amp; Bengio 2003)"))
        #expect(best.contains("<td class=\"num\">0.6667</td>") && best.contains("<td class=\"num\">0.01235</td>"))
        let alone = SelectionStatistics(
            best: 1, standardError: 0.5,
            comparisons: [
                .init(trial: 2, sharedFolds: 3, meanAdvantage: 1, t: 9, pValue: 0.001, withinOneStandardError: false)
            ], withinOneStandardError: [1])
        let words = try #require(Self.section(Self.render(ReportFixture.finished, statistics: alone), "best"))
        #expect(words.contains("No other trial is within one standard error (0.5) of the best's mean."))
        #expect(words.contains("the best is better than trial 2 at the 5 % level."))
    }

    @Test func figuresAndImportanceAreAnchoredAndListed() throws {
        let figures = [
            Figure(
                id: "history", title: "Optimization history",
                caption: "Objective per trial; the line is the best so far.",
                svg: "<svg data-figure=\"history\"><circle class=\"mark\"/></svg>"),
            Figure(id: "slice-C", title: "Slice: C", caption: "C < 1 wins", svg: "<svg data-figure=\"slice-C\"></svg>"),
        ]
        let importance = ParameterImportance(
            method: "fANOVA on a random-forest surrogate",
            values: [(name: "C", importance: 0.87654), (name: "kernel", importance: 0.1)])
        let html = Self.render(ReportFixture.finished, importance: importance, figures: figures)
        let plots = try #require(Self.section(html, "figures"))
        #expect(
            plots.contains(
                "<figure id=\"history\" class=\"plot\">\n<h3>Optimization history</h3>\n<svg data-figure=\"history\">"))
        #expect(plots.contains("<figcaption>C &lt; 1 wins</figcaption>"))
        #expect(html.contains("<li><a href=\"#history\">Optimization history</a></li><li><a href=\"#slice-C\">"))
        let values = try #require(Self.section(html, "importance-values"))
        #expect(values.contains("by fANOVA on a random-forest surrogate."))
        #expect(values.contains("<td><code>C</code></td><td class=\"num\">0.8765</td>"))
    }

    @Test func aHugeSweepShowsItsBestTrialsAndSaysWhereTheRestAre() throws {
        let trials = (0..<250).map { Trial(number: $0, params: Params(["x": .int($0)])) }
        let records = Dictionary(
            uniqueKeysWithValues: trials.map { trial in
                let task = TaskID(trial: trial.number, fold: 0)
                return (
                    task,
                    TaskRecord(
                        task: task, status: .ok, worker: "w", host: "h", attempt: 1, duration: 1,
                        metrics: ["y": Double(trial.number)], error: nil)
                )
            })
        let run = RunSummary(
            name: "big", objective: Objective(metric: "y", goal: .maximize), metricNames: ["y"], folds: 1,
            trials: trials, records: records, wallSeconds: 1, state: .finished)
        let section = try #require(Self.section(Self.render(run), "all-trials"))
        #expect(section.contains("(250 trials in all); the last 50 of 250:"))
        let table = try #require(section.components(separatedBy: "<h3>Every trial</h3>").last)
        #expect(Self.occurrences("<tr><td", in: table) == HTMLSections.trialRowLimit)
        #expect(table.contains("<tr><td class=\"num\">1</td><td class=\"num\">249</td>"), "the best first")
        #expect(table.contains("The best 200 of 250 trials are shown; <code>trials.csv</code>"))
    }

    @Test func aTrialStoppedAtAStepShowsTheValueItWasStoppedAt() throws {
        let trials = (0..<2).map { Trial(number: $0, params: Params(["lr": .double(0.1 * Double($0 + 1))])) }
        let first = TaskID(trial: 0, fold: 0)
        let stopped = TaskID(trial: 1, fold: 0)
        let records = [
            first: TaskRecord(
                task: first, status: .ok, worker: "w", host: "h", attempt: 1, duration: 1, metrics: ["loss": 0.25],
                error: nil),
            stopped: TaskRecord(
                task: stopped, status: .pruned, worker: "w", host: "h", attempt: 1, duration: 1, metrics: [:],
                error: "stopped by asha"),
        ]
        var run = RunSummary(
            name: "asha", objective: Objective(metric: "loss", goal: .minimize), metricNames: ["loss"], folds: 1,
            trials: trials, records: records, wallSeconds: 1, state: .finished)
        run.stops = [
            StoppedTrial(
                decision: StopDecision(trial: 1, rule: .asha, fold: 0, step: 9, reason: "rung 1: ranked 2 of 2"),
                dropped: 0, cancelled: 1)
        ]
        let details = ReportDetails(
            startedAt: 0,
            intermediate: [
                .init(task: stopped, step: 3, value: 0.9), .init(task: stopped, step: 9, value: 0.4321987),
            ])
        let html = Self.render(run, details: details)
        let trialsTable = try #require(Self.section(html, "all-trials"))
        #expect(trialsTable.contains("<td class=\"num\">0.4322 (at step 9)</td>"))
        let decisions = try #require(Self.section(html, "early-stopping"))
        #expect(decisions.contains("<td>fold 0, step 9</td><td class=\"num\">0.4322</td>"))
        #expect(decisions.contains("2 intermediate values reported by 1 trial."))
    }
}

@Suite struct HTMLListTests {
    /// A sweep of ties named all 2,999 runners-up in one sentence.
    @Test func aLongListNamesTheFirstItemsAndCountsTheRest() {
        let items = (0..<3000).map(String.init)
        #expect(HTMLText.list(items) == "0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11 and 2,988 more")
        #expect(HTMLText.list(["3", "4", "5"]) == "3, 4 and 5")
    }
}
