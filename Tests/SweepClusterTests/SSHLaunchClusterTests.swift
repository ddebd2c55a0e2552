import Foundation
import GRDB
import Testing

/// `sweep launch ssh` with real sshd on two namespaced hosts (one behind the other as a jump host)
/// and one address nobody answers: the
/// sweep finishes on the reachable hosts' workers, the unreachable one is reported, the binary is
/// copied once into a fresh cache and found by hash the next time, and afterwards no worker and
/// no sshd session is left.
@Suite(.serialized)
struct SSHLaunchClusterTests {
    static let unreachable = "10.213.0.9"

    @Test(
        .enabled(if: SSHHosts.unavailableReason == nil, "\(SSHHosts.unavailableReason ?? "")"),
        .timeLimit(.minutes(5)))
    func sweepRunsOnReachableHostsAndLeavesNothingBehind() throws {
        let netns = try NetnsHosts(hosts: 3)
        // Host 2 admits logins from host 1 only: it is reached through host 1 as a jump host.
        let ssh = try SSHHosts(netns: netns, sshdOn: [1, 2], jumps: [2: 1])
        let root = ssh.root
        try noopSpec(trials: 8, folds: 2, sleep: 1).write(
            to: root.appendingPathComponent("spec.yaml"), atomically: true, encoding: .utf8)
        try """
        # two hosts with sshd, one address that answers nothing
        \(netns.address(1)) slots=2
        root@\(netns.address(2)) slots=2
        \(Self.unreachable) slots=1

        """.write(to: root.appendingPathComponent("hosts"), atomically: true, encoding: .utf8)
        let reachable: Set = ["ssh-\(netns.address(1))", "ssh-\(netns.address(2))"]
        // The jump is needed: a direct login to host 2 is refused, through host 1 it works.
        #expect(try ssh.ssh(from: 3, ["-o", "BatchMode=yes", "-o", "ProxyJump=none", netns.address(2), "true"]) == 255)
        #expect(try ssh.ssh(from: 3, ["-o", "BatchMode=yes", netns.address(2), "true"]) == 0)

        // First run: fresh caches, so the binary is copied to each host once.
        let first = try launch(netns, ssh, out: "run1")
        #expect(first.copies == 2, "\(first.log)")
        for host in [1, 2] { #expect(ssh.cachedBinaries(host).count == 1) }
        #expect(first.workers.isSubset(of: reachable) && !first.workers.isEmpty, "\(first.workers)")
        #expect(first.joined == reachable, "\(first.log)")
        #expect(first.log.contains("ssh \(Self.unreachable): unreachable"), "\(first.log)")
        print(
            "measure: first run (copy to 2 hosts): workers started \(first.startSeconds.joined(separator: ", ")); whole sweep \(first.wall) s"
        )

        // Second run: the hosts find the same build by its hash and copy nothing.
        let second = try launch(netns, ssh, out: "run2")
        #expect(second.copies == 0, "\(second.log)")
        #expect(second.joined == reachable, "\(second.log)")
        for host in [1, 2] { #expect(ssh.cachedBinaries(host).count == 1) }
        print(
            "measure: second run (binary cached): workers started \(second.startSeconds.joined(separator: ", ")); whole sweep \(second.wall) s"
        )
    }

    /// Killing one host's local ssh stops that host's worker (its stdin ends: no pty needed), the
    /// sweep goes on with the other; SIGINT then stops the sweep and every worker with it; `sweep
    /// resume` starts the workers again over SSH and finishes the sweep.
    @Test(
        .enabled(if: SSHHosts.unavailableReason == nil, "\(SSHHosts.unavailableReason ?? "")"),
        .timeLimit(.minutes(3)))
    func killedSshAndInterruptedSweepLeaveNothingBehind() throws {
        let netns = try NetnsHosts(hosts: 3)
        let ssh = try SSHHosts(netns: netns, sshdOn: [1, 2])
        try noopSpec(trials: 12, folds: 2, sleep: 0.5).write(
            to: ssh.root.appendingPathComponent("spec.yaml"), atomically: true, encoding: .utf8)
        try "\(netns.address(1)) slots=1\n\(netns.address(2)) slots=1\n".write(
            to: ssh.root.appendingPathComponent("hosts"), atomically: true, encoding: .utf8)
        let out = ssh.root.appendingPathComponent("out")
        let sweep = try netns.sweep(
            on: 3,
            [
                "launch", "ssh", "spec.yaml", "--hosts", "hosts", "--ssh-arg=-F", "--ssh-arg=ssh_config",
                "--advertise", netns.address(3), "--out", out.path, "--heartbeat", "500ms",
            ], directory: ssh.root)
        defer { sweep.stop() }
        for host in [1, 2] {
            #expect(sweep.awaitLine(containing: "worker joined: ssh-\(netns.address(host))") != nil)
        }
        #expect(RunBook.awaitCounted(out, atLeast: 2))
        // The local ssh that carries host 1's worker: a child of the sweep, killed outright.
        let children = Processes.all().filter { $0.parent == sweep.process.processIdentifier }
        let carrier = try #require(
            children.first { Processes.arguments($0.pid).contains(netns.address(1)) && $0.executable == "/usr/bin/ssh" }
        )
        kill(carrier.pid, SIGKILL)
        #expect(SSHHosts.await { ssh.workerProcesses(on: 1).isEmpty }, "the worker on h1 outlived its ssh")
        #expect(sweep.awaitLine(containing: "ssh \(netns.address(1)): failed (its worker ended") != nil)
        #expect(!ssh.workerProcesses(on: 2).isEmpty, "the worker on h2 goes on")
        let counted = try RunBook(out).counted
        #expect(RunBook.awaitCounted(out, atLeast: counted + 2), "the sweep goes on with h2")

        sweep.signal(SIGINT)
        #expect(sweep.awaitExit(timeout: 60) != nil, "\(sweep.stderrLines.suffix(20).joined(separator: "\n"))")
        #expect(SSHHosts.await { ssh.cachedBinaryProcesses().isEmpty }, "workers left: \(ssh.cachedBinaryProcesses())")
        for host in ssh.hosts {
            #expect(
                SSHHosts.await { ssh.sessions(host).isEmpty }, "sshd sessions left on h\(host): \(ssh.sessions(host))")
        }
        #expect(sweep.stderrLines.contains { $0.contains("stopped the workers on 1 host(s) over SSH") })

        // The ssh options and hosts file were relative to the launch directory; resume runs elsewhere.
        let resumed = try netns.sweep(on: 3, ["resume", out.path], directory: FileManager.default.temporaryDirectory)
        #expect(resumed.awaitExit(timeout: 120) == 0, "\(resumed.stderrLines.suffix(20).joined(separator: "\n"))")
        #expect(resumed.stdout.contains("best: trial"))
        for host in [1, 2] {
            #expect(resumed.stderrLines.contains { $0.contains("started worker ssh-\(netns.address(host))") })
        }
        #expect(try readResults(out).count == 24)
        #expect(SSHHosts.await { ssh.cachedBinaryProcesses().isEmpty }, "workers left: \(ssh.cachedBinaryProcesses())")
        for host in ssh.hosts {
            #expect(
                SSHHosts.await { ssh.sessions(host).isEmpty }, "sshd sessions left on h\(host): \(ssh.sessions(host))")
        }
    }

    /// On loopback no keys are made: the worker is started with --stop-on-stdin-eof instead of
    /// --keys-from-stdin, and still ends with its ssh.
    @Test(
        .enabled(if: SSHHosts.unavailableReason == nil, "\(SSHHosts.unavailableReason ?? "")"),
        .timeLimit(.minutes(2)))
    func aLoopbackSweepRunsWithoutKeys() throws {
        let netns = try NetnsHosts(hosts: 1)
        let ssh = try SSHHosts(netns: netns, sshdOn: [1])
        try noopSpec(trials: 3, folds: 2, sleep: 0.2).write(
            to: ssh.root.appendingPathComponent("spec.yaml"), atomically: true, encoding: .utf8)
        try "\(netns.address(1)) slots=2\n".write(
            to: ssh.root.appendingPathComponent("hosts"), atomically: true, encoding: .utf8)
        let out = ssh.root.appendingPathComponent("out")
        let sweep = try netns.sweep(
            on: 1,
            [
                "launch", "ssh", "spec.yaml", "--hosts", "hosts", "--ssh-arg=-F", "--ssh-arg=ssh_config", "--bind",
                "tcp://127.0.0.1:*", "--out", out.path,
            ], directory: ssh.root)
        #expect(sweep.awaitExit(timeout: 90) == 0, "\(sweep.stderrLines.joined(separator: "\n"))")
        #expect(sweep.stdout.contains("best: trial"))
        #expect(sweep.stderrLines.contains { $0.contains("is loopback: only a host that is this very host") })
        #expect(!FileManager.default.fileExists(atPath: out.appendingPathComponent("launch/keys").path))
        let log = try String(
            contentsOf: out.appendingPathComponent("launch/ssh/\(netns.address(1)).log"), encoding: .utf8)
        #expect(log.contains("stdin closed: finishing running tasks, then exiting"), "\(log)")
        #expect(Set(try readResults(out).compactMap { $0["worker"] }) == ["ssh-\(netns.address(1))"])
        #expect(SSHHosts.await { ssh.cachedBinaryProcesses().isEmpty }, "workers left: \(ssh.cachedBinaryProcesses())")
        #expect(SSHHosts.await { ssh.sessions(1).isEmpty }, "sshd sessions left: \(ssh.sessions(1))")
    }

    /// SIGINT while the binary is being copied ends that ssh at once: the sweep stops, nothing runs
    /// on the host, and no half-written binary is left in its cache.
    @Test(
        .enabled(if: SSHHosts.unavailableReason == nil, "\(SSHHosts.unavailableReason ?? "")"),
        .timeLimit(.minutes(2)))
    func anInterruptDuringTheCopyStopsEverything() throws {
        let netns = try NetnsHosts(hosts: 2)
        let ssh = try SSHHosts(netns: netns, sshdOn: [1])
        try noopSpec(trials: 3, sleep: 0.2).write(
            to: ssh.root.appendingPathComponent("spec.yaml"), atomically: true, encoding: .utf8)
        try "\(netns.address(1))\n".write(
            to: ssh.root.appendingPathComponent("hosts"), atomically: true, encoding: .utf8)
        let sweep = try netns.sweep(
            on: 2,
            [
                "launch", "ssh", "spec.yaml", "--hosts", "hosts", "--ssh-arg=-F", "--ssh-arg=ssh_config",
                "--advertise", netns.address(2), "--out", "out",
            ], directory: ssh.root)
        #expect(sweep.awaitLine(containing: "copying the sweep binary") != nil)
        sweep.signal(SIGINT)
        let status = sweep.awaitExit(timeout: 60)
        let log = sweep.stderrLines.joined(separator: "\n")
        #expect(status == 1, "\(log)")
        // The copy (about 2 s for a debug build) is cut, not waited for.
        #expect(log.contains("error: interrupted before a worker started over SSH"), "\(log)")
        #expect(!log.contains("started worker"), "\(log)")
        #expect(SSHHosts.await { ssh.cachedBinaryProcesses().isEmpty }, "workers left: \(ssh.cachedBinaryProcesses())")
        #expect(SSHHosts.await { ssh.sessions(1).isEmpty }, "sshd sessions left: \(ssh.sessions(1))")
        let bin = ssh.cache(1).path + "/bin"
        #expect(
            SSHHosts.await { ((try? FileManager.default.contentsOfDirectory(atPath: bin)) ?? []).isEmpty },
            "a partial copy was left: \((try? FileManager.default.contentsOfDirectory(atPath: bin)) ?? [])")
    }

    struct Launched {
        var log: String
        var workers: Set<String>
        var joined: Set<String>
        var copies: Int
        var startSeconds: [String]
        var wall: String
    }

    /// Runs `sweep launch ssh` on host 3 to its end and checks what every run must leave: the best
    /// trial, and no worker or sshd session process afterwards.
    private func launch(_ netns: NetnsHosts, _ ssh: SSHHosts, out name: String) throws -> Launched {
        let out = ssh.root.appendingPathComponent(name)
        let started = Date()
        let sweep = try netns.sweep(
            on: 3,
            [
                "launch", "ssh", "spec.yaml", "--hosts", "hosts", "--ssh-arg", "-F", "--ssh-arg", ssh.sshConfig.path,
                "--bind", "tcp://*:*", "--advertise", netns.address(3), "--out", out.path, "--heartbeat", "500ms",
            ], directory: ssh.root)
        let status = sweep.awaitExit(timeout: 180)
        let wall = String(format: "%.1f", Date().timeIntervalSince(started))
        let log = sweep.stderrLines.joined(separator: "\n")
        #expect(status == 0, "\(log)")
        #expect(sweep.stdout.contains("best: trial"), "\(sweep.stdout)")
        // Nothing left: the workers drained and exited, their sshd sessions ended.
        #expect(SSHHosts.await { ssh.cachedBinaryProcesses().isEmpty }, "workers left: \(ssh.cachedBinaryProcesses())")
        for host in ssh.hosts {
            #expect(
                SSHHosts.await { ssh.sessions(host).isEmpty }, "sshd sessions left on h\(host): \(ssh.sessions(host))")
        }
        let rows = try readResults(out)
        #expect(rows.count == 16 && rows.allSatisfy { $0["status"] == "ok" })
        let book = try RunBook(out)
        let joined = Set(try book.events("worker-joined").map { String($0.detail.prefix { $0 != "@" }) })
        let startLines = sweep.stderrLines.compactMap { line in
            line.range(of: "started worker ").map { String(line[$0.upperBound...]) }
        }
        return Launched(
            log: log, workers: Set(rows.compactMap { $0["worker"] }), joined: joined,
            copies: sweep.stderrLines.filter { $0.contains("copied the sweep binary") }.count,
            startSeconds: startLines, wall: wall)
    }
}
