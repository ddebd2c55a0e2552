import Foundation
import SweepCore
import SweepRuntime
import ZeroMQ

/// Dispatch benchmark (BENCHMARKS.md, M1): no-op tasks through the real coordinator and worker
/// processes on loopback, beside a raw libzmq ROUTER/DEALER ping-pong measured in the same run.
///
///   sweep-bench dispatch [--tasks N] [--workers W] [--slots S] [--prefetch P] [--repeats R]
///   sweep-bench echo --connect ENDPOINT        (the ping-pong peer; started by `dispatch`)
///   sweep-bench ship [--megabytes 50]          (file shipping: hashing, packing, fetching; ShipBench.swift)
///   sweep-bench warmstart [--seeds 30]         (TPE warm-started from a related sweep; WarmStartBench.swift)
///   sweep-bench scale [--workers 100,300,1000] [--tasks 10000,100000] [--task-ms 50]   (ScaleBench.swift)
///   sweep-bench nested-plan SPEC               (a nested-CV spec's folds as JSON; NestedPlanBench.swift)

let arguments = CommandLine.arguments
func option(_ name: String, _ fallback: Int) -> Int {
    guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count, let value = Int(arguments[index + 1])
    else { return fallback }
    return value
}

if arguments.count > 1 && arguments[1] == "echo" {
    let endpoint = arguments[arguments.firstIndex(of: "--connect")! + 1]
    try RawPingPong.echo(connect: endpoint)
    exit(0)
}
if arguments.count > 1 && ["search", "suggest-cost", "racing"].contains(arguments[1]) {
    let rest = Array(arguments.dropFirst(2))
    switch arguments[1] {
    case "search": try SearchBench.search(rest)
    case "suggest-cost": SearchBench.suggestCost(rest)
    default: try SearchBench.racing(rest)
    }
    exit(0)
}
if arguments.count > 1 && arguments[1] == "warmstart" {
    WarmStartBench.run(Array(arguments.dropFirst(2)))
    exit(0)
}
if arguments.count > 1 && arguments[1] == "multiobjective" {
    MultiObjectiveBench.run(Array(arguments.dropFirst(2)))
    exit(0)
}
if arguments.count > 1 && arguments[1] == "ship" {
    try ShipBench.run(Array(arguments.dropFirst(2)))
    exit(0)
}
if arguments.count > 1 && arguments[1] == "importance" {
    try ImportanceBench.run(Array(arguments.dropFirst(2))); exit(0)
}
if arguments.count > 1 && arguments[1] == "die-with-parent" {
    BenchChild.execDyingWithParent(Array(arguments.dropFirst(2)))
}
if arguments.count > 1 && ["scale", "sim-workers"].contains(arguments[1]) {
    let rest = Array(arguments.dropFirst(2))
    do {
        if arguments[1] == "scale" { try ScaleBench.run(rest) } else { try ScaleBench.simulate(rest) }
    } catch {
        FileHandle.standardError.write(Data("sweep-bench \(arguments[1]): \(error)\n".utf8))
        exit(1)
    }
    exit(0)
}
if arguments.count > 1 && arguments[1] == "nested-plan" {
    try NestedPlanBench.run(Array(arguments.dropFirst(2)))
    exit(0)
}
if arguments.count > 1 && arguments[1] == "parity" {
    try Parity.run(Array(arguments.dropFirst(2)))
    exit(0)
}
guard arguments.count > 1 && arguments[1] == "dispatch" else {
    print(
        "usage: sweep-bench dispatch [--tasks 20000] [--workers 2] [--slots 2] [--prefetch 0] [--repeats 5]\n       sweep-bench ship [--megabytes 50] [--repeats 5]\n       sweep-bench parity --data CSV --model NAME ...\n       sweep-bench search|suggest-cost|racing ... (see SearchBench.swift)\n       sweep-bench multiobjective ... (see MultiObjectiveBench.swift)"
    )
    exit(2)
}

