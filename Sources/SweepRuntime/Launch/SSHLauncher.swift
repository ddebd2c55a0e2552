import Foundation
import Glibc
import Logging

/// Starts a worker on each host of a hosts file over the system's `ssh` (so ~/.ssh/config, agents
/// and jump hosts work): copies this very binary to a host that lacks it (by content hash, into a
/// per-user cache), starts `sweep worker --keys-from-stdin` and writes the sweep's worker keys to its
/// stdin, keeping it open: the worker lives as long as that channel. Unreachable hosts are
/// reported and the sweep goes on with the rest. Every ssh is a child of this process.
public final class SSHLauncher: WorkerLauncher, @unchecked Sendable {  // safe: mutable state guarded by `condition`
    public struct Options: Sendable {
        public var hosts: [HostEntry]
        /// The `ssh` program (a full path, found on PATH beforehand).
        public var ssh: String
        /// `--ssh-arg`s, passed to every ssh before the destination.
        public var sshArguments: [String]
        /// `LaunchKeys.workerStdinText()`, or nil for a loopback sweep without keys.
        public var keysText: String?
        public var heartbeat: String
        public var logLevel: String
        /// The binary to run on the hosts (this one).
        public var executable: URL
        /// Where each host's ssh output goes: DIR/HOST.log.
        public var logDirectory: String
        /// Where ssh runs, so relative paths in `sshArguments` mean what they meant at launch
        /// (also when `sweep resume` starts the workers again from another directory).
        public var workingDirectory = FileManager.default.currentDirectoryPath
        public var connectTimeout = 10
        /// How long workers may take to drain and exit after their stdin closed.
        public var stopGrace = 30.0

        public init(
            hosts: [HostEntry], ssh: String, sshArguments: [String], keysText: String?, heartbeat: String,
            logLevel: String, executable: URL, logDirectory: String
        ) {
            self.hosts = hosts
            self.ssh = ssh
            self.sshArguments = sshArguments
            self.keysText = keysText
            self.heartbeat = heartbeat
            self.logLevel = logLevel
            self.executable = executable
            self.logDirectory = logDirectory
        }
    }

    public let engine = "SSH"
    let options: Options
    let logger: Logger
    private let condition = NSCondition()
    private var states: [SSHHostState]
    /// The ssh each host runs now (nil between steps and when done).
    private var current: [SSHProcess?]
    private var stopping = false
    /// SIGINT/SIGTERM came while `launch` waited for a first worker: hosts still starting give up.
    private var interrupted = false
    private var hostsDone = 0
    private var launched = false
    /// `launch` returned with a worker running: from now on, every host failing ends the sweep.
    private var serving = false
    private var stopSweep: (@Sendable (String) -> Void)?

    public init(options: Options, logger: Logger) {
        self.options = options
        self.logger = logger
        states = Array(repeating: .starting, count: options.hosts.count)
        current = Array(repeating: nil, count: options.hosts.count)
    }

    /// What the hosts are doing now (for tests and the progress line).
    public var hostStates: [SSHHostState] { condition.withLock { states } }

    public func progressNote() -> String? { SSHHostState.progressNote(hostStates) }

    public func attach(stop: @escaping @Sendable (String) -> Void) { condition.withLock { stopSweep = stop } }

    public func launch(connect: String) throws {
        let binary: (hash: String, size: Int)
        do {
            let size = try FileManager.default.attributesOfItem(atPath: options.executable.path)[.size] as? Int ?? 0
            binary = (try ContentHash.sha256(fileAt: options.executable), size)
        } catch {
            throw SweepError(.cannotStart, "cannot read the sweep binary \(options.executable.path): \(error)")
        }
        try FileManager.default.createDirectory(atPath: options.logDirectory, withIntermediateDirectories: true)
        // A write to an ssh that has gone must fail with EPIPE, not end the coordinator.
        signal(SIGPIPE, SIG_IGN)
        let started = Date()
        condition.withLock { launched = true }
        for index in options.hosts.indices {
            let thread = Thread { [self] in
                runHost(index, connect: connect, binary: binary, started: started)
                condition.withLock {
                    hostsDone += 1
                    condition.broadcast()
                }
            }
            thread.name = "sweep.ssh.\(options.hosts[index].host)"
            thread.start()
        }
        // A Ctrl-C while no worker runs yet (e.g. during a copy over a slow link) ends those ssh at
        // once; afterwards the sweep's own stop and `shutdown` take over.
        let watcher = SignalWatcher { [self] _ in interruptStarting() }
        defer { withExtendedLifetime(watcher) {} }
        // The sweep starts as soon as one worker runs; the other hosts carry on meanwhile.
        let reasons: [String]? = condition.withLock {
            while !states.contains(.running) && !states.allSatisfy(\.isSettled) { condition.wait() }
            guard !states.contains(.running) else {
                serving = true
                return nil
            }
            return zip(options.hosts, states).map { "  \($0.destination): \(Self.reason($1))" }
        }
        if let reasons {
            shutdown()
            if condition.withLock({ interrupted }) {
                throw SweepError(.incomplete, "interrupted before a worker started over SSH")
            }
            throw SweepError(
                .cannotStart,
                "no host could be started over SSH:\n\(reasons.joined(separator: "\n"))\n"
                    + "  Check that `\(options.ssh) -o BatchMode=yes HOST true` logs in without a prompt;"
                    + " ssh's output is in \(options.logDirectory)")
        }
    }

