import Foundation
import SweepRuntime
import Synchronization

/// Scale (issue "1,000 workers and 1,000,000 tasks"): the real `sweep coordinator` process with
/// its real run database, against simulated workers (`sim-workers`, many per process, each a
/// full WorkerMachine with its own DEALER socket). For every workers × tasks case it prints the
/// coordinator's CPU per task and peak memory (from wait4), dispatch → counted p50/p99 (from
/// run.db), heartbeat traffic, how long 1,000 workers connecting at once take to register and to
/// get their first task, and wall ÷ ideal.
///
///   sweep-bench scale [--workers 100,300,1000] [--tasks 10000,100000] [--task-ms 50] [--slots 1]
///                     [--processes 2] [--prefetch 0]
enum ScaleBench {
    struct Case {
        var workers: Int
        var tasks: Int
    }

    struct Outcome {
        var wall: Double
        /// Coordinator CPU while serving (until every simulated worker heard SWEEP-DONE).
        var cpu: Double
        /// Coordinator CPU after that: the report, summary and importance of the finished sweep.
        var finishCPU: Double
        var rssMegabytes: Double
        /// Peak resident memory while serving (the report's comes after).
        var servingRSSMegabytes: Double
        var p50: Double
        var p99: Double
        var heartbeatsPerSecond: Double
        /// CPU of all simulator processes over the wall clock (what the harness itself takes).
        var simulatorCPUShare = 0.0
        var firstDispatch: Double
        /// From the simulators' start to the last registration, and how many registered.
        var lastRegistered: Double
        var registered: Int
    }

    static func run(_ arguments: [String]) throws {
        let workers = list(arguments, "--workers", [100, 300, 1000])
        let tasks = list(arguments, "--tasks", [10_000, 100_000])
        let taskSeconds = Double(list(arguments, "--task-ms", [50])[0]) / 1000
        let slots = list(arguments, "--slots", [1])[0]
        let processes = list(arguments, "--processes", [2])[0]
        let prefetch = list(arguments, "--prefetch", [0])[0]
        let binaries = LocalWorkers.currentExecutable.deletingLastPathComponent()
        say(
            "Scale: real `sweep coordinator` (run database on) and simulated workers in \(processes) processes, "
                + "\(slots) slot(s) each, \(Int(taskSeconds * 1000)) ms tasks, limits.prefetch \(prefetch), loopback TCP, "
                + "\(ProcessInfo.processInfo.activeProcessorCount) cores\n")
        say(
            "| workers | tasks | wall s | ideal s | wall ÷ ideal | coordinator CPU µs/task | CPU % of a core | simulators CPU % | report CPU s | peak RSS MB serving / all | dispatch→counted p50 / p99 ms | heartbeats/s | workers registered in ms | first dispatch ms |"
        )
        say("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        for workerCount in workers {
            for taskCount in tasks {
                let scale = Case(workers: workerCount, tasks: taskCount)
                let outcome = try measure(
                    scale, taskSeconds: taskSeconds, slots: slots, processes: processes, prefetch: prefetch,
                    binaries: binaries)
                say(row(scale, outcome, ideal: Double(taskCount) * taskSeconds / Double(workerCount * slots)))
            }
        }
    }

    static func row(_ scale: Case, _ outcome: Outcome, ideal: Double) -> String {
        let f = { (value: Double, digits: Int) in String(format: "%.\(digits)f", value) }
        let ratio = ideal > 0 ? f(outcome.wall / ideal, 3) : "–"
        return
            "| \(scale.workers) | \(scale.tasks) | \(f(outcome.wall, 2)) | \(f(ideal, 2)) | \(ratio) | "
            + "\(f(outcome.cpu / Double(scale.tasks) * 1e6, 1)) | \(f(outcome.cpu / outcome.wall * 100, 1)) | \(f(outcome.simulatorCPUShare * 100, 0)) | "
            + "\(f(outcome.finishCPU, 2)) | "
            + "\(f(outcome.servingRSSMegabytes, 0)) / \(f(outcome.rssMegabytes, 0)) | \(f(outcome.p50 * 1000, 2)) / \(f(outcome.p99 * 1000, 2)) | "
            + "\(f(outcome.heartbeatsPerSecond, 0)) | \(outcome.registered) in \(f(outcome.lastRegistered * 1000, 0)) | "
            + "\(f(outcome.firstDispatch * 1000, 0)) |"
    }

