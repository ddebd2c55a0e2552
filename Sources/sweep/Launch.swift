import ArgumentParser
import Foundation
import SweepCore
import SweepRuntime

struct Launch: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "launch",
        abstract: "Run a sweep here and start its workers through Slurm or SSH; they are stopped when it ends.",
        discussion: """
            The coordinator runs in this process. Unless --bind is a loopback address, a fresh key pair for \
            the coordinator and one for the workers are made in RUN/launch/keys (readable by you only), and \
            the coordinator admits those workers and no one else. When the sweep ends, fails, or is \
            interrupted (SIGINT/SIGTERM), every job and worker it started is stopped.
            """,
        subcommands: [LaunchSlurm.self, LaunchSSH.self])
}

/// What a launcher needs to start workers for one sweep.
struct LaunchContext {
    /// The run directory (run.db, logs, launch/).
    let directory: String
    /// The workers' keys, or nil on loopback.
    let keys: LaunchKeys?
    let sweep: LoadedSweep
    /// `--heartbeat` and the workers' `--log-level`, to pass on.
    let heartbeat: String
    let workerLogLevel: String
}

/// What every `sweep launch ENGINE` shares: the spec, where to serve, the run directory.
struct LaunchOptions: ParsableArguments {
    @Argument(help: "The sweep spec (YAML or JSON).")
    var spec: String

    @Option(
        help:
            "Address to listen on (default: every interface, a free port, with fresh keys). On loopback, e.g. tcp://127.0.0.1:5555, no keys are made."
    )
    var bind: String = "tcp://*:*"

    @Option(help: "The host name or address workers reach this host by (default: this host's name).")
    var advertise: String?

    @Option(help: "Run directory to write (default: runs/NAME-TIMESTAMP).")
    var out: String?

    @OptionGroup var common: CommonOptions
    @OptionGroup var notify: NotifyOptions
    @OptionGroup var dashboard: DashboardOptions

    /// Whether this sweep gets keys: any address but loopback.
    var keyed: Bool { (try? Endpoint(bind))?.loopbackProblem != nil }

    func check() throws {
        // Keys are made for any address beyond loopback, so every address is allowed here.
        try checkAddress("--bind", bind, keyed: true, insecure: false, what: "serve \(bind)", risk: "")
        if let advertise {
            guard !advertise.isEmpty, !advertise.contains(where: { $0.isWhitespace || $0 == "/" }) else {
                throw ValidationError("--advertise '\(advertise)' is not a host name or address")
            }
        }
        try dashboard.check(keyed: keyed)
    }

    /// Serves the spec, with `makeLauncher` starting the workers once the coordinator is bound.
    /// Call it after the engine's own checks, so that bad input fails before a run directory exists.
    func serve(mode: String, makeLauncher: (LaunchContext) throws -> any WorkerLauncher) throws {
        let sweep = try SweepLoader.load(specPath: spec)
        let directory = out ?? RunDirectory.defaultPath(name: sweep.spec.name)
        let keyDirectory = (directory as NSString).appendingPathComponent("launch/keys")
        let record = try RunRecord.create(
            directory: directory, sweep: sweep, mode: mode, bind: bind,
            keyPath: keyed ? (keyDirectory as NSString).appendingPathComponent("coordinator.key_secret") : nil,
            allowPaths: keyed ? [(keyDirectory as NSString).appendingPathComponent("worker.key")] : [],
            insecure: false)
        let keys = keyed ? try LaunchKeys.create(runDirectory: directory) : nil
        try LaunchCommand.record(runDirectory: directory)
        let context = LaunchContext(
            directory: directory, keys: keys, sweep: sweep, heartbeat: common.heartbeat,
            workerLogLevel: common.workerLogLevel)
        var options = SweepLifecycle.Options(
            bind: bind, heartbeatInterval: common.heartbeatSeconds,
            security: try keys?.coordinatorSecurity() ?? .plaintext,
            launcher: try makeLauncher(context))
        options.advertiseHost = advertise
        let lifecycle = try SweepLifecycle(
            sweep: sweep, record: record, options: options, logger: common.logger("sweep"))
        try dashboard.serving(lifecycle, logger: common.logger("sweep")) {
            try notify.around(directory: directory, logger: common.logger("sweep")) { try finish(lifecycle) }
        }
    }
}

/// A `sweep launch ENGINE` command: it can make its launcher again from its own options, so that
/// `sweep resume` of a launched sweep starts its workers through the same engine.
protocol LaunchEngine: ParsableCommand {
    var launch: LaunchOptions { get }
    func makeLauncher(_ context: LaunchContext) throws -> any WorkerLauncher
}

/// The command line a launched sweep started with, kept in RUN/launch/command.json.
struct LaunchCommand: Codable {
    var arguments: [String]
    var directory: String

    static func path(runDirectory: String) -> String {
        (runDirectory as NSString).appendingPathComponent("launch/command.json")
    }

    /// Records this process's command line (the engine's options) for a later resume.
    static func record(runDirectory: String) throws {
        let command = LaunchCommand(
            arguments: Array(CommandLine.arguments.dropFirst()), directory: FileManager.default.currentDirectoryPath)
        let url = URL(fileURLWithPath: path(runDirectory: runDirectory))
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try JSONEncoder().encode(command).write(to: url, options: .atomic)
    }

    /// The launcher a resumed sweep in `runDirectory` starts its workers with again (relative paths
    /// in the options are read from the directory the sweep was launched in).
    static func relaunch(
        runDirectory: String, sweep: LoadedSweep, common: CommonOptions
    ) throws -> (launcher: any WorkerLauncher, advertise: String?) {
        let runDirectory = URL(fileURLWithPath: runDirectory).standardizedFileURL.path
        let file = path(runDirectory: runDirectory)
        guard let data = FileManager.default.contents(atPath: file),
            let command = try? JSONDecoder().decode(LaunchCommand.self, from: data)
        else {
            throw SweepError(
                .cannotStart,
                "\(file) is missing or unreadable, so the workers cannot be launched again; resume with --bind and start workers by hand"
            )
        }
        // Relative paths in the options (a hosts file) are read where the sweep was launched.
        let here = FileManager.default.currentDirectoryPath
        guard FileManager.default.changeCurrentDirectoryPath(command.directory) else {
            throw SweepError(.cannotStart, "the sweep was launched in \(command.directory), which is gone")
        }
        defer { _ = FileManager.default.changeCurrentDirectoryPath(here) }
        let parsed: ParsableCommand
        do { parsed = try Sweep.parseAsRoot(command.arguments) } catch {
            throw SweepError(
                .cannotStart,
                "the recorded launch command in \(file) no longer works: \(Sweep.message(for: error))")
        }
        guard let engine = parsed as? any LaunchEngine else {
            throw SweepError(.cannotStart, "\(file) does not record a `sweep launch` command")
        }
        let context = LaunchContext(
            directory: runDirectory, keys: LaunchKeys.existing(runDirectory: runDirectory), sweep: sweep,
            heartbeat: common.heartbeat, workerLogLevel: common.workerLogLevel)
        return (try engine.makeLauncher(context), engine.launch.advertise)
    }
}
