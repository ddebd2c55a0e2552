import Foundation
import Glibc
import SweepCore
import SweepProtocol

/// A flag the socket thread sets to stop a running task; the supervising thread reads it.
final class CancelFlag: @unchecked Sendable {  // safe: `value` guarded by `lock`
    private let lock = NSLock()
    private var value = false
    func set() { lock.lock(); value = true; lock.unlock() }
    var isSet: Bool { lock.lock(); defer { lock.unlock() }; return value }
}

/// One command-trainer task, everything needed to run it off the socket thread.
struct CommandTask: Sendable {
    let assignment: Assignment
    let command: WireCommand
    let folds: Int
    let taskDirectory: URL
    let workdir: URL?
    let data: CommandData?
    let gpuIDs: [Int]
    /// The `sweep` binary, which starts the program through `sweep __exec` (see `ExecLauncher`).
    let launcher: String
    /// This worker's name, for messages about this host.
    let worker: String
    let cancel: CancelFlag
    let progress: @Sendable (Int, [String: Double]) -> Void
    /// Where the worker keeps this sweep's artifacts by hash (nil: the coordinator wants none).
    var artifactCache: URL? = nil
}

/// Runs a user's program for one (trial, fold) and turns what it did into a TaskResult
/// (the program's contract is in the README, "Command trainers").
enum CommandTrainer {
    static let stopGrace = 5.0
    static let stderrTailLines = 50

    static func run(_ task: CommandTask) -> TaskResult {
        let started = MonotonicClock.now()
        let lease = task.assignment.lease
        func failed(_ error: String, log: String = "", metrics: [String: Double] = [:]) -> TaskResult {
            TaskResult(
                lease: lease, succeeded: false, duration: MonotonicClock.now() - started, metrics: metrics,
                error: error, log: log)
        }
        let layout = TaskLayout(task.taskDirectory)
        let environment: [String: String]
        do {
            environment = try prepare(task, layout: layout)
        } catch {
            return failed("cannot prepare the task directory \(layout.root.path): \(error)")
        }

        let arguments = CommandTemplate(task.command.arguments).render(task.assignment.params)
        if let program = arguments.first,
            let problem = ProgramLookup.problem(
                program, environment: environment, directory: layout.work.path, worker: task.worker)
        {
            return failed(problem.description)
        }
        let child: SpawnedChild
        do {
            child = try SpawnedChild.spawn(
                arguments: arguments, directory: layout.work.path, environment: environment, launcher: task.launcher)
        } catch {
            return failed("\(error)")
        }
        var supervisor = Supervisor(child: child, directory: layout.files, metricsFile: layout.metrics)
        var reports = MetricReports()
        let outcome = supervisor.wait(timeout: task.command.timeout, cancel: task.cancel) { json in
            if let intermediate = reports.take(json) {
                let (metrics, _) = WireLimits.bounded(intermediate.metrics, keeping: [task.command.objective])
                if !metrics.isEmpty { task.progress(intermediate.step, metrics) }
            }
        }
        var error = problem(outcome, reports: reports, objective: task.command.objective, timeout: task.command.timeout)
        // The refit (fold −1) has no validation rows, so no objective to report: exiting 0 is success.
        if lease.fold < 0, case .exited(0) = outcome { error = nil }
        let artifacts =
            error == nil && task.command.artifactLimit > 0
            ? task.artifactCache.map {
                ArtifactKeeper.keep(layout.artifacts, limit: task.command.artifactLimit, into: $0)
            } : nil
        // Cut to what the wire carries (what was cut is said in the log): never an undeliverable result.
        return TaskResult(
            lease: lease, succeeded: error == nil, duration: MonotonicClock.now() - started,
            metrics: reports.final, error: error ?? "", log: supervisor.tail(lines: stderrTailLines),
            artifacts: artifacts ?? ArtifactManifest()
        ).bounded(keeping: [task.command.objective])
    }

    /// Why the task failed, or nil when it succeeded.
    static func problem(_ outcome: Supervisor.Outcome, reports: MetricReports, objective: String, timeout: Double)
        -> String?
    {
        var problems = ""
        if reports.malformed > 0, let first = reports.firstMalformed {
            problems =
                "; ignored \(reports.malformed) malformed metric report\(reports.malformed == 1 ? "" : "s") (first: \(first))"
        }
        switch outcome {
        case .exited(0):
            if reports.final[objective] != nil { return nil }
            if let last = reports.intermediates[objective] {
                return "exited 0 but reported metric '\(objective)' only with a \"step\" (last: \(last)); "
                    + "a final report has no \"step\"\(problems)"
            }
            return "exited 0 but never reported metric '\(objective)'\(problems)"
        case .exited(let status):
            return "exited with status \(status)\(problems)"
        case .signalled(let signal):
            return "killed by signal \(signal) (\(signalName(signal)))\(problems)"
        case .timedOut:
            return "timed out after \(formatNumber(timeout)) s (limits.task_timeout); stopped"
        case .cancelled:
            return "cancelled by the coordinator"
        }
    }

    /// Makes the task directory and the program's environment: the worker's, then the spec's
    /// `env`, then the documented `SWEEP_*` variables.
    static func prepare(_ task: CommandTask, layout: TaskLayout) throws -> [String: String] {
        let lease = task.assignment.lease
        var environment = ProcessInfo.processInfo.environment.merging(task.command.env) { _, spec in spec }
        try layout.create(workdir: task.workdir)
        if let data = task.data {
            let (train, valid) = data.split(fold: lease.fold)
            try Data(train.utf8).write(to: layout.train)
            try Data(valid.utf8).write(to: layout.valid)
            environment["SWEEP_TRAIN_CSV"] = layout.train.path
            if lease.fold >= 0 { environment["SWEEP_VALID_CSV"] = layout.valid.path }
        }
        if lease.fold < 0 { environment["SWEEP_REFIT"] = "1" }
        environment["SWEEP_ARTIFACTS"] = layout.artifacts.path
        environment["SWEEP_PARAMS"] = task.assignment.params.json
        environment["SWEEP_TRIAL"] = String(lease.trial)
        environment["SWEEP_FOLD"] = String(lease.fold)
        environment["SWEEP_FOLDS"] = String(task.folds)
        environment["SWEEP_ATTEMPT"] = String(lease.attempt)
        environment["SWEEP_SEED"] = String(task.command.seed)
        environment["SWEEP_METRICS"] = layout.metrics.path
        environment["SWEEP_TASK_DIR"] = layout.work.path
        environment["SWEEP_GPUS"] = task.gpuIDs.map(String.init).joined(separator: ",")
        environment["CUDA_VISIBLE_DEVICES"] = environment["SWEEP_GPUS"]
        environment["OMP_NUM_THREADS"] = String(task.command.cpus)
        return environment
    }

    static func signalName(_ signal: Int32) -> String {
        switch signal {
        case SIGKILL: "SIGKILL"
        case SIGTERM: "SIGTERM"
        case SIGSEGV: "SIGSEGV"
        case SIGABRT: "SIGABRT"
        case SIGINT: "SIGINT"
        case SIGBUS: "SIGBUS"
        case SIGFPE: "SIGFPE"
        default: "signal \(signal)"
        }
    }
}
