import ArgumentParser
import Foundation
import SweepRuntime

struct LaunchSlurm: LaunchEngine {
    static let configuration = CommandConfiguration(
        commandName: "slurm", abstract: "Run a sweep here with its workers as one Slurm job array.",
        discussion: """
            Submits one job array of --workers tasks with sbatch; each task runs `sweep worker` (this very \
            binary, which the nodes must see at the same path, as they must see the run directory) named \
            slurm-JOBID-INDEX, with --slots CPUs and --gpus-per-worker GPUs from Slurm's allocation. Their keys \
            are files in RUN/launch/keys that only you can read; their logs are RUN/launch/slurm-JOBID_INDEX.log. \
            Slurm is first asked whether it would accept the array (sbatch --test-only), so a refused request \
            fails before the sweep starts. When the sweep ends, fails or is interrupted, the array is cancelled \
            (scancel) and this waits until squeue lists none of it.
            """)

    @OptionGroup var launch: LaunchOptions

    @Option(help: "How many workers: the size of the job array.")
    var workers: Int

    @Option(help: "Tasks each worker runs at once; asked of Slurm as --cpus-per-task.")
    var slots: Int = 1

    @Option(help: "GPUs for each worker, asked of Slurm as --gres=gpu:G (default: none).")
    var gpusPerWorker: Int = 0

    @Option(
        parsing: .unconditionalSingleValue,
        help: ArgumentHelp(
            "An sbatch option for the array, e.g. --sbatch-arg=--partition=gpu or --sbatch-arg=--time=2:00:00 (repeatable).",
            valueName: "arg"))
    var sbatchArg: [String] = []

    func validate() throws {
        try launch.check()
        guard workers >= 1 && workers <= 100_000 else {
            throw ValidationError("--workers must be at least 1 (the job array's size), got \(workers)")
        }
        guard slots >= 1 && slots <= 4096 else {
            throw ValidationError("--slots must be between 1 and 4096 (CPUs per worker), got \(slots)")
        }
        guard gpusPerWorker >= 0 && gpusPerWorker <= 1024 else {
            throw ValidationError("--gpus-per-worker must be 0 or more, got \(gpusPerWorker)")
        }
        if let problem = SlurmSubmission.reservedOptionProblem(sbatchArg) { throw ValidationError(problem) }
    }

    func run() throws {
        let tools = try SlurmTools.locate(path: ProcessInfo.processInfo.environment["PATH"])
        // Asked before the run directory exists: a refused request leaves nothing behind.
        let jobName = SlurmSubmission.jobName(sweep: try SweepLoader.load(specPath: launch.spec).spec.name)
        try SlurmLauncher.check(
            submission(jobName, runDirectory: absolute(launch.out ?? "runs"), keyed: launch.keyed), tools: tools)
        try launch.serve(mode: "launch-slurm") { try makeLauncher($0) }
    }

    /// The Slurm launcher for a sweep (also for `sweep resume`, which submits a new array).
    func makeLauncher(_ context: LaunchContext) throws -> any WorkerLauncher {
        let tools = try SlurmTools.locate(path: ProcessInfo.processInfo.environment["PATH"])
        return SlurmLauncher(
            submission: submission(
                SlurmSubmission.jobName(sweep: context.sweep.spec.name), runDirectory: absolute(context.directory),
                keyed: context.keys != nil),
            tools: tools, logger: launch.common.logger("sweep"))
    }

    /// What to submit for a run directory (its launch/ holds the script and the workers' logs).
    func submission(_ jobName: String, runDirectory: String, keyed: Bool) -> SlurmSubmission {
        let keys = (runDirectory as NSString).appendingPathComponent("launch/keys")
        return SlurmSubmission(
            workers: workers, slotsPerWorker: slots, gpusPerWorker: gpusPerWorker, jobName: jobName,
            launchDirectory: (runDirectory as NSString).appendingPathComponent("launch"), extraArguments: sbatchArg,
            executable: LocalWorkers.currentExecutable.path,
            keys: keyed
                ? .init(
                    workerSecret: (keys as NSString).appendingPathComponent("worker.key_secret"),
                    coordinatorPublic: (keys as NSString).appendingPathComponent("coordinator.key"))
                : nil,
            heartbeat: launch.common.heartbeat, logLevel: launch.common.logLevel)
    }

    func absolute(_ path: String) -> String {
        path.hasPrefix("/")
            ? path
            : (FileManager.default.currentDirectoryPath as NSString).appendingPathComponent(path)
    }
}
