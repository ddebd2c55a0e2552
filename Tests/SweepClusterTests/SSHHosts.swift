import Foundation
import Testing

/// Real sshd on namespaced test hosts: keys made here with ssh-keygen (a host key, a client key
/// that sshd authorizes), one `sshd -D` per host listening on port 22 of that host's address, and
/// an ssh client config that uses only these keys. Each host's worker cache (and so its copy of the
/// sweep binary) is a directory of its own under `root`, set through sshd's SetEnv SWEEP_CACHE.
/// sshd is stopped by its pid (from its pid file) when this is released.
final class SSHHosts {
    static let sshd = "/usr/sbin/sshd"

    /// Why real sshd cannot run here, or nil.
    static let unavailableReason: String? = {
        if let reason = NetnsHosts.unavailableReason { return reason }
        for program in [sshd, "/usr/bin/ssh", "/usr/bin/ssh-keygen"]
        where !FileManager.default.isExecutableFile(atPath: program) {
            return "the SSH tests need \(program) (openssh-server and openssh-client; scripts/setup.sh installs them)"
        }
        return nil
    }()

    let netns: NetnsHosts
    let root: URL
    let hosts: [Int]
    /// Hosts whose sshd started (and must be stopped).
    private var started: [Int] = []

    /// `sshConfig` is for `ssh -F`; `cache(host)` is that host's SWEEP_CACHE.
    var sshConfig: URL { root.appendingPathComponent("ssh_config") }
    func cache(_ host: Int) -> URL { root.appendingPathComponent("cache-h\(host)") }
    func pidFile(_ host: Int) -> URL { root.appendingPathComponent("sshd-h\(host).pid") }

    /// `jumps[h] = j`: host h is reached through host j (ssh's ProxyJump), and its sshd admits
    /// logins from j's address only, so a direct login would fail.
    let jumps: [Int: Int]

    init(netns: NetnsHosts, sshdOn hosts: [Int], jumps: [Int: Int] = [:]) throws {
        self.netns = netns
        self.hosts = hosts
        self.jumps = jumps
        root = try temporaryDirectory()
        try Self.keygen(root.appendingPathComponent("host_key"))
        try Self.keygen(root.appendingPathComponent("client_key"))
        let hostKey = try String(contentsOf: root.appendingPathComponent("host_key.pub"), encoding: .utf8)
        try FileManager.default.copyItem(
            at: root.appendingPathComponent("client_key.pub"), to: root.appendingPathComponent("authorized_keys"))
        try hosts.map { "\(netns.address($0)) \(hostKey)" }.joined()
            .write(to: root.appendingPathComponent("known_hosts"), atomically: true, encoding: .utf8)
        let jumpBlocks = jumps.sorted { $0.key < $1.key }.map {
            "Host \(netns.address($0.key))\n    ProxyJump \(netns.address($0.value))\n"
        }
        try
            (jumpBlocks.joined() + """
                Host *
                    User root
                    IdentityFile \(root.path)/client_key
                    IdentitiesOnly yes
                    IdentityAgent none
                    UserKnownHostsFile \(root.path)/known_hosts
                    GlobalKnownHostsFile /dev/null
                    StrictHostKeyChecking yes
                    LogLevel ERROR

                """).write(to: sshConfig, atomically: true, encoding: .utf8)
        // sshd's privilege separation directory (the Debian package makes it at boot).
        try FileManager.default.createDirectory(atPath: "/run/sshd", withIntermediateDirectories: true)
        for host in hosts { try start(host) }
    }

    private func start(_ host: Int) throws {
        let config = root.appendingPathComponent("sshd-h\(host).conf")
        try """
        ListenAddress \(netns.address(host)):22
        HostKey \(root.path)/host_key
        PidFile \(pidFile(host).path)
        AuthorizedKeysFile \(root.path)/authorized_keys
        PermitRootLogin prohibit-password
        PasswordAuthentication no
        KbdInteractiveAuthentication no
        UsePAM no
        StrictModes no
        SetEnv SWEEP_CACHE=\(cache(host).path)
        LogLevel VERBOSE
        \(jumps[host].map { "AllowUsers root@\(netns.address($0))" } ?? "")

        """.write(to: config, atomically: true, encoding: .utf8)
        // sshd as a daemon, stopped by its pid file. Not `-D` under Foundation's Process: sshd
        // closes every inherited descriptor, which Foundation takes for the child's exit, and its
        // process monitor then blocks waiting for it, so no other child's exit is seen any more.
        let process = Process()
        process.executableURL = NetnsHosts.ipProgram
        process.arguments = [
            "netns", "exec", "\(netns.prefix)-h\(host)", Self.sshd, "-f", config.path, "-E",
            root.appendingPathComponent("sshd-h\(host).log").path,
        ]
        try process.run()
        process.waitUntilExit()
        // sshd writes its pid file once it listens.
        guard process.terminationStatus == 0, Self.await(timeout: 20, { sshdPid(host) != nil }) else {
            let log = try? String(contentsOf: root.appendingPathComponent("sshd-h\(host).log"), encoding: .utf8)
            throw NetnsError(description: "sshd on host \(host) did not start: \(log ?? "")")
        }
        started.append(host)
    }