let tasks = option("--tasks", 20_000)
let workers = option("--workers", 2)
let repeats = option("--repeats", 5)
/// `limits.prefetch`: tasks each worker holds queued beyond its slots (in flight: slots + this).
let prefetch = option("--prefetch", 0)
/// Slots per worker to measure: the default of `sweep worker` here (one per core), and enough
/// that tasks in flight match the raw floor's 16.
let slotSettings =
    arguments.contains("--slots")
    ? [option("--slots", 2)] : [ProcessInfo.processInfo.activeProcessorCount, 16 / workers]
let binDirectory = LocalWorkers.currentExecutable.deletingLastPathComponent()

print(
    "M1 dispatch: \(tasks) no-op tasks, \(workers) worker processes, loopback TCP, run database on, \(repeats) repeats (+1 warm-up)"
)
print("libzmq \(Context.version), \(ProcessInfo.processInfo.activeProcessorCount) cores\n")

struct Series { var rate: [Double] = [], latency: [Double] = [], startup: [Double] = [] }
var floor = Series()
var ours = Array(repeating: Series(), count: slotSettings.count)
for round in 0...repeats {
    let raw = try RawPingPong.measure(echoBinary: LocalWorkers.currentExecutable, pipelined: 50_000, synchronous: 2_000)
    var measured: [DispatchRun.Result] = []
    for slots in slotSettings {
        measured.append(
            try DispatchRun.measure(
                tasks: tasks, workers: workers, slots: slots, prefetch: prefetch,
                sweepBinary: binDirectory.appendingPathComponent("sweep"))
        )
    }
    guard round > 0 else { continue }  // warm-up
    floor.rate.append(raw.roundTripsPerSecond); floor.latency.append(raw.medianMicroseconds)
    for (index, result) in measured.enumerated() {
        ours[index].rate.append(result.tasksPerSecond)
        ours[index].latency.append(result.medianMicroseconds)
        ours[index].startup.append(result.startupSeconds * 1000)
    }
}

func median(_ values: [Double]) -> Double {
    let s = values.sorted(); return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
}
func row(_ name: String, _ values: [Double], _ unit: String, digits: Int = 0) -> String {
    let f = { (v: Double) in String(format: "%.\(digits)f", v) }
    return "| \(name) | \(f(median(values))) \(unit) | \(f(values.min()!))–\(f(values.max()!)) |"
}
print("| measure | median | spread (min–max) |")
print("|---|---:|---:|")
print(row("raw libzmq ROUTER/DEALER, 16 in flight", floor.rate, "round trips/s"))
print(row("raw libzmq synchronous round trip", floor.latency, "µs", digits: 1))
for (index, slots) in slotSettings.enumerated() {
    let queued = prefetch > 0 ? " + \(prefetch) prefetched" : ""
    let label = "sweep, \(workers) workers × \(slots) slots\(queued) (\(workers * (slots + prefetch)) in flight)"
    print(row("\(label): no-op tasks", ours[index].rate, "tasks/s"))
    print(row("\(label): dispatch → counted result", ours[index].latency, "µs", digits: 1))
    print(row("\(label): start-up until first dispatch", ours[index].startup, "ms", digits: 1))
}
print("")
print("| ratio (medians) | value |")
print("|---|---:|")
for (index, slots) in slotSettings.enumerated() {
    print(
        String(
            format: "| sweep (%d in flight) tasks/s ÷ raw round trips/s (budget ≥ 0.2) | %.3f |",
            workers * (slots + prefetch),
            median(ours[index].rate) / median(floor.rate)))
    print(
        String(
            format: "| sweep (%d in flight) tasks/s ÷ 20,000 budget | %.2f |", workers * (slots + prefetch),
            median(ours[index].rate) / 20_000))
    print(
        String(
            format: "| sweep (%d in flight) per-task latency ÷ raw synchronous round trip | %.2f |",
            workers * (slots + prefetch),
            median(ours[index].latency) / median(floor.latency)))
}
