import ArgumentParser
import Foundation
import SweepCore
import SweepRuntime

struct Resume: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resume",
        abstract:
            "Continue a sweep from its run directory after the coordinator stopped or crashed, or give it more budget.",
        discussion: """
            Counted tasks are never run again; the rest are dispatched again. Workers that were connected \
            re-register on their own and resend results that were not acknowledged. A sweep started with \
            `sweep run` resumes with as many local workers and slots as it started with (or --workers, \
            --slots); one started with `sweep coordinator` binds the same address (or --bind) with the same \
            keys (or --key/--allow/--insecure). A sweep whose coordinator still runs on this host is not \
            resumed twice; a finished sweep is left as it is, unless --trials or --time-limit give it more \
            budget: then it runs on (its sampler continues from the whole history, as if never interrupted), \
            and its report and best trial are made again at its end. A raised budget is kept in run.db (the \
            spec text stays as written) and restarts the stop_after_no_improvement count.
            """)

    @Argument(help: "The run directory (it holds run.db).")
    var directory: String

    @Option(help: "Raise the budget to this many trials in all (above the trials suggested so far).")
    var trials: Int?

    @Option(
        name: .customLong("time-limit"),
        help: "Raise the search's time limit to this much in all, earlier runs included (e.g. 30m, 2h).")
    var timeLimit: String?

    @OptionGroup var serving: ResumeOptions

    func validate() throws {
        try serving.check()
        if let trials, trials < 1 { throw ValidationError("--trials must be at least 1, got \(trials)") }
        if let timeLimit, parseDuration(timeLimit) == nil {
            throw ValidationError("--time-limit expects a duration such as 90s, 30m or 2h, got '\(timeLimit)'")
        }
    }

    func run() throws {
        let seconds = timeLimit.flatMap(parseDuration)
        if trials != nil || seconds != nil {
            try RunRecord.checkResumable(directory: directory)
            Console.shared.line(try RunRecord.raiseBudget(directory: directory, trials: trials, timeLimit: seconds))
        } else if let note = try RunRecord.finishedNote(directory: directory) {
            print(note)
            return
        }
        try serving.resume(directory: directory)
    }
}

/// What `sweep resume` and `sweep retry` serve a sweep again with: its local workers, or its
/// address and keys.
struct ResumeOptions: ParsableArguments {
    @Option(help: "Address to listen on (default: the one the sweep started with).")
    var bind: String?

    @Option(
        help:
            "Local worker processes, for a sweep started with `sweep run` (default: as many as it started with, else one per core)."
    )
    var workers: Int?

    @Option(help: "Task slots per local worker process (default: as many as the sweep started with, else 1).")
    var slots: Int?

    @Option(help: "The coordinator's secret key file (default: the one the sweep started with).")
    var key: String?

    @Option(help: "Allowed worker public keys (default: the ones the sweep started with).")
    var allow: [String] = []

    @Flag(help: "Serve without encryption or authentication (trusted networks only).")
    var insecure = false

    @OptionGroup var common: CommonOptions
    @OptionGroup var notify: NotifyOptions
    @OptionGroup var dashboard: DashboardOptions

    func check() throws {
        try checkLocalWorkers(workers: workers, slots: slots)
        if let bind {  // parsed here; whether it needs keys depends on the run directory
            try checkAddress("--bind", bind, keyed: true, insecure: true, what: "serve \(bind)", risk: "")
        }
    }

    /// Reopens the run directory's sweep and serves it to its end (`acceptingNewCode`: `sweep retry`,
    /// whose fix may be in the trainer's workdir).
    func resume(directory: String, acceptingNewCode: Bool = false) throws {
        let record = try RunRecord.resume(directory: directory)
        let logger = common.logger("sweep")
        if let elsewhere = record.servedElsewhere {
            logger.warning(
                "the sweep was last served by \(elsewhere); if that coordinator still runs, stop it: two coordinators must not serve one run directory"
            )
        }
        if record.specFileChanged == true {
            logger.notice("\(record.specPath) changed since the sweep started; resuming with the spec stored in run.db")
        }
        let loaded: LoadedSweep
        do {
            let reloaded = try SweepLoader.load(specText: record.specText, specPath: record.specPath)
            if acceptingNewCode {
                let adopted = try record.verifyAdoptingCode(reloaded)
                loaded = adopted.sweep
                if adopted.codeChanged {
                    logger.notice(
                        "the trainer's workdir changed since the sweep started: the retried tasks run the new code")
                }
            } else {
                loaded = try record.verify(reloaded)
            }
        } catch let error as SpecError {
            throw SweepError(.invalidInput, "the stored spec no longer loads:\n\(error)")
        }
        var options = SweepLifecycle.Options(bind: "tcp://127.0.0.1:*", heartbeatInterval: common.heartbeatSeconds)
        if record.mode == "run" {
            options.localWorkers = .init(
                count: workers ?? record.localWorkers ?? ProcessInfo.processInfo.activeProcessorCount,
                slots: slots ?? record.localSlots ?? 1, logLevel: common.workerLogLevel)
        } else {
            options.bind = bind ?? record.bind
            let keyPath = key ?? (insecure ? nil : record.keyPath)
            options.security = try coordinatorSecurity(key: keyPath, allow: allow.isEmpty ? record.allowPaths : allow)
            if case .plaintext = options.security {
                try checkAddress(
                    bind == nil ? "the recorded address" : "--bind", options.bind, keyed: false,
                    insecure: insecure || record.insecure, what: "serve \(options.bind)",
                    risk: "anyone who can reach that port could join and receive your data")
            }
        }
        if record.mode.hasPrefix("launch-") {
            (options.launcher, options.advertiseHost) = try LaunchCommand.relaunch(
                runDirectory: directory, sweep: loaded, common: common)
        }
        let lifecycle = try SweepLifecycle(sweep: loaded, record: record, options: options, logger: logger)
        try dashboard.serving(lifecycle, logger: logger) {
            try notify.around(directory: directory, logger: logger) { try finish(lifecycle) }
        }
    }
}

/// Refuses local worker counts a machine cannot mean (nil: not given, the default applies).
func checkLocalWorkers(workers: Int?, slots: Int?) throws {
    if let workers, !(1...1024).contains(workers) {
        throw ValidationError("--workers must be between 1 and 1024, got \(workers)")
    }
    if let slots, !(1...4096).contains(slots) {
        throw ValidationError("--slots must be between 1 and 4096, got \(slots)")
    }
}
