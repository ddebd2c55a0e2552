import Foundation
import Testing

@testable import SweepRuntime

@Suite struct SSHCommandTests {
    @Test func sshNeverPromptsBoundsTheConnectAndNeverReadsAHostAsAnOption() {
        let arguments = SSHCommand.arguments(
            destination: "alice@gpu1", remote: "true", extra: ["-F", "/tmp/cfg"], connectTimeout: 7)
        #expect(
            arguments == [
                "-T", "-o", "BatchMode=yes", "-o", "ConnectTimeout=7", "-o", "ServerAliveInterval=5", "-o",
                "ServerAliveCountMax=3", "-F", "/tmp/cfg", "--", "alice@gpu1", "true",
            ])
    }

    @Test func workerArgumentsCarryTheHostsSlotsGpusAndTakeKeysFromStdin() {
        let host = HostEntry(destination: "bob@node-2", slots: 4, gpus: [0, 1])
        #expect(
            SSHCommand.workerArguments(
                host: host, connect: "tcp://10.0.0.1:5555", keyed: true, heartbeat: "1s", logLevel: "info")
                == [
                    "worker", "--connect", "tcp://10.0.0.1:5555", "--name", "ssh-node-2", "--slots", "4", "--gpus",
                    "0,1", "--heartbeat", "1s", "--log-level", "info", "--keys-from-stdin",
                ])
        let plain = SSHCommand.workerArguments(
            host: HostEntry(destination: "h"), connect: "tcp://127.0.0.1:1", keyed: false, heartbeat: "2s",
            logLevel: "debug")
        #expect(!plain.contains("--slots") && !plain.contains("--gpus"))
        #expect(plain.last == "--stop-on-stdin-eof")
    }

    @Test func quotingKeepsEveryWordOneWordForTheRemoteShell() throws {
        #expect(SSHCommand.quote("tcp://10.0.0.1:5555") == "tcp://10.0.0.1:5555")
        #expect(SSHCommand.quote("") == "''")
        #expect(SSHCommand.quote("a b") == "'a b'")
        #expect(SSHCommand.quote("it's $(x)") == "'it'\\''s $(x)'")
        // Through a real shell: each word comes back as it went in.
        let words = ["plain", "with space", "it's", "$(echo no)", "`no`", "a;b|c&d", "*", "\"q\""]
        let script = "printf '%s\\n' " + words.map(SSHCommand.quote).joined(separator: " ")
        #expect(try shell(script) == words.map { $0 + "\n" }.joined())
    }

    @Test func theStartScriptStartsTheCachedBinaryOrSaysItIsMissing() throws {
        let cache = FileManager.default.temporaryDirectory.appendingPathComponent("ssh-cache-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: cache) }
        let standIn = "#!/bin/sh\nprintf '[%s]' \"$@\"\n"
        let hash = ContentHash.sha256(Data(standIn.utf8))
        let script = SSHCommand.startScript(
            hash: hash, workerArguments: ["worker", "--name", "it's me"], platform: .current)
        let missing = try shell("SWEEP_CACHE=\(cache); export SWEEP_CACHE; (" + script + ") 2>&1; echo status=$?")
        #expect(missing == "\(SSHCommand.Marker.missing)\nstatus=3\n")
        // A stand-in binary that prints its arguments.
        try FileManager.default.createDirectory(atPath: cache + "/bin", withIntermediateDirectories: true)
        try standIn.write(toFile: cache + "/bin/sweep-\(hash)", atomically: true, encoding: .utf8)
        chmod(cache + "/bin/sweep-\(hash)", 0o755)
        let started = try shell("SWEEP_CACHE=\(cache); export SWEEP_CACHE; (" + script + ") 2>&1")
        #expect(started == "\(SSHCommand.Marker.starting)\n[worker][--name][it's me]")
        let other = SSHCommand.startScript(
            hash: "abc", workerArguments: ["worker"], platform: .init(system: "Plan9", machine: "mips"))
        let refused = try shell("SWEEP_CACHE=\(cache); export SWEEP_CACHE; (" + other + ") 2>&1; echo status=$?")
        #expect(refused.contains("the sweep binary is for Plan9/mips"))
        #expect(refused.hasSuffix("status=4\n"))
    }

    /// A file in the cache under the right name but with other content (cut short, tampered) is not
    /// run and never gets the keys: the host counts as lacking the binary, so it is copied again.
    @Test func theStartScriptRunsOnlyABinaryWithTheRightHash() throws {
        let cache = FileManager.default.temporaryDirectory.appendingPathComponent("ssh-cache-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: cache) }
        try FileManager.default.createDirectory(atPath: cache + "/bin", withIntermediateDirectories: true)
        let standIn = "#!/bin/sh\necho ran\n"
        let hash = ContentHash.sha256(Data(standIn.utf8))
        try "#!/bin/sh\necho tampered\n".write(toFile: cache + "/bin/sweep-\(hash)", atomically: true, encoding: .utf8)
        chmod(cache + "/bin/sweep-\(hash)", 0o755)
        let script = SSHCommand.startScript(hash: hash, workerArguments: ["worker"], platform: .current)
        let env = "SWEEP_CACHE=\(cache); export SWEEP_CACHE; "
        let refused = try shell(env + "(" + script + ") 2>&1; echo status=$?")
        #expect(refused == "\(SSHCommand.Marker.missing)\nstatus=3\n")
        try standIn.write(toFile: cache + "/bin/sweep-\(hash)", atomically: true, encoding: .utf8)
        chmod(cache + "/bin/sweep-\(hash)", 0o755)
        #expect(try shell(env + "(" + script + ") 2>&1") == "\(SSHCommand.Marker.starting)\nran\n")
    }

    /// A resumed launch adds to each host's log instead of wiping the first run's lines.
    @Test func aHostLogIsAppendedTo() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("host-\(UUID()).log").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        do { HostLog(path: path).append("first run") }
        do { HostLog(path: path).append("resumed") }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "first run\nresumed\n")
    }

    @Test func theCopyScriptStoresOnlyAWholeBinary() throws {
        let cache = FileManager.default.temporaryDirectory.appendingPathComponent("ssh-cache-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: cache) }
        let env = "SWEEP_CACHE=\(cache); export SWEEP_CACHE; "
        let cut = try shell(env + "printf 'abc' | (" + SSHCommand.copyScript(hash: "h", size: 5) + ") 2>&1; echo $?")
        #expect(cut.contains("cannot store the sweep binary") && cut.hasSuffix("5\n"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: cache + "/bin").isEmpty)
        let whole = try shell(env + "printf 'abcde' | (" + SSHCommand.copyScript(hash: "h", size: 5) + ") 2>&1")
        #expect(whole == SSHCommand.Marker.copied + "\n")
        #expect(FileManager.default.isExecutableFile(atPath: cache + "/bin/sweep-h"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: cache + "/bin") == ["sweep-h"])
    }

    @Test func theProgressLineCountsHosts() {
        #expect(SSHHostState.progressNote([]) == nil)
        #expect(SSHHostState.progressNote([.stopped, .stopped]) == nil)
        #expect(
            SSHHostState.progressNote([.running, .running, .unreachable("x")])
                == "2 of 3 hosts started over SSH, 1 unreachable")
        #expect(
            SSHHostState.progressNote([.starting, .copying, .failed("y")])
                == "0 of 3 hosts started over SSH, 1 starting, 1 copying sweep, 1 failed")
        #expect(SSHHostState.progressNote([.running]) == "1 of 1 host started over SSH")
        #expect(
            SSHHostState.afterExit(status: 255, started: false, lastLine: "no route", stopping: false)
                == .unreachable("ssh failed: no route"))
        #expect(SSHHostState.afterExit(status: 0, started: true, lastLine: nil, stopping: true) == .stopped)
        #expect(
            SSHHostState.afterExit(status: 1, started: true, lastLine: "x", stopping: false)
                == .failed("its worker ended with status 1: x"))
    }

    @Test func findsProgramsOnPath() {
        #expect(SSHCommand.findProgram("sh", path: "/nonexistent:/bin:/usr/bin") != nil)
        #expect(SSHCommand.findProgram("ssh", path: "/nonexistent") == nil)
    }

    @Test func workerKeysFromStdinAreReadAsLaunchKeysWriteThem() throws {
        let run = FileManager.default.temporaryDirectory.appendingPathComponent("ssh-keys-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: run) }
        let keys = try LaunchKeys.create(runDirectory: run)
        let text = try keys.workerStdinText()
        let parsed = try WorkerStdin.parseKeys(text)
        #expect(parsed.secretKey == (try KeyFiles.secretKeys(at: keys.workerSecret)).secretKey)
        #expect(parsed.publicKey == (try KeyFiles.publicKey(at: keys.workerPublic)))
        #expect(parsed.serverKey == (try KeyFiles.publicKey(at: keys.coordinatorPublic)))
        // Read from a pipe: up to the empty line and not a byte further.
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        let bytes = Array((text + "more").utf8)
        #expect(write(fds[1], bytes, bytes.count) == bytes.count)
        close(fds[1])
        #expect(try WorkerStdin.readKeysText(fd: fds[0]) == text)
        var rest = [UInt8](repeating: 0, count: 8)
        #expect(read(fds[0], &rest, 8) == 4)
        close(fds[0])
    }

    @Test(arguments: [
        ("secret-key = \"x\"\n\n", "secret-key is not a valid CURVE key"),
        ("hello\n\n", "stdin line 1 is not name = \"value\""),
        ("colour = \"red\"\n\n", "names 'colour'"),
        ("\n", "stdin has no secret-key and server-key"),
    ])
    func malformedStdinIsRefusedClearly(text: String, why: String) throws {
        let error = try #require(throws: SweepError.self) { try WorkerStdin.parseKeys(text) }
        #expect(error.message.contains(why), "\(error.message)")
        #expect(error.message.contains("--keys-from-stdin reads two lines"))
    }

    @Test func stdinThatEndsEarlyIsRefused() throws {
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        let bytes = Array("secret-key = \"abc\"\n".utf8)
        #expect(write(fds[1], bytes, bytes.count) == bytes.count)
        close(fds[1])
        defer { close(fds[0]) }
        let error = try #require(throws: SweepError.self) { try WorkerStdin.readKeysText(fd: fds[0]) }
        #expect(error.message.contains("stdin ended before the keys"))
    }

    private func shell(_ script: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", script]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }
}
