import Testing

@testable import SweepReport

/// Issue 12 item 10: a paused worker (and other worker-health events) is said in report.md.
struct WorkerHealthReportTests {
    @Test func pausedWorkersAreListedUnderWorkers() {
        var run = ReportFixture.finished
        #expect(!MarkdownReport.render(run).contains("### Worker health"), "nothing to say, nothing said")
        run.healthEvents = ["worker-paused: w2@b: 30 s after 3 failures"]
        let text = MarkdownReport.render(run)
        #expect(text.contains("### Worker health\n\n- worker-paused: w2@b: 30 s after 3 failures\n\n## Failures"))
    }
}
