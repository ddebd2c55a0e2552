import Foundation
import Testing

/// `sweep launch slurm` and cluster/slurm/sweep-workers.sbatch against a real Slurm (one node on
/// this machine, started once for the suite): the best trial, the workers' names slurm-JOB-INDEX,
/// and nothing left in squeue or among the processes afterwards, also after SIGINT mid-sweep.
@Suite(
    .serialized, .enabled(if: SlurmSingleNode.unavailableReason == nil, "\(SlurmSingleNode.unavailableReason ?? "")"),
    .singleNodeSlurm)
struct SlurmClusterTests {
    static let iris = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("examples/iris-logreg.yaml")

    /// `sweep ARGUMENTS` with this suite's Slurm (and `extra` environment) in its environment.
    static func sweep(_ slurm: SlurmSingleNode, _ arguments: [String], extra: [String] = [], directory: URL)
        throws -> ChildProcess
    {
        try ChildProcess(
            slurm.environment + extra + [ChildProcess.sweepBinary.path] + arguments, directory: directory,
            executable: URL(fileURLWithPath: "/usr/bin/env"))
    }

    /// The job id from "submitted Slurm job array ID: …".
    static func jobID(_ process: ChildProcess) throws -> String {
        let line = try #require(process.awaitLine(containing: "submitted Slurm job array"))
        let after = try #require(line.components(separatedBy: "submitted Slurm job array ").last)
        return String(after.prefix { $0.isNumber })
    }

    /// What a finished launch must leave: nothing in squeue, no worker of the array running.
    static func expectNothingLeft(_ slurm: SlurmSingleNode, job: String) {
        #expect(slurm.queue.isEmpty, "squeue after the sweep: \(slurm.queue)")
        #expect(awaitCondition(timeout: 30) { sweepWorkers(naming: "slurm-\(job)-").isEmpty }, "no worker left")
    }

