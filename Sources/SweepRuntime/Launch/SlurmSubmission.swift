import Foundation

/// One sweep's workers as one Slurm job array: the `sbatch` command line and the batch script it
/// submits. Pure (no Slurm needed), so every argument can be checked in unit tests.
public struct SlurmSubmission: Sendable, Equatable {
    /// Where a keyed worker finds its secret key and the coordinator's public key (files only the
    /// user can read, on the filesystem the nodes share with this host).
    public struct KeyPaths: Sendable, Equatable {
        public var workerSecret: String
        public var coordinatorPublic: String

        public init(workerSecret: String, coordinatorPublic: String) {
            self.workerSecret = workerSecret
            self.coordinatorPublic = coordinatorPublic
        }
    }

    /// Array size: one worker per array task.
    public var workers: Int
    /// Each worker's slots, asked of Slurm as `--cpus-per-task`.
    public var slotsPerWorker: Int
    /// GPUs per worker, asked as `--gres=gpu:G`; 0 asks for none.
    public var gpusPerWorker: Int
    public var jobName: String
    /// RUN/launch (absolute): the batch script and the workers' logs go there.
    public var launchDirectory: String
    /// `--sbatch-arg`s, after ours so that they may override them (e.g. `--output`).
    public var extraArguments: [String]
    /// The `sweep` binary the workers run: this one, on a filesystem the nodes share.
    public var executable: String
    public var keys: KeyPaths?
    public var heartbeat: String
    public var logLevel: String

    public init(
        workers: Int, slotsPerWorker: Int, gpusPerWorker: Int, jobName: String, launchDirectory: String,
        extraArguments: [String], executable: String, keys: KeyPaths?, heartbeat: String, logLevel: String
    ) {
        self.workers = workers
        self.slotsPerWorker = slotsPerWorker
        self.gpusPerWorker = gpusPerWorker
        self.jobName = jobName
        self.launchDirectory = launchDirectory
        self.extraArguments = extraArguments
        self.executable = executable
        self.keys = keys
        self.heartbeat = heartbeat
        self.logLevel = logLevel
    }

    public var scriptPath: String { (launchDirectory as NSString).appendingPathComponent("slurm-workers.sh") }
    /// `%A` is the array's job id, `%a` the task's index.
    public var outputPattern: String { (launchDirectory as NSString).appendingPathComponent("slurm-%A_%a.log") }

    /// What to ask of Slurm, shared by the dry run and the submission.
    var resourceArguments: [String] {
        var arguments = ["--array=0-\(workers - 1)", "--cpus-per-task=\(slotsPerWorker)"]
        if gpusPerWorker > 0 { arguments.append("--gres=gpu:\(gpusPerWorker)") }
        return arguments + ["--job-name=\(jobName)", "--output=\(outputPattern)"] + extraArguments
    }

    /// `sbatch` arguments that submit the script and print the job id alone (`--parsable`).
    public var sbatchArguments: [String] { ["--parsable"] + resourceArguments + [scriptPath] }

    /// `sbatch --test-only` arguments: Slurm checks the request (partition, resources, limits)
    /// without queueing anything, so a refusal comes before the sweep starts.
    public var testOnlyArguments: [String] { ["--test-only"] + resourceArguments + ["--wrap=true"] }

    /// The batch script: each array task becomes one `sweep worker` named slurm-JOBID-INDEX with
    /// the CPUs and GPUs Slurm gave it. `exec`, so that scancel's SIGTERM reaches the worker,
    /// which then finishes its running tasks, delivers them and exits.
    public func script(connect: String) -> String {
        var options = ["--connect", connect].map(Self.quoted)
        options += ["--name", "\"$name\"", "--slots", "\"${SLURM_CPUS_PER_TASK:-1}\""]
        options += ["--heartbeat", heartbeat, "--log-level", logLevel].map(Self.quoted)
        if let keys {
            options += ["--key", keys.workerSecret, "--server-key", keys.coordinatorPublic].map(Self.quoted)
        }
        let command = "exec \(Self.quoted(executable)) worker \(options.joined(separator: " "))"
        let gpus =
            gpusPerWorker > 0
            ? """
            # The GPUs Slurm allocated to this task, as the task sees them.
            gpus="${CUDA_VISIBLE_DEVICES:-${SLURM_STEP_GPUS:-${SLURM_JOB_GPUS:-}}}"
            case "$gpus" in *[!0-9,]*) gpus="" ;; esac
            if [ -n "$gpus" ]; then \(command) --gpus "$gpus"; fi

            """
            : ""
        return """
            #!/bin/sh
            # Written by `sweep launch slurm`: one sweep worker per array task; scancel stops it.
            name="slurm-${SLURM_ARRAY_JOB_ID:-${SLURM_JOB_ID:-0}}-${SLURM_ARRAY_TASK_ID:-0}"
            \(gpus)\(command)

            """
    }

    /// `text` as one word for /bin/sh, whatever it holds.
    static func quoted(_ text: String) -> String {
        if !text.isEmpty && text.allSatisfy({ $0.isLetter || $0.isNumber || "/._-:+=,@%".contains($0) }) {
            return text
        }
        return "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    /// The job id from `sbatch --parsable` ("JOBID" or "JOBID;CLUSTER"); nil if it is not one.
    public static func jobID(fromParsable output: String) -> String? {
        let line = output.split(whereSeparator: \.isNewline).last.map(String.init) ?? ""
        let id = String(line.split(separator: ";").first ?? "").trimmingCharacters(in: .whitespaces)
        return !id.isEmpty && id.allSatisfy(\.isASCII) && id.allSatisfy(\.isNumber) ? id : nil
    }

    /// A job name from the sweep's: Slurm shows it in squeue, so it stays short and plain.
    public static func jobName(sweep: String) -> String {
        let plain = String(
            sweep.map { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") ? $0 : "-" })
        return "sweep-" + String(plain.prefix(40))
    }

    /// sbatch options the launcher sets itself, with why a user's own would break the launch.
    static let reservedOptions: [(long: String, short: Character?, why: String)] = {
        let array = "the job array and its script are set by sweep launch slurm (use --workers N for the array's size)"
        let logs = "each worker logs to RUN/launch/slurm-JOBID_INDEX.log, where sweep launch slurm says to look"
        return [
            ("--array", "a", array), ("--wrap", nil, array), ("--parsable", nil, array), ("--test-only", nil, array),
            (
                "--wait", "W",
                "sbatch would not return until the workers ended, and the sweep they serve runs in this very process"
            ),
            ("--output", "o", logs), ("--error", "e", logs),
            (
                "--job-name", "J",
                "the job name sweep-NAME is how the launcher (and `scancel --name`) finds the array; it is set from the spec"
            ),
            ("--cpus-per-task", "c", "use --slots S: each worker gets S CPUs and runs S tasks at once"),
        ]
    }()

    /// The first `--sbatch-arg` the launcher must refuse, and why; nil when all are fine.
    public static func reservedOptionProblem(_ arguments: [String]) -> String? {
        for argument in arguments {
            for option in reservedOptions {
                let long = argument == option.long || argument.hasPrefix(option.long + "=")
                let short = option.short.map { argument.hasPrefix("-\($0)") && !argument.hasPrefix("--") } ?? false
                if long || short { return "--sbatch-arg \(argument): \(option.why)" }
            }
        }
        return nil
    }
}
