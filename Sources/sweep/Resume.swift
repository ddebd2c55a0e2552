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
        let record = try RunRecord.resume(directory: directory)
        let logger = common.logger("sweep")
        if record.specFileChanged == true {
            logger.notice("\(record.specPath) changed since the sweep started; resuming with the spec stored in run.db")
        }
        let loaded: LoadedSweep
        do {
            loaded = try record.verify(try SweepLoader.load(specText: record.specText, specPath: record.specPath))
        } catch let error as SpecError {
            throw SweepError(.invalidInput, "the stored spec no longer loads:\n\(error)")
        }
        var options = SweepLifecycle.Options(bind: "tcp://127.0.0.1:*", heartbeatInterval: common.heartbeatSeconds)
        if record.mode == "run" {
            options.localWorkers = .init(count: workers, slots: slots, logLevel: common.workerLogLevel)
        } else {
            options.bind = bind ?? record.bind
            let keyPath = key ?? (insecure ? nil : record.keyPath)
            options.security = try coordinatorSecurity(key: keyPath, allow: allow.isEmpty ? record.allowPaths : allow)
            if case .plaintext = options.security, !isLocalEndpoint(options.bind), !(insecure || record.insecure) {
                throw ValidationError(
                    keyAdvice(
                        "serve \(options.bind)", risk: "anyone who can reach that port could join and receive your data"
                    ))
            }
        }
        try finish(try SweepLifecycle(sweep: loaded, record: record, options: options, logger: logger))
    }
}
