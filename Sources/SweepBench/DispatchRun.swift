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

    static func measure(tasks: Int, workers: Int, slots: Int, sweepBinary: URL) throws -> Result {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sweep-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let folds = 2
        let spec = """
        name: dispatch-bench
        cv: {folds: \(folds)}
        trainer: {model: noop}
        space: {score: {int: [0, \(tasks / folds - 1)]}}
        objective: {metric: score}
        """
        let specPath = directory.appendingPathComponent("spec.yaml").path
        try spec.write(toFile: specPath, atomically: true, encoding: .utf8)
        let sweep = try SweepLoader.load(specPath: specPath)
        var logger = Logger(label: "bench") { ConsoleLogHandler(label: $0) }
        logger.logLevel = .warning
        // With the run database, as `sweep run` has it: every dispatch and result is committed.
        let record = try RunRecord.create(directory: directory.appendingPathComponent("run").path, sweep: sweep, mode: "run",
                                          bind: "tcp://127.0.0.1:*", keyPath: nil, allowPaths: [], insecure: false)
        let service = try CoordinatorService(sweep: sweep, options: .init(bind: "tcp://127.0.0.1:*", showProgress: false), logger: logger,
                                             record: record)
        let local = LocalWorkers()
        defer { local.stop() }
        try local.start(count: workers, connect: service.endpoint, slots: slots, heartbeatInterval: 1, logLevel: "warning",
                        executable: sweepBinary)
        let outcome = try service.run()
        service.close()
        precondition(outcome.complete && outcome.records.count == tasks, "the benchmark sweep did not finish")
        let startup = outcome.firstDispatch ?? 0
        let latencies = outcome.roundTrips.sorted()
        return Result(tasksPerSecond: Double(tasks) / (outcome.wallSeconds - startup),
                      medianMicroseconds: latencies[latencies.count / 2] * 1e6, startupSeconds: startup)
    }
}
