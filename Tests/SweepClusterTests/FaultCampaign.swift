import Foundation
import Glibc

/// A worker the campaign runs in one of its places (index), with the process currently there.
struct CampaignWorker {
    var name: String
    var process: ChildProcess
    let cache: URL
    let host: Int
    var stopped = false
}

/// Runs one seeded campaign: a real coordinator and workers (processes of `binary`) over loopback,
/// or over namespaced hosts when the plan cuts the network, with the plan's faults fired as the
/// sweep counts tasks. `FaultCampaign+Run` drives it, `CampaignEvidence+Gather` collects what it left.
final class FaultCampaign {
    let plan: FaultPlan
    let binary: URL
    let project: FaultCampaignProject
    let root: URL
    let out: URL
    let hosts: NetnsHosts?
    let endpoint: String
    let securityArguments: (coordinator: [String], worker: [String])
    let python: String
    var coordinator: ChildProcess!
    var coordinators: [ChildProcess] = []
    var workers: [CampaignWorker] = []
    /// Duplicates and broken workers, by the event that started them.
    var extras: [Int: ChildProcess] = [:]
    var retired: [ChildProcess] = []
    var fired: [FaultKind: Int] = [:]
    var progressRowsAtKill: [Int] = []
    var problems: [String] = []
    var restarts = 0
    var cutHosts: Set<Int> = []
    /// When faults hit which worker places, for the lost-result check; open ones by event index.
    var disturbances: [Disturbance] = []
    var openDisturbances: [Int: [(place: String?, from: Double)]] = [:]
    let started = Date()

    /// The `sweep` binary the campaign runs: $SWEEP_CAMPAIGN_BINARY, else the one built beside the tests.
    static var defaultBinary: URL {
        ProcessInfo.processInfo.environment["SWEEP_CAMPAIGN_BINARY"].map { URL(fileURLWithPath: $0) }
            ?? ChildProcess.sweepBinary
    }

    init(plan: FaultPlan, binary: URL, useNetns: Bool) throws {
        self.plan = plan
        self.binary = binary
        root = try temporaryDirectory()
        project = try FaultCampaignProject(plan: plan, directory: root)
        out = root.appendingPathComponent("out")
        python = Self.pythonDirectory()
        if useNetns {
            let hosts = try NetnsHosts(hosts: 3)
            self.hosts = hosts
            endpoint = "tcp://\(hosts.address(1)):5555"
            securityArguments = try Self.makeKeys(root, binary: binary)
        } else {
            hosts = nil
            endpoint = "tcp://127.0.0.1:\(try Self.freePort())"
            securityArguments = ([], [])
        }
    }

    /// Where the real python3 lives (pyenv's shim is a shell script: slow, and it forks).
    static func pythonDirectory() -> String {
        let command = try? FinishedCommandAt(
            "/usr/bin/env", ["python3", "-c", "import sys, os; print(os.path.dirname(sys.executable))"])
        let directory = command?.stdout.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        return directory.isEmpty ? "/usr/bin" : directory
    }

    static func makeKeys(_ root: URL, binary: URL) throws -> (coordinator: [String], worker: [String]) {
        let keys = root.appendingPathComponent("keys"), allowed = root.appendingPathComponent("allowed")
        for name in ["coordinator", "workers"] {
            guard try ChildProcess(["keygen", "--out", keys.path, "--name", name], executable: binary).awaitExit() == 0
            else {
                throw NetnsError(description: "sweep keygen failed")
            }
        }
        try FileManager.default.createDirectory(at: allowed, withIntermediateDirectories: true)
        try FileManager.default.copyItem(
            at: keys.appendingPathComponent("workers.key"), to: allowed.appendingPathComponent("workers.key"))
        return (
            ["--key", keys.appendingPathComponent("coordinator.key_secret").path, "--allow", allowed.path],
            [
                "--key", keys.appendingPathComponent("workers.key_secret").path, "--server-key",
                keys.appendingPathComponent("coordinator.key").path,
            ]
        )
    }

