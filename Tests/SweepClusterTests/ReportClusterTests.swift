import Foundation
import Glibc
import Testing

/// `sweep report`: the run directory's files regenerated from run.db, by the built binary, for a
/// finished sweep, a running one and one whose coordinator was killed.
@Suite(.serialized)
struct ReportClusterTests {
    static let files = ["report.md", "trials.csv", "results.csv", "best.json", "spec.yaml"]

    static func read(_ directory: URL) throws -> [String] {
        try files.map { try String(contentsOf: directory.appendingPathComponent($0), encoding: .utf8) }
    }

    /// Runs `sweep report ARGUMENTS` to its end: its exit status, all of its stdout, and its stderr.
    static func report(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        let process = Process()
        process.executableURL = ChildProcess.sweepBinary
        process.arguments = ["report"] + arguments
        let (out, err) = (Pipe(), Pipe())
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()  // a report's stderr is a line at most: no deadlock
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (
            process.terminationStatus, String(decoding: stdout, as: UTF8.self), String(decoding: stderr, as: UTF8.self)
        )
    }

    @Test func reportRewritesExactlyWhatTheEndOfTheSweepWrote() throws {
        let directory = try temporaryDirectory()
        try """
        data: {path: \(SweepClusterTests.repository.appendingPathComponent("examples/datasets/iris.csv").path), target: target, task: classification}
        cv: {folds: 3, test_size: 0.2}
        trainer: {model: logistic_regression}
        space: {C: {values: [0.1, 1, 10]}}
        """.write(to: directory.appendingPathComponent("spec.yaml"), atomically: true, encoding: .utf8)
        let run = try ChildProcess(["run", "spec.yaml", "--workers", "2", "--out", "out"], directory: directory)
        #expect(run.awaitExit() == 0, "\(run.stderrLines.joined(separator: "\n"))")
        let out = directory.appendingPathComponent("out")
        let written = try Self.read(out)
        #expect(written[0].contains("held-out rows") && written[0].contains("saved as `model.json`"))
        // The spec file changes afterwards: the copy stays the spec that ran.
        try "name: changed\n".write(
            to: directory.appendingPathComponent("spec.yaml"), atomically: true, encoding: .utf8)
        for file in Self.files { try FileManager.default.removeItem(at: out.appendingPathComponent(file)) }

        let report = try Self.report([out.path])
        #expect(report.status == 0, "\(report.stderr)")
        #expect(try Self.read(out) == written)
        #expect(report.stdout == written[0])
        let json = try Self.report([out.path, "--format", "json"])
        #expect(json.status == 0 && json.stdout == written[3])
    }

    @Test func reportOfARunningSweepThenOfOneWhoseCoordinatorWasKilled() throws {
        let (coordinator, endpoint, out) = try startCoordinator(
            ReliabilityClusterTests.spec(trials: 6, folds: 2, sleep: 0.1),
            heartbeat: "250ms")
        let worker = try ChildProcess([
            "worker", "--connect", endpoint, "--slots", "1", "--name", "w", "--heartbeat", "250ms",
        ])
        defer { worker.stop() }
        #expect(RunBook.awaitCounted(out, atLeast: 2))
        let running = try Self.report([out.path])
        #expect(running.status == 0, "\(running.stderr)")
        #expect(
            running.stdout.contains(
                "the sweep is still running (coordinator pid \(coordinator.process.processIdentifier) on "))
        #expect(RunBook.awaitCounted(out, atLeast: 4), "the coordinator goes on while and after the report reads")

        coordinator.signal(SIGKILL)
        _ = coordinator.awaitExit()
        let crashed = try Self.report([out.path])
        #expect(crashed.status == 0, "\(crashed.stderr)")
        let text = try String(contentsOf: out.appendingPathComponent("report.md"), encoding: .utf8)
        #expect(text == crashed.stdout)
        #expect(
            text.contains("counted — INCOMPLETE: the coordinator (pid \(coordinator.process.processIdentifier) on "))
        #expect(text.contains("(it crashed or was killed); `sweep resume` on this run directory continues it"))

        let resumed = try ChildProcess(["resume", out.path, "--heartbeat", "250ms"])
        #expect(resumed.awaitExit() == 0, "\(resumed.stderrLines.joined(separator: "\n"))")
        let finished = try String(contentsOf: out.appendingPathComponent("report.md"), encoding: .utf8)
        #expect(finished.contains("- Tasks: 12 of 12 counted\n"))
    }

    @Test func reportOfADirectoryWithoutARunDatabaseExitsWith2() throws {
        let directory = try temporaryDirectory()
        let report = try Self.report([directory.path])
        #expect(report.status == 2 && report.stderr.contains("has no run.db"), "\(report.stderr)")
    }
}

/// best.json, parsed.
func readBestJSON(_ directory: URL) throws -> [String: Any] {
    let data = try Data(contentsOf: directory.appendingPathComponent("best.json"))
    return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
}
