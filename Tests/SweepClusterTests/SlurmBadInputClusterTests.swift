import Foundation
import Testing

/// Bad input to `sweep launch slurm`: each a clear error before anything starts, and nothing left
/// behind (no run directory, no job in squeue, no worker).
extension SlurmClusterTests {
    /// `sweep launch slurm ARGUMENTS` in a fresh directory with this suite's Slurm; also returns
    /// the run directory it was told to write.
    static func refused(_ slurm: SlurmSingleNode, _ arguments: [String], path: String? = nil) throws -> (
        FinishedCommand, URL
    ) {
        let directory = try temporaryDirectory()
        try noopSpec(trials: 2, sleep: 0).write(
            to: directory.appendingPathComponent("spec.yaml"), atomically: true, encoding: .utf8)
        let out = directory.appendingPathComponent("run")
        var environment = ["SLURM_CONF": slurm.conf]
        if let path { environment["PATH"] = path }
        let command = try FinishedCommand(
            ["launch", "slurm", "spec.yaml", "--out", out.path] + arguments, directory: directory,
            environment: environment)
        return (command, out)
    }

    @Test func noWorkersIsAUsageError() throws {
        let slurm = try #require(SlurmSingleNode.current)
        let (command, out) = try Self.refused(slurm, ["--workers", "0"])
        #expect(command.status == 64, "\(command.transcript)")
        #expect(command.stderr.contains("--workers must be at least 1 (the job array's size), got 0"))
        #expect(!FileManager.default.fileExists(atPath: out.path))
        let (reserved, _) = try Self.refused(slurm, ["--workers", "2", "--sbatch-arg", "--array=0-9"])
        #expect(reserved.status == 64 && reserved.stderr.contains("use --workers N"), "\(reserved.transcript)")
    }

    /// PATH without sbatch (squeue and scancel still there): named, with what to install.
    @Test func sbatchMissingFromPath() throws {
        let slurm = try #require(SlurmSingleNode.current)
        let bin = try temporaryDirectory()
        for program in ["squeue", "scancel"] {
            try FileManager.default.createSymbolicLink(
                atPath: bin.appendingPathComponent(program).path, withDestinationPath: "/usr/bin/\(program)")
        }
        let (command, out) = try Self.refused(slurm, ["--workers", "2"], path: bin.path)
        #expect(command.status == 1, "\(command.transcript)")
        #expect(command.stderr.contains("and sbatch is not there (PATH=\(bin.path))"), "\(command.stderr)")
        #expect(command.stderr.contains("slurm-wlm"))
        #expect(!command.stderr.contains("Fatal error"), "no crash")
        #expect(!FileManager.default.fileExists(atPath: out.path))
    }

    /// Slurm refuses the request (a partition it does not have; GPUs the node lacks): sbatch's own
    /// words are shown, and since Slurm was asked with --test-only before the sweep started, there
    /// is no run directory, no job and no worker.
    @Test(arguments: [
        (["--sbatch-arg=--partition=nope"], "sbatch: error: invalid partition specified: nope"),
        (["--gpus-per-worker", "1"], "Invalid generic resource (gres) specification"),
    ])
    func refusedSubmissionShowsSbatchsError(_ arguments: [String], _ said: String) throws {
        let slurm = try #require(SlurmSingleNode.current)
        let (command, out) = try Self.refused(slurm, ["--workers", "2"] + arguments)
        #expect(command.status == 1, "\(command.transcript)")
        #expect(command.stderr.contains("error: Slurm refused the job array of 2 workers:"), "\(command.stderr)")
        #expect(command.stderr.contains(said), "\(command.stderr)")
        #expect(command.stderr.contains("nothing was started"))
        #expect(!FileManager.default.fileExists(atPath: out.path), "no run directory for a refused request")
        #expect(slurm.queue.isEmpty, "squeue: \(slurm.queue)")
        #expect(sweepWorkers(naming: "slurm-").isEmpty)
    }
}