    /// Runs the system's ssh with this config from namespaced host `from`; its exit status.
    func ssh(from host: Int, _ arguments: [String]) throws -> Int32 {
        let process = Process()
        process.executableURL = NetnsHosts.ipProgram
        process.arguments =
            ["netns", "exec", "\(netns.prefix)-h\(host)", "/usr/bin/ssh", "-F", sshConfig.path] + arguments
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// sshd's pid on `host`, from its pid file.
    func sshdPid(_ host: Int) -> pid_t? {
        (try? String(contentsOf: pidFile(host), encoding: .utf8)).flatMap {
            pid_t($0.trimmingCharacters(in: .whitespacesAndNewlines))
        }
    }

    /// sshd's session processes on `host`: its children (each login is one).
    func sessions(_ host: Int) -> [pid_t] {
        guard let daemon = sshdPid(host) else { return [] }
        return Processes.all().filter { $0.parent == daemon }.map(\.pid)
    }

    /// Processes running a sweep binary from a host's cache (the launched workers).
    func cachedBinaryProcesses() -> [pid_t] {
        let caches = hosts.map { cache($0).resolvingSymlinksInPath().path + "/" }
        return Processes.all().filter { process in caches.contains { process.executable?.hasPrefix($0) ?? false } }
            .map(\.pid)
    }

    /// Processes running the sweep binary from `host`'s cache (its launched worker).
    func workerProcesses(on host: Int) -> [pid_t] {
        let cache = cache(host).resolvingSymlinksInPath().path + "/"
        return Processes.all().filter { $0.executable?.hasPrefix(cache) ?? false }.map(\.pid)
    }

    /// The sweep binaries in a host's cache.
    func cachedBinaries(_ host: Int) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: cache(host).appendingPathComponent("bin").path)) ?? [])
            .filter { $0.hasPrefix("sweep-") }
    }

    /// Polls `condition` until it holds or `timeout` passes (bounds a failing test only).
    static func await(timeout: Double = 30, _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while !condition() {
            if Date() > deadline { return false }
            usleep(20_000)
        }
        return true
    }

    deinit {
        for host in started {
            // By the pid sshd wrote; its sessions end with it.
            guard let pid = sshdPid(host) else { continue }
            kill(pid, SIGTERM)
            if !Self.await(timeout: 10, { !Processes.isAlive(pid) }) { kill(pid, SIGKILL) }
        }
        try? FileManager.default.removeItem(at: root)
    }

    static func keygen(_ path: URL) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/ssh-keygen")
        process.arguments = ["-q", "-t", "ed25519", "-N", "", "-C", "sweep-test", "-f", path.path]
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw NetnsError(description: "ssh-keygen failed with status \(process.terminationStatus)")
        }
    }
}

/// The processes of this machine, from /proc.
enum Processes {
    struct Entry {
        let pid: pid_t
        let parent: pid_t
        let executable: String?
    }

    /// Whether `pid` runs (a zombie, waiting for its reaper, does not).
    static func isAlive(_ pid: pid_t) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return false }
        return stat[stat.index(after: close)...].split(separator: " ").first != "Z"
    }

    /// A process's arguments, from /proc (empty if it is gone).
    static func arguments(_ pid: pid_t) -> [String] {
        guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return [] }
        return data.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
    }

    static func all() -> [Entry] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return names.compactMap { name in
            guard let pid = pid_t(name), let stat = try? String(contentsOfFile: "/proc/\(name)/stat", encoding: .utf8),
                let close = stat.lastIndex(of: ")")
            else { return nil }
            // After "pid (comm) ": state, then the parent's pid.
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            guard fields.count > 2, let parent = pid_t(fields[1]) else { return nil }
            let executable = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(name)/exe")
            return Entry(pid: pid, parent: parent, executable: executable)
        }
    }
}