    /// One case: coordinator, then the simulated workers, each process waited for.
    static func measure(
        _ scale: Case, taskSeconds: Double, slots: Int, processes: Int, prefetch: Int, binaries: URL
    ) throws -> Outcome {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "sweep-scale-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let spec = directory.appendingPathComponent("spec.yaml")
        try """
        name: scale-bench
        cv: {folds: 2}
        trainer: {model: noop}
        space: {score: {int: [0, \(scale.tasks / 2 - 1)]}}
        objective: {metric: score}
        limits: {prefetch: \(prefetch)}
        refit: false
        """.write(to: spec, atomically: true, encoding: .utf8)
        let run = directory.appendingPathComponent("run")
        let coordinator = try BenchChild(
            [
                binaries.appendingPathComponent("sweep").path, "coordinator", spec.path, "--bind", "tcp://127.0.0.1:*",
                "--out", run.path,
            ], log: directory.appendingPathComponent("coordinator.log"))
        var simulators: [BenchChild] = []
        defer { for child in simulators + [coordinator] where !child.exited() { child.kill(); _ = child.wait() } }
        let serving = try coordinator.awaitLine(containing: "serving sweep")
        guard let endpoint = serving.split(separator: " ").first(where: { $0.hasPrefix("tcp://") })?.dropLast() else {
            throw BenchError("no endpoint in: \(serving)")
        }
        for index in 0..<processes {
            let count = scale.workers / processes + (index < scale.workers % processes ? 1 : 0)
            simulators.append(
                try BenchChild(
                    [
                        binaries.appendingPathComponent("sweep-bench").path, "sim-workers", "--connect",
                        String(endpoint), "--count", "\(count)", "--slots", "\(slots)", "--task-ms",
                        "\(Int(taskSeconds * 1000))", "--name", "sim\(index)",
                    ], log: directory.appendingPathComponent("sim-\(index).log")))
        }
        // Its last progress line ends serving: the coordinator's CPU then is its serving cost (the
        // report comes after). Workers that never joined (the sweep ended first) wait for the next
        // sweep, as real ones do: SIGTERM ends them.
        _ = try coordinator.awaitLine(
            containing: "\(scale.tasks)/\(scale.tasks) tasks", timeout: 24 * 3600, helpers: simulators)
        let servingCPU = coordinator.cpuSecondsSoFar()
        let servingRSS = coordinator.peakResidentMegabytesSoFar()
        for simulator in simulators { simulator.terminate() }
        let usage = coordinator.wait()
        guard usage.status == 0 else {
            throw BenchError("the coordinator exited with \(usage.status):\n\(coordinator.text.suffix(2000))")
        }
        var counters: [SimulatedWorkers.Counters] = []
        var simulatorCPU = 0.0
        for simulator in simulators {
            simulatorCPU += simulator.wait().cpuSeconds
            guard let line = simulator.text.split(separator: "\n").last,
                let decoded = try? JSONDecoder().decode(SimulatedWorkers.Counters.self, from: Data(line.utf8))
            else { throw BenchError("no counters from a simulator:\n\(simulator.text.suffix(2000))") }
            counters.append(decoded)
        }
        var measured = try outcome(
            run: run, usage: usage, servingCPU: servingCPU ?? usage.cpuSeconds,
            servingRSS: servingRSS ?? usage.maxResidentMegabytes, counters: counters)
        measured.simulatorCPUShare = simulatorCPU / measured.wall
        return measured
    }

    static func outcome(
        run: URL, usage: BenchChild.Usage, servingCPU: Double, servingRSS: Double, counters: [SimulatedWorkers.Counters]
    ) throws -> Outcome {
        let timings = try RunTimings.read(directory: run.path)
        let latencies = timings.dispatchToCounted.sorted()
        guard !latencies.isEmpty, let span = timings.span else { throw BenchError("no task was counted") }
        let percentile = { (share: Double) in
            latencies[min(latencies.count - 1, Int(Double(latencies.count) * share))]
        }
        let started = counters.map(\.startedAt).min() ?? 0
        let heartbeats = counters.reduce(0) { $0 + $1.heartbeatsSent + $1.heartbeatsReceived }
        return Outcome(
            wall: span, cpu: servingCPU, finishCPU: max(0, usage.cpuSeconds - servingCPU),
            rssMegabytes: usage.maxResidentMegabytes, servingRSSMegabytes: servingRSS, p50: percentile(0.5),
            p99: percentile(0.99), heartbeatsPerSecond: Double(heartbeats) / span,
            firstDispatch: timings.firstDispatch ?? 0,
            lastRegistered: (counters.map(\.lastRegisteredAt).max() ?? started) - started,
            registered: counters.reduce(0) { $0 + $1.registered })
    }

    /// A line on stdout at once (print is fully buffered into a file or pipe): each row as measured.
    static func say(_ line: String) { FileHandle.standardOutput.write(Data((line + "\n").utf8)) }

    /// `--name 1,2,3` as numbers (thousands separators `_` allowed), or `fallback`.
    static func list(_ arguments: [String], _ name: String, _ fallback: [Int]) -> [Int] {
        guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count else { return fallback }
        let values = arguments[index + 1].split(separator: ",").compactMap {
            Int($0.replacingOccurrences(of: "_", with: ""))
        }
        return values.isEmpty ? fallback : values
    }

    /// `sweep-bench sim-workers …`: one process of simulated workers; prints its counters as JSON.
    static func simulate(_ arguments: [String]) throws {
        guard let index = arguments.firstIndex(of: "--connect"), index + 1 < arguments.count else {
            throw BenchError("sim-workers needs --connect ENDPOINT")
        }
        let nameIndex = arguments.firstIndex(of: "--name")
        let workers = try SimulatedWorkers(
            connect: arguments[index + 1], count: list(arguments, "--count", [100])[0],
            slots: list(arguments, "--slots", [1])[0], taskSeconds: Double(list(arguments, "--task-ms", [0])[0]) / 1000,
            name: nameIndex.map { arguments[$0 + 1] } ?? "sim")
        let stop = StopFlag()
        let watcher = SignalWatcher([SIGTERM]) { _ in stop.set() }
        let counters = try workers.run(stop: { stop.isSet })
        _ = watcher
        let encoder = JSONEncoder()
        say(String(decoding: try encoder.encode(counters), as: UTF8.self))
    }
}

/// Set from a signal handler's queue, read by the simulators' loop.
final class StopFlag: Sendable {
    private let value = Atomic<Bool>(false)
    var isSet: Bool { value.load(ordering: .relaxed) }
    func set() { value.store(true, ordering: .relaxed) }
}