    /// Ends the ssh of every host that has no running worker yet (its step fails; the host settles).
    private func interruptStarting() {
        condition.withLock {
            interrupted = true
            for (index, process) in current.enumerated() where states[index] != .running {
                if let process { kill(process.pid, SIGTERM) }
            }
        }
    }

    static func reason(_ state: SSHHostState) -> String {
        switch state {
        case .unreachable(let why): "unreachable (\(why))"
        case .failed(let why): "failed (\(why))"
        default: "\(state)"
        }
    }

    /// One host, on a thread of its own: start; if the binary is missing, copy it and start again.
    private func runHost(_ index: Int, connect: String, binary: (hash: String, size: Int), started: Date) {
        let host = options.hosts[index]
        let log = HostLog(path: (options.logDirectory as NSString).appendingPathComponent("\(host.host).log"))
        let workerArguments = SSHCommand.workerArguments(
            host: host, connect: connect, keyed: options.keysText != nil, heartbeat: options.heartbeat,
            logLevel: options.logLevel)
        let start = SSHCommand.startScript(
            hash: binary.hash, workerArguments: workerArguments, platform: .current)
        var copied = false
        while true {
            let outcome = run(index, remote: start, input: .pipe, log: log) { [self] line, process in
                guard line == SSHCommand.Marker.starting else { return false }
                if let keys = options.keysText, !condition.withLock({ process.write(keys) }) { return false }
                logger.info(
                    "ssh \(host.host): started worker \(host.workerName) \(Self.seconds(since: started)) after launch")
                return true
            }
            guard case .missing = outcome, !copied else {
                settle(index, outcome, host: host)
                return
            }
            copied = true
            set(index, .copying)
            logger.info("ssh \(host.host): copying the sweep binary (\(binary.size / 1_000_000) MB) to its cache")
            let copyStarted = Date()
            let copy = run(
                index, remote: SSHCommand.copyScript(hash: binary.hash, size: binary.size),
                input: .file(options.executable.path), log: log
            ) { line, _ in line == SSHCommand.Marker.copied }
            guard case .ended(_, true, _) = copy else {
                settle(index, copy.asFailure, host: host)
                return
            }
            logger.info(
                "ssh \(host.host): copied the sweep binary (\(binary.size / 1_000_000) MB) to its cache in \(Self.seconds(since: copyStarted))"
            )
            set(index, .starting)
        }
    }

    enum Outcome {
        /// The host lacks the binary.
        case missing
        /// ssh ended (status), after `reached` (the step's marker came) or not; its last line.
        case ended(status: Int32, reached: Bool, lastLine: String?)
        case cannotSpawn(String)

        var asFailure: Outcome {
            if case .ended(let status, _, let line) = self {
                return .ended(status: status, reached: false, lastLine: line)
            }
            return self
        }
    }

    /// Runs one ssh for a host to its end, its output to the host's log; `onLine` is told every line
    /// and returns true when it is the step's marker (for the start: the worker now runs).
    private func run(
        _ index: Int, remote: String, input: SSHProcess.Input, log: HostLog,
        onLine: (String, SSHProcess) -> Bool
    ) -> Outcome {
        let process: SSHProcess
        do {
            process = try condition.withLock {
                guard !stopping && !interrupted else {
                    throw SSHProcess.SpawnError(description: "the sweep is stopping")
                }
                let arguments = SSHCommand.arguments(
                    destination: options.hosts[index].destination, remote: remote, extra: options.sshArguments,
                    connectTimeout: options.connectTimeout)
                let process = try SSHProcess(
                    program: options.ssh, arguments: arguments, input: input, directory: options.workingDirectory)
                current[index] = process
                return process
            }
        } catch {
            return .cannotSpawn("\(error)")
        }
        var reached = false, missing = false
        var lastLine: String?
        while let line = process.readLine() {
            log.append(line)
            if line == SSHCommand.Marker.missing { missing = true } else if !line.isEmpty { lastLine = line }
            if !reached && onLine(line, process) {
                reached = true
                if line == SSHCommand.Marker.starting { set(index, .running) }
            }
        }
        process.awaitExit()
        let status = condition.withLock {
            current[index] = nil
            return process.reap()
        }
        log.append("(ssh exited with status \(status))")
        if missing && !reached { return .missing }
        return .ended(status: status, reached: reached, lastLine: lastLine)
    }

