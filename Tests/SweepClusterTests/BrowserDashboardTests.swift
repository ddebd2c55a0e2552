import Foundation
import Testing

/// The live dashboard of a running sweep (`sweep run --http`) in a real headless chromium: the
/// page loads from the coordinator with no console error, says the sweep is running, reloads
/// itself, and shows the plots of what is counted so far. A trainer holds the sweep open on a
/// marker file until the browser is done.
@Suite(.serialized, .enabled(if: Chromium.unavailableReason == nil, "\(Chromium.unavailableReason ?? "")"))
struct BrowserDashboardTests {
    @Test func theLivePageOfARunningSweepOpensInChromium() throws {
        let project = try temporaryDirectory()
        let marker = project.appendingPathComponent("release")
        try PrometheusScrapeTests().makeProject(project, marker: marker)
        let sweep = try ChildProcess(
            ["run", "spec.yaml", "--workers", "1", "--slots", "4", "--out", "run", "--http", "127.0.0.1:0"],
            directory: project)
        defer { sweep.stop() }
        let line = try #require(sweep.awaitLine(containing: "dashboard on http://"), "\(sweep.stderrLines)")
        let address = try #require(line.components(separatedBy: "http://").last?.split(separator: "/").first)
        let page = "http://\(address)/"

        // x = 1 and 2 finish; x = 3 waits for the marker: the history appears while the
        // sweep still runs.
        var loaded = try Chromium.run(["--enable-logging=stderr", "--v=0", "--dump-dom", page], scratch: project)
        let deadline = Date().addingTimeInterval(90)
        while !loaded.stdout.contains("data-figure=\"history\"") && Date() < deadline {
            Thread.sleep(forTimeInterval: 0.5)
            loaded = try Chromium.run(["--enable-logging=stderr", "--v=0", "--dump-dom", page], scratch: project)
        }
        #expect(loaded.status == 0, "\(loaded.stderr.suffix(2000))")
        #expect(loaded.consoleLines.isEmpty, "console messages: \(loaded.consoleLines)")
        let dom = loaded.stdout
        #expect(dom.contains("<title>Sweep report: scraped</title>"), "\(dom.prefix(500))")
        #expect(dom.contains("http-equiv=\"refresh\""), "a running sweep's live page reloads itself")
        #expect(dom.contains("<strong>Running.</strong>"))
        for figure in ["history", "timeline"] {
            #expect(dom.contains("data-figure=\"\(figure)\""), "figure \(figure) on the live page")
        }
        #expect(
            dom.components(separatedBy: "data-figure=\"history\"").last?.components(separatedBy: "</svg>").first?
                .components(separatedBy: "class=\"mark\"").count ?? 0 > 1, "the history has marks")

        let screenshot = project.appendingPathComponent("live.png")
        let shot = try Chromium.run(
            ["--screenshot=\(screenshot.path)", "--window-size=1200,2000", page], scratch: project)
        #expect(shot.status == 0, "\(shot.stderr.suffix(2000))")
        #expect(try Data(contentsOf: screenshot).count > 20_000, "a page with content")

        try Data().write(to: marker)
        #expect(sweep.awaitExit() == 0, "\(sweep.stderrLines.joined(separator: "\n"))")
    }
}
