import ArgumentParser
import Foundation
import SweepRuntime

struct Worker: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker",
        abstract: "Run tasks for the coordinator at an address; stays up for the next sweep until stopped.",
        discussion:
            "SIGTERM or SIGINT: finish running tasks, deliver their results and exit. A second signal exits at once.")

    @Option(help: "The coordinator's address, e.g. tcp://10.0.0.5:5555.")
    var connect: String

    @Option(help: "Tasks to run at once (default: one per core).")
    var slots: Int = ProcessInfo.processInfo.activeProcessorCount

    @Option(help: "GPU ids this worker may hand out, e.g. 0,1 (each running task gets its own).")
    var gpus: String?

    @Option(help: "Cache for shipped files and task directories (default: $SWEEP_CACHE, else ~/.cache/sweep).")
    var cache: String?

    @Option(help: "A name for this worker in logs and reports (default: HOST-PID).")
    var name: String?

    @Option(help: "This worker's secret key file (NAME.key_secret from `sweep keygen`).")
    var key: String?

    @Option(help: "The coordinator's public key file (NAME.key): the only coordinator this worker trusts.")
    var serverKey: String?

    @Flag(help: "Connect without encryption or authentication (trusted networks only).")
    var insecure = false

    @Flag(
        help: """
            Read this worker's secret key and the coordinator's public key from stdin (secret-key = "…", \
            server-key = "…", then an empty line), as `sweep launch ssh` sends them: no key on a command \
            line or on disk. Implies --stop-on-stdin-eof.
            """)
    var keysFromStdin = false

    @Flag(
        help: """
            Drain and exit when stdin reaches end of file, so a worker started over ssh without a pty \
            stops when its ssh is closed or killed.
            """)
    var stopOnStdinEof = false

    @Flag(help: "Keep each task's directory in the cache after its result is delivered (for debugging).")
    var keepTaskDirs = false

    @Option(help: .hidden)
    var parentPid: Int32?

    var gpuIDs: [Int] { (gpus ?? "").split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) } }

    @OptionGroup var common: CommonOptions

    func validate() throws {
        guard slots >= 1 && slots <= 4096 else {
            throw ValidationError("--slots must be between 1 and 4096, got \(slots)")
        }
        // The worker id NAME@HOST travels in HELLO, whose names the wire bounds (WireLimits).
        if let name, name.utf8.count > 128 {
            throw ValidationError("--name has \(name.utf8.count) bytes; a worker name may have at most 128")
        }
        if let gpus, !gpus.isEmpty {
            let parts = gpus.split(separator: ",", omittingEmptySubsequences: false)
            guard parts.allSatisfy({ Int($0.trimmingCharacters(in: .whitespaces)).map { $0 >= 0 } ?? false }),
                Set(gpuIDs).count == parts.count
            else {
                throw ValidationError("--gpus '\(gpus)' is not a list of distinct GPU ids like 0,1,2")
            }
        }
        guard connect.hasPrefix("tcp://") || connect.hasPrefix("ipc://") else {
            throw ValidationError("--connect '\(connect)' is not an address like tcp://HOST:PORT")
        }
        if keysFromStdin,
            let other = [
                key.map { _ in "--key" }, serverKey.map { _ in "--server-key" }, insecure ? "--insecure" : nil,
            ].compactMap({ $0 }).first
        {
            throw ValidationError(
                "--keys-from-stdin and \(other) contradict each other: the keys come from stdin; drop \(other)")
        }
        if (key == nil) != (serverKey == nil) {
            throw ValidationError(
                "--key and --server-key go together: this worker's secret key and the coordinator's public key")
        }
        if key != nil && insecure { throw ValidationError("--insecure and --key contradict each other; drop one") }
        try checkAddress(
            "--connect", connect, keyed: key != nil || keysFromStdin, insecure: insecure, what: "join \(connect)",
            risk: "anyone on the way could pose as the coordinator and run commands on this host")
    }

    func run() throws {
        // Started by `sweep run`/`sweep resume`: go down with the parent, even if it is SIGKILLed.
        if let parentPid { ExecLauncher.dieWithParent(parentPid) }
        var security = WorkerSecurity.plaintext
        if keysFromStdin {
            let keys = try WorkerStdin.parseKeys(try WorkerStdin.readKeysText())
            security = .curve(publicKey: keys.publicKey, secretKey: keys.secretKey, serverKey: keys.serverKey)
        } else if let key, let serverKey {
            let keys = try KeyFiles.secretKeys(at: key)
            security = .curve(
                publicKey: keys.publicKey, secretKey: keys.secretKey, serverKey: try KeyFiles.publicKey(at: serverKey))
        }
        let workerName = name ?? "\(ProcessInfo.processInfo.hostName)-\(getpid())"
        let logger = common.logger("worker \(workerName)")
        let service = WorkerService(
            options: .init(
                connect: connect, slots: slots, gpus: gpuIDs, name: workerName,
                heartbeatInterval: common.heartbeatSeconds,
                cacheDirectory: cache.map { URL(fileURLWithPath: $0) }, security: security,
                keepTaskDirectories: keepTaskDirs),
            logger: logger)
        let remote = service.remote
        let watcher = SignalWatcher { count in remote.send(count == 1 ? .drain : .stop) }
        defer { withExtendedLifetime(watcher) {} }
        if keysFromStdin || stopOnStdinEof {
            // The channel that started this worker may be gone when it logs while draining: a
            // write to it fails instead of killing the worker mid-drain.
            signal(SIGPIPE, SIG_IGN)
            WorkerStdin.watchForEnd {
                logger.info("stdin closed: finishing running tasks, then exiting")
                remote.send(.drain)
            }
        }
        try service.run()
    }
}