    private func settle(_ index: Int, _ outcome: Outcome, host: HostEntry) {
        let ending = condition.withLock { stopping || interrupted }
        let state: SSHHostState
        switch outcome {
        case .missing: state = .failed("the sweep binary is still missing after it was copied")
        case .cannotSpawn(let why): state = ending ? .stopped : .failed(why)
        case .ended(let status, let reached, let lastLine):
            state = SSHHostState.afterExit(status: status, started: reached, lastLine: lastLine, stopping: ending)
        }
        set(index, state)
        if case .ended(_, false, _) = outcome, state == .stopped {
            logger.warning("ssh \(host.host): the sweep ended before its worker started")
        } else if state != .stopped {
            let left = hostStates.filter { $0 == .running || !$0.isSettled }.count
            logger.warning(
                "ssh \(host.host): \(Self.reason(state)); the sweep goes on with \(left) other host(s) (log: \(options.logDirectory)/\(host.host).log)"
            )
        }
        stopIfEveryHostFailed()
    }

    /// Ends the sweep once no host runs a worker and none is still starting (each failed or became
    /// unreachable after the sweep began): nobody would ever run its tasks otherwise.
    private func stopIfEveryHostFailed() {
        let (stop, reasons): ((@Sendable (String) -> Void)?, [String]) = condition.withLock {
            guard serving, !stopping, !interrupted,
                states.allSatisfy({ $0.isSettled && $0 != .running && $0 != .stopped })
            else { return (nil, []) }
            return (stopSweep, zip(options.hosts, states).map { "\($0.destination): \(Self.reason($1))" })
        }
        stop?("no host runs a worker over SSH any more (\(reasons.joined(separator: "; ")))")
    }

    private func set(_ index: Int, _ state: SSHHostState) {
        condition.withLock {
            states[index] = state
            condition.broadcast()
        }
    }

    public func shutdown() {
        let running: Int? = condition.withLock {
            guard launched, !stopping else { return nil }
            stopping = true
            for (index, process) in current.enumerated() {
                guard let process else { continue }
                // Closing stdin is a worker's signal to drain and exit; ssh then ends on its own.
                // An ssh still logging in or copying has no worker to wait for.
                if states[index] == .running { process.closeStdin() } else { kill(process.pid, SIGTERM) }
            }
            return states.filter { $0 == .running }.count
        }
        guard let running else { return }
        if !awaitHosts(seconds: options.stopGrace) {
            signalRemaining(SIGTERM)
            if !awaitHosts(seconds: 3) {
                signalRemaining(SIGKILL)
                _ = awaitHosts(seconds: 3)
            }
        }
        if running > 0 { logger.info("stopped the workers on \(running) host(s) over SSH") }
    }

    /// Waits until every host's thread is done (its ssh exited); false after `seconds`.
    private func awaitHosts(seconds: Double) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        return condition.withLock {
            while hostsDone < options.hosts.count {
                if !condition.wait(until: deadline) { return hostsDone == options.hosts.count }
            }
            return true
        }
    }

    /// Signals the ssh processes still running, by pid (unreaped, so the pid is still theirs).
    private func signalRemaining(_ signal: Int32) {
        condition.withLock {
            for process in current.compactMap({ $0 }) where !process.hasExited {
                logger.warning("ssh pid \(process.pid) still runs; sending signal \(signal)")
                kill(process.pid, signal)
            }
        }
    }

    static func seconds(since start: Date) -> String {
        String(format: "%.1f s", Date().timeIntervalSince(start))
    }

    deinit { shutdown() }
}

/// A host's ssh output, appended line by line to its log file.
final class HostLog {
    private let handle: FileHandle?

    /// Opens `path` for appending (a resumed launch keeps the first run's lines), creating it if needed.
    init(path: String) {
        if !FileManager.default.fileExists(atPath: path) {
            _ = FileManager.default.createFile(atPath: path, contents: nil)
        }
        handle = FileHandle(forWritingAtPath: path)
        _ = try? handle?.seekToEnd()
    }

    func append(_ line: String) { try? handle?.write(contentsOf: Data((line + "\n").utf8)) }

    deinit { try? handle?.close() }
}
