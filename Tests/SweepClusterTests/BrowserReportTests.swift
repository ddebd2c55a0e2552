import Foundation
import Glibc
import Testing

/// report.html in a real headless browser (Debian's `chromium`): a real sweep on the iris data,
/// then the page opened from disk, its DOM dumped and its console read, and a screenshot taken.
/// Skipped, with the reason, where chromium is missing or cannot start.
@Suite(.serialized, .enabled(if: Chromium.unavailableReason == nil, "\(Chromium.unavailableReason ?? "")"))
struct BrowserReportTests {
    static let trials = 8
    static let folds = 3

    /// A finished grid sweep of `trials` logistic regressions × `folds` folds on iris.
    static func runIrisSweep() throws -> (directory: URL, out: URL) {
        let directory = try temporaryDirectory()
        let iris = SweepClusterTests.repository.appendingPathComponent("examples/datasets/iris.csv").path
        try """
        name: iris-browser
        data: {path: \(iris), target: target, task: classification}
        cv: {folds: \(folds), stratified: true, shuffle: true, seed: 0}
        trainer: {model: logistic_regression}
        search: {algorithm: grid}
        space: {C: {values: [0.001, 0.01, 0.03, 0.1, 0.3, 1, 10, 100]}}
        objective: {metric: accuracy, goal: maximize}
        """.write(to: directory.appendingPathComponent("spec.yaml"), atomically: true, encoding: .utf8)
        let run = try ChildProcess(["run", "spec.yaml", "--workers", "2", "--out", "out"], directory: directory)
        #expect(run.awaitExit() == 0, "\(run.stderrLines.joined(separator: "\n"))")
        return (directory, directory.appendingPathComponent("out"))
    }

    @Test func theReportOfARealSweepOpensInChromiumWithEveryFigureAndNoConsoleError() throws {
        let (directory, out) = try Self.runIrisSweep()
        let page = out.appendingPathComponent("report.html")
        let source = try String(contentsOf: page, encoding: .utf8)
        for outside in ["<script", "src=\"http", "href=\"http", "@import"] {
            #expect(!source.contains(outside), "report.html fetches nothing and runs nothing: found \(outside)")
        }
        #expect(
            !source.components(separatedBy: "url(").dropFirst().contains { !$0.hasPrefix("#") },
            "url(…) only to the page's own SVG definitions")

        // A page with a script error first: proves the console check sees errors at all.
        let broken = directory.appendingPathComponent("broken.html")
        try "<!DOCTYPE html><p>x</p><script>undefinedFunction()</script>".write(
            to: broken, atomically: true, encoding: .utf8)
        let control = try Chromium.open(broken, scratch: directory)
        #expect(!control.consoleLines.isEmpty, "chromium's console log is read: \(control.stderr.suffix(2000))")

        let loaded = try Chromium.open(page, scratch: directory)
        #expect(loaded.status == 0, "\(loaded.stderr.suffix(2000))")
        #expect(loaded.consoleLines.isEmpty, "console messages: \(loaded.consoleLines)")
        let dom = loaded.stdout
        #expect(dom.contains("<title>Sweep report: iris-browser</title>"))
        for id in ["summary", "best", "all-trials", "failures", "workers"] {
            #expect(dom.contains("<section id=\"\(id)\">"), "section \(id) in the DOM")
        }
        let trialsSection = Self.between(dom, "<section id=\"all-trials\">", "</section>")
        let trialsTable = trialsSection.components(separatedBy: "<h3>Every trial</h3>").last ?? ""
        #expect(Self.count("<tr><td", in: trialsTable) == Self.trials, "one row per trial")
        Self.checkFigures(source: source, dom: dom)

