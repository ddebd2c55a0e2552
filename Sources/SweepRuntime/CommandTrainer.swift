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
        let directory = task.taskDirectory
        let metricsFile = directory.appendingPathComponent("metrics.jsonl")
        let environment: [String: String]
        do {
            environment = try prepare(task, metricsFile: metricsFile)
        } catch {
            return failed("cannot prepare the task directory \(directory.path): \(error)")
        }

        let arguments = CommandTemplate(task.command.arguments).render(task.assignment.params)
        if let program = arguments.first,
            let problem = ProgramLookup.problem(
                program, environment: environment, directory: directory.path, worker: task.worker)
        {
            return failed(problem.description)
        }
        let child: SpawnedChild
        do {
            child = try SpawnedChild.spawn(
                arguments: arguments, directory: directory.path, environment: environment, launcher: task.launcher)
        } catch {
            return failed("\(error)")
        }
        var supervisor = Supervisor(child: child, directory: directory)
        var reports = MetricReports()
        let outcome = supervisor.wait(timeout: task.command.timeout, cancel: task.cancel) { line in
            guard line.hasPrefix(MetricReports.prefix) else { return }
            if let intermediate = reports.take(line.dropFirst(MetricReports.prefix.count)) {
                task.progress(intermediate.step, intermediate.metrics)
            }
        }
        if let text = try? String(contentsOf: metricsFile, encoding: .utf8) {
            for line in text.split(separator: "\n") where !line.trimmingCharacters(in: .whitespaces).isEmpty {
                if let intermediate = reports.take(line) { task.progress(intermediate.step, intermediate.metrics) }
            }
        }
        let log = supervisor.tail(lines: stderrTailLines)
        var problems = ""
        if reports.malformed > 0, let first = reports.firstMalformed {
            problems =
                "; ignored \(reports.malformed) malformed metric report\(reports.malformed == 1 ? "" : "s") (first: \(first))"
        }
        switch outcome {
        case .exited(0):
            guard reports.final[task.command.objective] != nil else {
                return failed(
                    "exited 0 but never reported metric '\(task.command.objective)'\(problems)", log: log,
                    metrics: reports.final)
            }
            return TaskResult(
                lease: lease, succeeded: true, duration: MonotonicClock.now() - started,
                metrics: reports.final, error: "", log: log)
        case .exited(let status):
            return failed("exited with status \(status)\(problems)", log: log, metrics: reports.final)
        case .signalled(let signal):
            return failed(
                "killed by signal \(signal) (\(signalName(signal)))\(problems)", log: log, metrics: reports.final)
        case .timedOut:
            return failed(
                "timed out after \(formatNumber(task.command.timeout)) s (limits.task_timeout); stopped", log: log,
                metrics: reports.final)
        case .cancelled:
            return failed("cancelled by the coordinator", log: log, metrics: reports.final)
        }
    }

    /// Makes the task directory (the workdir's files, the fold's CSV files) and the program's
    /// environment: the worker's, then the spec's `env`, then the documented `SWEEP_*` variables.
    static func prepare(_ task: CommandTask, metricsFile: URL) throws -> [String: String] {
        let directory = task.taskDirectory
        let lease = task.assignment.lease
        var environment = ProcessInfo.processInfo.environment.merging(task.command.env) { _, spec in spec }
        try? FileManager.default.removeItem(at: directory)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        if let workdir = task.workdir { try linkWorkdir(workdir, into: directory) }
        if let data = task.data {
            let (train, valid) = data.split(fold: lease.fold)
            let trainURL = directory.appendingPathComponent("train.csv"),
                validURL = directory.appendingPathComponent("valid.csv")
            try Data(train.utf8).write(to: trainURL)
            try Data(valid.utf8).write(to: validURL)
            environment["SWEEP_TRAIN_CSV"] = trainURL.path
            environment["SWEEP_VALID_CSV"] = validURL.path
        }
        environment["SWEEP_PARAMS"] = task.assignment.params.json
        environment["SWEEP_TRIAL"] = String(lease.trial)
        environment["SWEEP_FOLD"] = String(lease.fold)
        environment["SWEEP_FOLDS"] = String(task.folds)
        environment["SWEEP_ATTEMPT"] = String(lease.attempt)
        environment["SWEEP_SEED"] = String(task.command.seed)
        environment["SWEEP_METRICS"] = metricsFile.path
        environment["SWEEP_TASK_DIR"] = directory.path
        environment["SWEEP_GPUS"] = task.gpuIDs.map(String.init).joined(separator: ",")
        environment["CUDA_VISIBLE_DEVICES"] = environment["SWEEP_GPUS"]
        environment["OMP_NUM_THREADS"] = String(task.command.cpus)
        return environment
    }

    /// Makes the workdir's files visible in the task directory (the program's working directory).
    static func linkWorkdir(_ workdir: URL, into directory: URL) throws {
        for name in try FileManager.default.contentsOfDirectory(atPath: workdir.path) {
            let link = directory.appendingPathComponent(name)
            if FileManager.default.fileExists(atPath: link.path) { continue }
            try FileManager.default.createSymbolicLink(
                at: link, withDestinationURL: workdir.appendingPathComponent(name))
        }
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
