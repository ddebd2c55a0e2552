import ArgumentParser
import Foundation
import SweepCore
import SweepRuntime

struct Resume: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Continue a sweep from its run directory after the coordinator stopped or crashed.",
        discussion: """
        Counted tasks are never run again; the rest are dispatched again. Workers that were connected \
        re-register on their own and resend results that were not acknowledged. A sweep started with \
        `sweep run` resumes with local workers; one started with `sweep coordinator` binds the same \
        address (or --bind) with the same keys (or --key/--allow/--insecure).
        """)

    @Argument(help: "The run directory (it holds run.db).")
    var directory: String

    @Option(help: "Address to listen on (default: the one the sweep started with).")
    var bind: String?

    @Option(help: "Local worker processes, for a sweep started with `sweep run` (default: one per core).")
    var workers: Int = ProcessInfo.processInfo.activeProcessorCount

    @Option(help: "Task slots per local worker process.")
    var slots: Int = 1

    @Option(help: "The coordinator's secret key file (default: the one the sweep started with).")
    var key: String?

    @Option(help: "Allowed worker public keys (default: the ones the sweep started with).")
    var allow: [String] = []

    @Flag(help: "Serve without encryption or authentication (trusted networks only).")
    var insecure = false

    @OptionGroup var common: CommonOptions

    func run() throws {
        let record = try openRecord { try RunRecord.resume(directory: directory) }
        let logger = common.logger("sweep")
        let loaded: LoadedSweep
        do {
            loaded = try record.verify(try SweepLoader.load(specText: record.specText, specPath: record.specPath))
        } catch let error as SpecError {
            Console.shared.line("error: the stored spec no longer loads:\n\(error)")
            throw ExitCode(2)
        } catch let error as RunDatabaseError {
            Console.shared.line("error: \(error)")
            throw ExitCode(2)
        }
        let local = LocalWorkers()
        defer { local.stop() }
        let service: CoordinatorService
        if record.mode == "run" {
            service = try startCoordinator(loaded, bind: "tcp://127.0.0.1:*", heartbeat: common.heartbeatSeconds, out: directory,
                                           record: record, logger: logger)
            try local.start(count: workers, connect: service.endpoint, slots: slots, heartbeatInterval: common.heartbeatSeconds,
                            logLevel: common.logLevel == "info" ? "warning" : common.logLevel)
        } else {
            let address = bind ?? record.bind
            let keyPath = key ?? (insecure ? nil : record.keyPath)
            let allowPaths = allow.isEmpty ? record.allowPaths : allow
            let security: CoordinatorSecurity = try loadKeys {
                guard let keyPath else { return .plaintext }
                let keys = try KeyFiles.secretKeys(at: keyPath)
                return .curve(publicKey: keys.publicKey, secretKey: keys.secretKey, allow: allowPaths)
            }
            if case .plaintext = security, !isLocalEndpoint(address), !(insecure || record.insecure) {
                throw ValidationError(keyAdvice("serve \(address)", risk: "anyone who can reach that port could join and receive your data"))
            }
            service = try startCoordinator(loaded, bind: address, heartbeat: common.heartbeatSeconds, out: directory,
                                           security: security, record: record, logger: logger)
        }
        if !(try serve(service, sweep: loaded, record: record, out: directory)) { throw ExitCode(1) }
    }
}
