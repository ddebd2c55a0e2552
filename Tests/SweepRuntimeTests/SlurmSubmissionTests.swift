import Foundation
import Testing

@testable import SweepRuntime

/// The sbatch command line and batch script of `sweep launch slurm`, without Slurm: the script
/// is run by /bin/sh with a stand-in for the sweep binary that prints the arguments it got.
@Suite struct SlurmSubmissionTests {
    static func submission(gpus: Int = 0, keyed: Bool = true, extra: [String] = []) -> SlurmSubmission {
        SlurmSubmission(
            workers: 4, slotsPerWorker: 2, gpusPerWorker: gpus, jobName: "sweep-iris",
            launchDirectory: "/runs/r 1/launch",
            extraArguments: extra, executable: "/opt/sweep bin/sweep",
            keys: keyed
                ? .init(
                    workerSecret: "/runs/r 1/launch/keys/worker.key_secret",
                    coordinatorPublic: "/runs/r 1/launch/keys/coordinator.key") : nil,
            heartbeat: "1s", logLevel: "info")
    }

    @Test func sbatchAsksForOneArrayWithTheWorkersResources() {
        let arguments = Self.submission(gpus: 2, extra: ["--partition=gpu", "--output=/tmp/x.log"]).sbatchArguments
        #expect(
            arguments == [
                "--parsable", "--array=0-3", "--cpus-per-task=2", "--gres=gpu:2", "--job-name=sweep-iris",
                "--output=/runs/r 1/launch/slurm-%A_%a.log", "--partition=gpu", "--output=/tmp/x.log",
                "/runs/r 1/launch/slurm-workers.sh",
            ])
        let plain = Self.submission().sbatchArguments
        #expect(!plain.contains { $0.hasPrefix("--gres") }, "no GPUs asked for unless --gpus-per-worker")
        let dry = Self.submission(extra: ["--partition=nope"]).testOnlyArguments
        #expect(dry.first == "--test-only" && dry.last == "--wrap=true" && dry.contains("--partition=nope"))
        #expect(!dry.contains("--parsable"))
    }

    @Test func jobIDsAndNames() {
        #expect(SlurmSubmission.jobID(fromParsable: "42\n") == "42")
        #expect(SlurmSubmission.jobID(fromParsable: "42;cluster-a\n") == "42")
        #expect(SlurmSubmission.jobID(fromParsable: "sbatch: warning: x\n17\n") == "17")
        #expect(SlurmSubmission.jobID(fromParsable: "") == nil)
        #expect(SlurmSubmission.jobID(fromParsable: "Submitted batch job 42") == nil)
        #expect(SlurmSubmission.jobName(sweep: "iris logreg/ü") == "sweep-iris-logreg--")
    }

    @Test func optionsThatWouldBreakTheArrayAreRefused() {
        for argument in ["--array=0-9", "-a0-9", "--wrap=ls", "--parsable", "--test-only"] {
            let problem = SlurmSubmission.reservedOptionProblem([argument])
            #expect(problem?.contains("--workers") == true, "\(argument)")
        }
        // Options that would hang the launcher, hide the logs it names, rename the array it cancels
        // by name, or contradict --slots (found by trying them against a real Slurm).
        let others = [
            ("--wait", "would not return"), ("-W", "would not return"), ("--output=/tmp/x.log", "RUN/launch"),
            ("-o/tmp/x", "RUN/launch"), ("--error=e.log", "RUN/launch"), ("--job-name=foo", "scancel --name"),
            ("-Jfoo", "scancel --name"), ("--cpus-per-task=2", "--slots"), ("-c2", "--slots"),
        ]
        for (argument, why) in others {
            let problem = SlurmSubmission.reservedOptionProblem(["--partition=debug", argument])
            #expect(problem?.hasPrefix("--sbatch-arg \(argument): ") == true, "\(argument): \(problem ?? "accepted")")
            #expect(problem?.contains(why) == true, "\(argument): \(problem ?? "accepted")")
        }
        #expect(
            SlurmSubmission.reservedOptionProblem([
                "--partition=debug", "--time=1:00:00", "-A", "lab", "--exclusive", "--mem=4G", "--constraint=avx2",
            ]) == nil)
    }

    @Test func scriptStartsOneNamedWorkerWithKeysAndSlots() throws {
        let arguments = try Self.runScript(
            Self.submission(),
            environment: ["SLURM_ARRAY_JOB_ID": "7", "SLURM_ARRAY_TASK_ID": "3", "SLURM_CPUS_PER_TASK": "2"])
        #expect(
            arguments == [
                "worker", "--connect", "tcp://node'1:5555", "--name", "slurm-7-3", "--slots", "2", "--heartbeat", "1s",
                "--log-level", "info", "--key", "/runs/r 1/launch/keys/worker.key_secret", "--server-key",
                "/runs/r 1/launch/keys/coordinator.key",
            ])
        let loopback = try Self.runScript(Self.submission(keyed: false), environment: [:])
        #expect(!loopback.contains("--key"))
        #expect(loopback.contains("slurm-0-0") && loopback.contains("1"))
    }

    @Test func scriptHandsOutTheGPUsSlurmAllocated() throws {
        let withGPUs = try Self.runScript(
            Self.submission(gpus: 2),
            environment: ["SLURM_ARRAY_JOB_ID": "7", "SLURM_ARRAY_TASK_ID": "0", "CUDA_VISIBLE_DEVICES": "0,1"])
        #expect(Array(withGPUs.suffix(2)) == ["--gpus", "0,1"])
        let fromSlurm = try Self.runScript(Self.submission(gpus: 1), environment: ["SLURM_JOB_GPUS": "3"])
        #expect(Array(fromSlurm.suffix(2)) == ["--gpus", "3"])
        // Slurm's placeholder when a GPU has no device file is not an id: no --gpus then.
        let noDevice = try Self.runScript(Self.submission(gpus: 1), environment: ["CUDA_VISIBLE_DEVICES": "NoDevFiles"])
        #expect(!noDevice.contains("--gpus"))
        // Without --gpus-per-worker, a CUDA_VISIBLE_DEVICES inherited from the submitting shell is ignored.
        let none = try Self.runScript(Self.submission(), environment: ["CUDA_VISIBLE_DEVICES": "0"])
        #expect(!none.contains("--gpus"))
    }

    /// Runs the batch script with /bin/sh, the sweep binary replaced by a script that prints its
    /// arguments one a line; returns them.
    static func runScript(_ submission: SlurmSubmission, environment: [String: String]) throws -> [String] {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("slurm-script-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let stub = directory.appendingPathComponent("sweep stub")
        try "#!/bin/sh\nfor a in \"$@\"; do printf '%s\\n' \"$a\"; done\n".write(
            to: stub, atomically: true, encoding: .utf8)
        chmod(stub.path, 0o755)
        var stubbed = submission
        stubbed.executable = stub.path
        let script = directory.appendingPathComponent("job.sh")
        try stubbed.script(connect: "tcp://node'1:5555").write(to: script, atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = [script.path]
        process.environment = environment.merging(["PATH": "/usr/bin:/bin"]) { $1 }
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        return String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init)
    }
}