        let screenshot = directory.appendingPathComponent("report.png")
        let shot = try Chromium.screenshot(page, to: screenshot, scratch: directory)
        #expect(shot.status == 0, "\(shot.stderr.suffix(2000))")
        let png = try Data(contentsOf: screenshot)
        #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]), "a PNG")
        #expect(png.count > 20_000, "a page with content, not a blank one (\(png.count) bytes)")
        print("BrowserReportTests: screenshot at \(screenshot.path) (\(png.count) bytes)")
    }

    /// Every figure of the file is in the DOM with as many marks as the file drew (so the SVG
    /// parsed whole) and as many as this sweep should draw; once there are figures, every one
    /// this sweep should have.
    static func checkFigures(source: String, dom: String) {
        let ids = figureIDs(source)
        print("BrowserReportTests: figures \(ids.isEmpty ? "none yet" : ids.joined(separator: ", "))")
        if !ids.isEmpty {
            #expect(Set(ids) == ["history", "parallel", "slice-C", "importance", "folds", "timeline"])
        }
        for id in ids {
            let inFile = count("class=\"mark\"", in: svg(source, id))
            let inDOM = count("class=\"mark\"", in: svg(dom, id))
            #expect(inDOM == inFile, "figure \(id): \(inDOM) marks in the DOM, \(inFile) in the file")
            #expect(inDOM > 0, "figure \(id) has marks")
            #expect(dom.contains("<figure id=\"\(id)\""), "figure \(id) is anchored")
            if let expected = expectedMarks(id) {
                #expect(inDOM == expected, "figure \(id): \(inDOM) marks, \(expected) expected")
            }
        }
    }

    /// The marks a figure of this sweep draws, as the plots draw them: history a point per trial
    /// and the best-so-far line; parallel coordinates and each slice a line or point per trial;
    /// importance a bar per parameter; folds a box and a point per fold for each of the top (at
    /// most 10) trials; the timeline a bar per attempt (a clean run: one per task). Nil: at
    /// least one mark.
    static func expectedMarks(_ id: String) -> Int? {
        switch id {
        case "history": trials + 1
        case "parallel": trials
        case _ where id.hasPrefix("slice-"): trials
        case "importance": 1
        case "folds": min(trials, 10) * (1 + folds)
        case "timeline": trials * folds
        default: nil
        }
    }

    /// The `data-figure` ids of the page, in order.
    static func figureIDs(_ html: String) -> [String] {
        html.components(separatedBy: "data-figure=\"").dropFirst().compactMap { $0.split(separator: "\"").first }
            .map(String.init)
    }

    /// The `<svg …>` element of one figure.
    static func svg(_ html: String, _ id: String) -> String {
        guard let start = html.range(of: "data-figure=\"\(id)\"") else { return "" }
        let rest = html[start.lowerBound...]
        return String(rest[..<(rest.range(of: "</svg>")?.upperBound ?? rest.endIndex)])
    }

    static func between(_ text: String, _ start: String, _ end: String) -> String {
        guard let from = text.range(of: start) else { return "" }
        let rest = text[from.upperBound...]
        return String(rest[..<(rest.range(of: end)?.lowerBound ?? rest.endIndex)])
    }

    static func count(_ needle: String, in text: String) -> Int { text.components(separatedBy: needle).count - 1 }
}

/// Debian's headless chromium, run once per page with its own profile; stdout and stderr go to
/// files (a DOM dump is larger than a pipe holds).
enum Chromium {
    static let path: String? = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first {
        FileManager.default.isExecutableFile(atPath: $0)
    }

    /// Why the browser tests cannot run here, or nil.
    static let unavailableReason: String? = {
        guard path != nil else { return "chromium is not installed (scripts/setup.sh installs it)" }
        do {
            let probe = try run(["--dump-dom", "about:blank"], scratch: temporaryDirectory())
            guard probe.status == 0, probe.stdout.contains("<html") else {
                return "chromium cannot start here (exit \(probe.status)): \(probe.stderr.suffix(400))"
            }
            return nil
        } catch {
            return "chromium cannot start here: \(error)"
        }
    }()

    struct Outcome {
        var status: Int32
        var stdout: String
        var stderr: String
        /// Lines the page wrote to its console (script errors among them): none on a good page.
        var consoleLines: [String] { stderr.split(separator: "\n").filter { $0.contains(":CONSOLE") }.map(String.init) }
    }

    /// Loads the file and dumps its DOM after scripts (none) ran; network lookups fail by rule.
    static func open(_ file: URL, scratch: URL) throws -> Outcome {
        try run(["--enable-logging=stderr", "--v=0", "--dump-dom", file.absoluteString], scratch: scratch)
    }

    static func screenshot(_ file: URL, to png: URL, scratch: URL) throws -> Outcome {
        try run(["--screenshot=\(png.path)", "--window-size=1200,3000", file.absoluteString], scratch: scratch)
    }