    /// A loopback port nobody listens on now (the coordinator keeps it across `sweep resume`).
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0
            }
        }
        guard bound else { throw NetnsError(description: "no free loopback port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// Starts `sweep ARGUMENTS` with `environment`, on `host` when the campaign uses namespaces.
    func launch(_ arguments: [String], host: Int, environment: [String: String] = [:]) throws -> ChildProcess {
        let settings = environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        let command = settings + [binary.path] + arguments
        if let hosts {
            return try ChildProcess(
                ["netns", "exec", "\(hosts.prefix)-h\(host)", "/usr/bin/env"] + command, directory: root,
                executable: NetnsHosts.ipProgram)
        }
        return try ChildProcess(command, directory: root, executable: URL(fileURLWithPath: "/usr/bin/env"))
    }

    func startCoordinator(resume: Bool) throws {
        let arguments =
            resume
            ? ["resume", out.path, "--heartbeat", "500ms"] + securityArguments.coordinator
            : ["coordinator", "spec.yaml", "--bind", endpoint, "--out", out.path, "--heartbeat", "500ms"]
                + securityArguments.coordinator
        coordinator = try launch(arguments, host: 1)
        coordinators.append(coordinator)
        if coordinator.awaitLine(containing: resume ? "resuming sweep" : "serving sweep", timeout: 60) == nil {
            problems.append(
                "the coordinator did not serve (\(resume ? "resume" : "start")): \(coordinator.stderrLines.suffix(5).joined(separator: " | "))"
            )
        }
    }

    /// Starts a worker process; `broken` gives it a python3 that fails at once.
    func startWorker(name: String, cache: URL, host: Int, broken: Bool = false) throws -> ChildProcess {
        let path = (broken ? project.badBin.path + ":" : "") + "\(python):/usr/bin:/bin"
        return try launch(
            [
                "worker", "--connect", endpoint, "--slots", String(plan.slots), "--name", name, "--heartbeat", "500ms",
                "--cache", cache.path,
            ] + securityArguments.worker, host: host, environment: ["PATH": path])
    }

    func hostOf(worker index: Int) -> Int { hosts == nil ? 1 : 2 + index % 2 }

    func startWorkers() throws {
        for index in 0..<plan.workers {
            let name = "w\(index)", cache = root.appendingPathComponent("cache-\(name)")
            let process = try startWorker(name: name, cache: cache, host: hostOf(worker: index))
            workers.append(CampaignWorker(name: name, process: process, cache: cache, host: hostOf(worker: index)))
        }
    }

    var elapsed: Double { Date().timeIntervalSince(started) }
    var now: Double { Date().timeIntervalSince1970 }

    /// Marks `places` (cache directory names; nil: every worker) disturbed from `from` until now,
    /// or, with `open`, until event `index` is undone.
    func disturb(_ places: [String?], from: Double, open index: Int? = nil) {
        if let index {
            openDisturbances[index, default: []] += places.map { ($0, from) }
        } else {
            disturbances += places.map { Disturbance(place: $0, from: from, to: now) }
        }
    }

    func closeDisturbances(_ index: Int) {
        for open in openDisturbances.removeValue(forKey: index) ?? [] {
            disturbances.append(Disturbance(place: open.place, from: open.from, to: now))
        }
    }

    func note(_ text: String) {
        print("campaign seed \(plan.seed) t=\(String(format: "%.1f", elapsed))s: \(text)")
    }

    /// Every cache directory any worker of this campaign used.
    var cacheDirectories: [URL] {
        ((try? FileManager.default.contentsOfDirectory(at: root, includingPropertiesForKeys: nil)) ?? [])
            .filter { $0.lastPathComponent.hasPrefix("cache-") }
    }

    /// Every sweep process the campaign started.
    var allProcesses: [ChildProcess] { coordinators + workers.map(\.process) + Array(extras.values) + retired }
}

/// A program run to its end (not `sweep`), for small lookups.
struct FinishedCommandAt {
    let stdout: String
    init(_ program: String, _ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        stdout = String(decoding: data, as: UTF8.self)
    }
}
