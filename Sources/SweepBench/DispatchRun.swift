import Foundation
import Logging
import SweepCore
import SweepRuntime

/// Ours: a noop sweep through the real coordinator (in this process) and worker processes.
enum DispatchRun {
    struct Result {
        var tasksPerSecond: Double
        var medianMicroseconds: Double
        var startupSeconds: Double
    }

    static func measure(tasks: Int, workers: Int, slots: Int, prefetch: Int = 0, sweepBinary: URL) throws -> Result {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "sweep-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let folds = 2
        let spec = """
            name: dispatch-bench
            cv: {folds: \(folds)}
            trainer: {model: noop}
            space: {score: {int: [0, \(tasks / folds - 1)]}}
            objective: {metric: score}
            limits: {prefetch: \(prefetch)}
            refit: false
            """
        let specPath = directory.appendingPathComponent("spec.yaml").path
        try spec.write(toFile: specPath, atomically: true, encoding: .utf8)
        let sweep = try SweepLoader.load(specPath: specPath)
        var logger = Logger(label: "bench") { ConsoleLogHandler(label: $0) }
        logger.logLevel = .warning
        // The whole sweep as `sweep run` has it: every dispatch and result is committed to run.db.
        let runDirectory = directory.appendingPathComponent("run").path
        let record = try RunRecord.create(
            directory: runDirectory, sweep: sweep, mode: "run",
            bind: "tcp://127.0.0.1:*", keyPath: nil, allowPaths: [], insecure: false)
        let lifecycle = try SweepLifecycle(
            sweep: sweep, record: record,
            options: .init(
                bind: "tcp://127.0.0.1:*", showProgress: false, stopOnSignals: false,
                localWorkers: .init(count: workers, slots: slots, logLevel: "warning", executable: sweepBinary)),
            logger: logger)
        let wall = try lifecycle.run().wallSeconds
        let timings = try RunTimings.read(directory: runDirectory)
        precondition(timings.dispatchToCounted.count == tasks, "the benchmark sweep did not finish")
        let startup = timings.firstDispatch ?? 0
        let latencies = timings.dispatchToCounted.sorted()
        return Result(
            tasksPerSecond: Double(tasks) / (wall - startup),
            medianMicroseconds: latencies[latencies.count / 2] * 1e6, startupSeconds: startup)
    }
}