    static func run(_ arguments: [String], scratch: URL, timeout: Double = 90) throws -> Outcome {
        let name = UUID().uuidString
        let (outPath, errPath) = (
            scratch.appendingPathComponent("\(name).out"), scratch.appendingPathComponent("\(name).err")
        )
        _ = FileManager.default.createFile(atPath: outPath.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errPath.path, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path ?? "/usr/bin/chromium")
        process.arguments =
            [
                "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-dev-shm-usage",
                "--user-data-dir=\(scratch.appendingPathComponent("profile-\(name)").path)",
                // Nothing resolves but loopback, where the dashboard test serves its live page.
                "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
            ] + arguments
        process.standardOutput = try FileHandle(forWritingTo: outPath)
        process.standardError = try FileHandle(forWritingTo: errPath)
        let done = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in done.signal() }
        try process.run()
        if done.wait(timeout: .now() + timeout) == .timedOut {
            kill(process.processIdentifier, SIGKILL)
            done.wait()
        }
        return Outcome(
            status: process.terminationStatus, stdout: try String(contentsOf: outPath, encoding: .utf8),
            stderr: try String(contentsOf: errPath, encoding: .utf8))
    }
}

/// `sweep report DIR --format html` by the built binary on a sweep that is running, then on the
/// same sweep after its coordinator was killed: the page says which, and shows the failures
/// counted so far with their output tails, escaped.
@Suite(.serialized)
struct HTMLReportClusterTests {
    /// Fold 1 of every odd trial fails, writing markup to stderr.
    static let spec = """
        name: html-states
        cv: {folds: 2}
        trainer: {command: [sh, -c, 'sleep 0.3; if [ "$SWEEP_FOLD" = 1 ] && [ $(( SWEEP_TRIAL % 2 )) = 1 ]; then echo "bad </pre><script>alert(1)</script> input" >&2; exit 3; fi; echo "@sweep {{\\"value\\": $(( {x} * 100 + SWEEP_FOLD ))}}"']}
        search: {algorithm: random, trials: 10, seed: 3}
        space: {x: {int: [1, 1000]}}
        objective: {metric: value, goal: maximize}
        limits: {max_attempts: 1}
        """

    /// Waits until the run database counts a failed task (bounded, polled).
    static func awaitFailure(_ out: URL, timeout: Double = 120) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            let failed =
                (try? RunBook(out).count("SELECT count(*) FROM results WHERE counted = 1 AND status = 'failed'"))
            if (failed ?? 0) > 0 { return true }
            usleep(20_000)
        }
        return false
    }

    @Test func theHTMLReportOfARunningSweepThenOfOneWhoseCoordinatorWasKilled() throws {
        let (coordinator, endpoint, out) = try startCoordinator(Self.spec, heartbeat: "250ms")
        let worker = try ChildProcess([
            "worker", "--connect", endpoint, "--slots", "1", "--name", "w", "--heartbeat", "250ms",
        ])
        defer { worker.stop() }
        #expect(Self.awaitFailure(out))
        let page = out.appendingPathComponent("report.html")
        let running = try ReportClusterTests.report([out.path, "--format", "html"])
        #expect(running.status == 0, "\(running.stderr)")
        #expect(running.stdout == page.path + "\n", "prints where report.html is")
        let snapshot = try String(contentsOf: page, encoding: .utf8)
        let pid = coordinator.process.processIdentifier
        #expect(snapshot.contains("<strong>Running.</strong> The coordinator (pid \(pid) on "))
        #expect(!snapshot.contains("<script"))
        #expect(snapshot.contains("bad &lt;/pre&gt;&lt;script&gt;alert(1)&lt;/script&gt; input"))
        #expect(snapshot.contains("<div class=\"log\" id=\"log-"), "the failed task's output tail")
        #expect(RunBook.awaitCounted(out, atLeast: 8), "the coordinator goes on while and after the report reads")

        coordinator.signal(SIGKILL)
        _ = coordinator.awaitExit()
        let crashed = try ReportClusterTests.report([out.path, "--format", "html"])
        #expect(crashed.status == 0, "\(crashed.stderr)")
        let html = try String(contentsOf: page, encoding: .utf8)
        #expect(html.contains("<strong>Interrupted: incomplete.</strong> The coordinator (pid \(pid) on "))
        #expect(html.contains("<code>sweep resume</code> on this run directory continues it"))
        let failures = BrowserReportTests.between(html, "<section id=\"failures\">", "</section>")
        let rows = BrowserReportTests.count("<tr><td", in: failures)
        #expect(rows > 0 && BrowserReportTests.count("<div class=\"log\"", in: failures) == rows, "a tail per failure")
        #expect(try String(contentsOf: out.appendingPathComponent("report.md"), encoding: .utf8).contains("INCOMPLETE"))
    }
}
