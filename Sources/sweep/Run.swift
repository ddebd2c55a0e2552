import ArgumentParser
import Foundation
import SweepRuntime

struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a sweep on this machine: a coordinator and local worker processes on loopback.")

    @Argument(help: "The sweep spec (YAML or JSON).")
    var spec: String

    @Option(help: "Worker processes to start (default: one per core).")
    var workers: Int = ProcessInfo.processInfo.activeProcessorCount

    @Option(help: "Task slots per worker process.")
    var slots: Int = 1

    @Option(help: "Run directory to write (default: runs/NAME-TIMESTAMP).")
    var out: String?

    @Flag(help: "Keep each task's directory in the workers' cache after its result is delivered (for debugging).")
    var keepTaskDirs = false

    @OptionGroup var common: CommonOptions
    @OptionGroup var notify: NotifyOptions
    @OptionGroup var dashboard: DashboardOptions

    func validate() throws {
        try checkLocalWorkers(workers: workers, slots: slots)
        try dashboard.check(keyed: false)
    }

    func run() throws {
        let sweep = try SweepLoader.load(specPath: spec)
        try Self.serve(
            sweep, directory: out ?? RunDirectory.defaultPath(name: sweep.spec.name), workers: workers, slots: slots,
            keepTaskDirs: keepTaskDirs, common: common, notify: notify, dashboard: dashboard)
    }

    /// Starts a loaded sweep in `directory` with local workers on loopback and serves it to its
    /// end: `sweep run`'s path, which `sweep retrain` takes too (`started` sees the new record
    /// before the first trial).
    static func serve(
        _ sweep: LoadedSweep, directory: String, workers: Int, slots: Int, keepTaskDirs: Bool, common: CommonOptions,
        notify: NotifyOptions, dashboard: DashboardOptions, started: (RunRecord) throws -> Void = { _ in }
    ) throws {
        let record = try RunRecord.create(
            directory: directory, sweep: sweep, mode: "run", bind: "tcp://127.0.0.1:*", keyPath: nil,
            allowPaths: [], insecure: false, localWorkers: (workers, slots))
        try started(record)
        var local = SweepLifecycle.LocalWorkerOptions(count: workers, slots: slots, logLevel: common.workerLogLevel)
        local.keepTaskDirectories = keepTaskDirs
        let lifecycle = try SweepLifecycle(
            sweep: sweep, record: record,
            options: .init(
                bind: "tcp://127.0.0.1:*", heartbeatInterval: common.heartbeatSeconds,
                localWorkers: local),
            logger: common.logger("sweep"))
        try dashboard.serving(lifecycle, logger: common.logger("sweep")) {
            try notify.around(directory: directory, logger: common.logger("sweep")) { try finish(lifecycle) }
        }
    }
}
