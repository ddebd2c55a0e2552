import ArgumentParser
import Foundation
import SweepRuntime

/// `sweep launch ssh SPEC --hosts FILE`: the coordinator here, a worker on each listed host.
struct LaunchSSH: LaunchEngine {
    static let configuration = CommandConfiguration(
        commandName: "ssh", abstract: "Run a sweep here with a worker on each host of a list, started over SSH.",
        discussion: """
            FILE lists one host a line: [user@]host [slots=N] [gpus=0,1] (# starts a comment). The system's \
            ssh logs in (so ~/.ssh/config, agents and jump hosts work; it must not ask for a password), \
            copies this sweep binary into ~/.cache/sweep/bin on a host that lacks the same build (by \
            content hash), and starts `sweep worker --keys-from-stdin` there, writing the sweep's worker \
            keys to its stdin (never on a command line). A worker lives as long as its ssh: when the \
            sweep ends, ssh's stdin is closed and the worker drains and exits. Unreachable hosts are \
            reported and the sweep goes on with the rest; ssh's output is in RUN/launch/ssh/HOST.log.
            """)

    @OptionGroup var launch: LaunchOptions

    @Option(help: "The hosts file: one host a line, [user@]host [slots=N] [gpus=0,1].")
    var hosts: String

    @Option(
        name: .customLong("ssh-arg"), parsing: .unconditionalSingleValue,
        help: "An option for every ssh, before the host (repeat it), e.g. --ssh-arg=-F --ssh-arg=ssh_config.")
    var sshArguments: [String] = []

    func validate() throws { try launch.check() }

    func run() throws {
        // Bad input fails here, before a run directory exists.
        _ = try checkedHosts()
        if !launch.keyed {
            warn(
                "--bind \(launch.bind) is loopback: only a host that is this very host can reach the coordinator")
        }
        try launch.serve(mode: "launch-ssh") { try makeLauncher($0) }
    }

    /// The SSH launcher for a sweep (also for `sweep resume`, from the recorded options).
    func makeLauncher(_ context: LaunchContext) throws -> any WorkerLauncher {
        let (entries, ssh) = try checkedHosts()
        let options = SSHLauncher.Options(
            hosts: entries, ssh: ssh, sshArguments: sshArguments, keysText: try context.keys?.workerStdinText(),
            // Workers' output goes to RUN/launch/ssh/HOST.log, not to the terminal: the coordinator's level.
            heartbeat: context.heartbeat, logLevel: launch.common.logLevel, executable: LocalWorkers.currentExecutable,
            logDirectory: (context.directory as NSString).appendingPathComponent("launch/ssh"))
        return SSHLauncher(options: options, logger: launch.common.logger("sweep"))
    }

    /// The parsed hosts file and the full path of `ssh`, or an error that says what is wrong.
    private func checkedHosts() throws -> ([HostEntry], String) {
        let entries = try HostsFile.load(path: hosts)
        let path = ProcessInfo.processInfo.environment["PATH"]
        guard let ssh = SSHCommand.findProgram("ssh", path: path) else {
            throw SweepError(
                .cannotStart,
                "ssh is not on PATH (\(path ?? "unset")); install the OpenSSH client (Debian: apt-get install openssh-client)"
            )
        }
        return (entries, ssh)
    }

    private func warn(_ text: String) { FileHandle.standardError.write(Data("warning: \(text)\n".utf8)) }
}
