import ArgumentParser
import Foundation
import SweepRuntime

struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a sweep on this machine: a coordinator and local worker processes on loopback.")

    @Argument(help: "The sweep spec (YAML or JSON).")
    var spec: String

    @Option(help: "Worker processes to start (default: one per core).")
    var workers: Int = ProcessInfo.processInfo.activeProcessorCount

    @Option(help: "Task slots per worker process.")
    var slots: Int = 1

    @Option(help: "Run directory to write (default: runs/NAME-TIMESTAMP).")
    var out: String?

    @OptionGroup var common: CommonOptions

    func validate() throws {
        guard workers >= 1 && workers <= 1024 else { throw ValidationError("--workers must be between 1 and 1024, got \(workers)") }
        guard slots >= 1 && slots <= 4096 else { throw ValidationError("--slots must be between 1 and 4096, got \(slots)") }
    }

    func run() throws {
        let sweep = try loadSweep(spec)
        let logger = common.logger("sweep")
        let directory = out ?? RunDirectory.defaultPath(name: sweep.spec.name)
        let record = try openRecord {
            try RunRecord.create(directory: directory, sweep: sweep, mode: "run", bind: "tcp://127.0.0.1:*", keyPath: nil,
                                 allowPaths: [], insecure: false)
        }
        let service = try startCoordinator(sweep, bind: "tcp://127.0.0.1:*", heartbeat: common.heartbeatSeconds, out: directory,
                                           record: record, logger: logger)
        let local = LocalWorkers()
        defer { local.stop() }
        try local.start(count: workers, connect: service.endpoint, slots: slots, heartbeatInterval: common.heartbeatSeconds,
                        logLevel: common.logLevel == "info" ? "warning" : common.logLevel)
        let ok = try serve(service, sweep: sweep, record: record, out: directory)
        if !ok { throw ExitCode(1) }
    }
}