    /// The default bind (every interface, fresh keys): workers reach this host by its name and
    /// are admitted with the sweep's keys; the array is cancelled when the sweep ends.
    @Test func launchRunsASweepOnAJobArray() throws {
        let slurm = try #require(SlurmSingleNode.current)
        let directory = try temporaryDirectory()
        let out = directory.appendingPathComponent("run")
        let launch = try Self.sweep(
            slurm, ["launch", "slurm", Self.iris.path, "--workers", "2", "--out", out.path], directory: directory)
        defer { launch.stop() }
        let job = try Self.jobID(launch)
        #expect(launch.awaitExit(timeout: 180) == 0, "\(launch.stderrLines.suffix(15).joined(separator: "\n"))")
        #expect(launch.stdout.contains("best: trial 4 C=10 max_iter=200 — accuracy 0.9800"), "\(launch.stdout)")
        #expect(
            launch.stderrLines.contains { $0.contains("cancelled Slurm job array \(job); squeue lists none of it") })
        let workers = Set(try readResults(out).map { $0["worker"] ?? "" })
        #expect(!workers.isEmpty && workers.isSubset(of: ["slurm-\(job)-0", "slurm-\(job)-1"]), "\(workers)")
        let report = try String(contentsOf: out.appendingPathComponent("report.md"), encoding: .utf8)
        #expect(workers.allSatisfy { report.contains("| \($0) |") })
        let script = try String(contentsOf: out.appendingPathComponent("launch/slurm-workers.sh"), encoding: .utf8)
        #expect(script.contains("--key \(out.path)/launch/keys/worker.key_secret"), "keyed workers: \(script)")
        #expect(!script.contains("secret-key"), "key files by path, never their contents")
        Self.expectNothingLeft(slurm, job: job)
    }

    /// SIGINT (or SIGTERM) mid-sweep on a loopback bind (no keys): the array is cancelled, squeue
    /// is empty and the process exits. Three 2-CPU workers on a 2-CPU node: two wait, and the
    /// progress line says so.
    @Test(arguments: [SIGINT, SIGTERM])
    func interruptCancelsTheArray(_ signal: Int32) throws {
        let slurm = try #require(SlurmSingleNode.current)
        let directory = try temporaryDirectory()
        try noopSpec(trials: 40, sleep: 0.5).write(
            to: directory.appendingPathComponent("spec.yaml"), atomically: true, encoding: .utf8)
        let out = directory.appendingPathComponent("run")
        let launch = try Self.sweep(
            slurm,
            [
                "launch", "slurm", "spec.yaml", "--workers", "3", "--slots", "2", "--bind", "tcp://127.0.0.1:*",
                "--out", out.path, "--heartbeat", "250ms",
            ], directory: directory)
        defer { launch.stop() }
        let job = try Self.jobID(launch)
        #expect(launch.awaitLine(containing: "2 workers pending in Slurm (Resources)") != nil)
        let counted = awaitCondition(timeout: 60) {
            launch.stderrLines.contains {
                $0.range(of: #"\] [1-9][0-9]*/80 tasks"#, options: .regularExpression) != nil
            }
        }
        #expect(counted, "\(launch.stderrLines.suffix(10).joined(separator: "\n"))")
        launch.signal(signal)
        let status = launch.awaitExit(timeout: 120)
        #expect(status == 1, "the launch exits (incomplete) after signal \(signal)")
        #expect(launch.stderrLines.contains { $0.contains("cancelling Slurm job array \(job) (scancel") })
        #expect(launch.stderrLines.contains { $0.contains("cancelled Slurm job array \(job)") })
        #expect(launch.stderrLines.contains { $0.contains("stopped before the sweep finished") })
        Self.expectNothingLeft(slurm, job: job)
    }

    /// A loopback launch of 12 short trials on one 2-slot worker, returned once that worker joined.
    static func launchUntilAWorkerJoined(_ slurm: SlurmSingleNode) throws -> (
        launch: ChildProcess, directory: URL, out: URL, job: String
    ) {
        let directory = try temporaryDirectory()
        try noopSpec(trials: 12, sleep: 0.3).write(
            to: directory.appendingPathComponent("spec.yaml"), atomically: true, encoding: .utf8)
        let out = directory.appendingPathComponent("run")
        let launch = try Self.sweep(
            slurm,
            [
                "launch", "slurm", "spec.yaml", "--workers", "1", "--slots", "2", "--bind", "tcp://127.0.0.1:*",
                "--out", out.path, "--heartbeat", "250ms",
            ], directory: directory)
        let job = try Self.jobID(launch)
        #expect(launch.awaitLine(containing: "worker joined: slurm-\(job)-0") != nil)
        return (launch, directory, out, job)
    }

    /// A resume's array (`job`) finishes that sweep, runs its tasks, and is cancelled at its end.
    static func expectResumeFinishes(_ resume: ChildProcess, out: URL, slurm: SlurmSingleNode, job: String) throws {
        #expect(resume.awaitExit(timeout: 180) == 0, "\(resume.stderrLines.suffix(10).joined(separator: "\n"))")
        #expect(resume.stdout.contains("best: trial 11 score=11"), "\(resume.stdout)")
        #expect(try readResults(out).contains { $0["worker"] == "slurm-\(job)-0" })
        Self.expectNothingLeft(slurm, job: job)
    }

    /// `sweep resume` of an interrupted launch submits a new array through the same options; the
    /// sweep finishes on it, and it is cancelled at the end like the first.
    @Test func resumeSubmitsANewArray() throws {
        let slurm = try #require(SlurmSingleNode.current)
        let (launch, directory, out, first) = try Self.launchUntilAWorkerJoined(slurm)
        defer { launch.stop() }
        launch.signal(SIGINT)
        #expect(launch.awaitExit(timeout: 120) == 1)
        Self.expectNothingLeft(slurm, job: first)
        let resume = try Self.sweep(slurm, ["resume", out.path, "--heartbeat", "250ms"], directory: directory)
        defer { resume.stop() }
        let second = try Self.jobID(resume)
        #expect(second != first)
        try Self.expectResumeFinishes(resume, out: out, slurm: slurm, job: second)
    }

    /// A SIGKILLed launcher cannot cancel its array; the resume finds that array still running
    /// (it would hold the node's CPUs, its workers knocking at the old port), cancels it, and
    /// finishes the sweep on a new one.
    @Test func resumeCancelsTheArrayOfAKilledLauncher() throws {
        let slurm = try #require(SlurmSingleNode.current)
        let (launch, directory, out, first) = try Self.launchUntilAWorkerJoined(slurm)
        defer { launch.stop() }
        launch.signal(SIGKILL)
        _ = launch.awaitExit(timeout: 30)
        #expect(!slurm.queue.isEmpty, "the killed launcher's array still runs")
        let resume = try Self.sweep(slurm, ["resume", out.path, "--heartbeat", "250ms"], directory: directory)
        defer { resume.stop() }
        #expect(resume.awaitLine(containing: "Slurm job array \(first) of an earlier launch") != nil)
        let second = try Self.jobID(resume)
        try Self.expectResumeFinishes(resume, out: out, slurm: slurm, job: second)
        Self.expectNothingLeft(slurm, job: first)
    }

    /// The plain batch script against `sweep coordinator`: named workers finish the sweep and
    /// stay for the next one until scancel, whose SIGTERM reaches them (exec) and they drain.
    @Test func plainBatchScriptServesACoordinator() throws {
        let slurm = try #require(SlurmSingleNode.current)
        let (coordinator, endpoint, out) = try startCoordinator(noopSpec(trials: 6, sleep: 0.2), heartbeat: "250ms")
        defer { coordinator.stop() }
        let logs = try temporaryDirectory()
        let submit = slurm.client([
            "SWEEP_BIN=\(ChildProcess.sweepBinary.path)", "sbatch", "--parsable", "--array=0-1",
            "--output=\(logs.path)/w-%A_%a.log", SlurmSingleNode.sbatchScript.path, endpoint, "--heartbeat", "250ms",
        ])
        #expect(submit.status == 0, "\(submit.stderr)")
        let job = submit.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        defer { _ = slurm.client(["scancel", job]) }
        #expect(
            coordinator.awaitExit(timeout: 120) == 0, "\(coordinator.stderrLines.suffix(10).joined(separator: "\n"))")
        #expect(coordinator.stdout.contains("best: trial 5 score=5"), "\(coordinator.stdout)")
        let workers = Set(try readResults(out).map { $0["worker"] ?? "" })
        #expect(!workers.isEmpty && workers.isSubset(of: ["slurm-\(job)-0", "slurm-\(job)-1"]), "\(workers)")
        #expect(slurm.queue.contains("\(job)_0"), "workers stay for the next sweep until cancelled")
        #expect(slurm.client(["scancel", job]).status == 0)
        #expect(slurm.awaitEmptyQueue(), "squeue after scancel: \(slurm.queue)")
        Self.expectNothingLeft(slurm, job: job)
        let log = try String(contentsOf: logs.appendingPathComponent("w-\(job)_0.log"), encoding: .utf8)
        #expect(log.contains("worker slurm-\(job)-0 stopped"), "the worker drained on scancel's SIGTERM: \(log)")
    }
}
