import Foundation
import Glibc

/// Worker processes started by `sweep run` on this host: the same binary, `worker` subcommand.
/// They are stopped by process id (SIGTERM, then SIGKILL after a grace period), never by name.
public final class LocalWorkers {
    public private(set) var processes: [Process] = []
    /// Workers already sent SIGTERM (a second one is not needed).
    private var asked: Set<Int32> = []

    public init() {}

    /// This very binary: `sweep run` starts its workers from itself.
    public static var currentExecutable: URL { URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath() }

    public func start(
        count: Int, connect: String, slots: Int, heartbeatInterval: Double, logLevel: String,
        executable: URL = LocalWorkers.currentExecutable, extraArguments: [String] = []
    ) throws {
        for index in 0..<count {
            let process = Process()
            process.executableURL = executable
            process.arguments =
                [
                    "worker", "--connect", connect, "--slots", String(slots), "--name", "local-\(index + 1)",
                    "--heartbeat", "\(heartbeatInterval)s", "--log-level", logLevel, "--parent-pid", String(getpid()),
                ] + extraArguments
            try process.run()
            processes.append(process)
        }
    }

    /// Asks each worker to drain and exit (SIGTERM, once), without waiting: the end of a sweep
    /// writes its report meanwhile.
    public func requestStop() {
        for process in processes where process.isRunning && !asked.contains(process.processIdentifier) {
            kill(process.processIdentifier, SIGTERM)
            asked.insert(process.processIdentifier)
        }
    }

    /// Asks each worker to drain and exit; kills any still running after `grace` seconds.
    public func stop(grace: Double = 3) {
        requestStop()
        let deadline = Date().addingTimeInterval(grace)
        for process in processes {
            while process.isRunning && Date() < deadline { usleep(1_000) }
            if process.isRunning {
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
            }
        }
    }
}
