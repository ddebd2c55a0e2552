import Foundation
import Testing

/// Bad input to `sweep launch ssh` and to the worker's stdin options: a clear error that says
/// what is wrong and what is right, no run directory for what can be checked first, no process
/// left behind. None of these needs root or sshd.
@Suite struct SSHLaunchInputTests {
    private func project(hosts: String) throws -> URL {
        let directory = try temporaryDirectory()
        try noopSpec(trials: 2, sleep: 0).write(
            to: directory.appendingPathComponent("spec.yaml"), atomically: true, encoding: .utf8)
        try hosts.write(to: directory.appendingPathComponent("hosts"), atomically: true, encoding: .utf8)
        return directory
    }

    @Test func aMalformedHostsFileIsNamedWithItsLineAndNothingStarts() throws {
        let directory = try project(hosts: "# lab\ngpu1 slots=2\ngpu2 slots=0\n")
        defer { try? FileManager.default.removeItem(at: directory) }
        let out = directory.appendingPathComponent("out")
        let result = try FinishedCommand(
            ["launch", "ssh", "spec.yaml", "--hosts", "hosts", "--out", out.path], directory: directory)
        #expect(result.status == 2, "\(result.transcript)")
        #expect(
            result.stderr.contains("hosts:3: 'gpu2 slots=0': slots=0: slots must be a whole number"),
            "\(result.transcript)")
        #expect(result.stderr.contains("a line reads [user@]host [slots=N] [gpus=0,1]"))
        #expect(!result.stderr.contains("Fatal error") && !result.stderr.contains("Stack"))
        #expect(!FileManager.default.fileExists(atPath: out.path))
    }

    @Test func sshMissingFromPathIsSaidBeforeAnythingStarts() throws {
        let directory = try project(hosts: "gpu1\n")
        defer { try? FileManager.default.removeItem(at: directory) }
        let out = directory.appendingPathComponent("out")
        let result = try FinishedCommand(
            ["launch", "ssh", "spec.yaml", "--hosts", "hosts", "--out", out.path], directory: directory,
            environment: ["PATH": directory.appendingPathComponent("empty-bin").path])
        #expect(result.status == 1, "\(result.transcript)")
        #expect(result.stderr.contains("ssh is not on PATH"), "\(result.transcript)")
        #expect(result.stderr.contains("openssh-client"))
        #expect(!FileManager.default.fileExists(atPath: out.path))
    }

    /// Every host refused (no ssh server on port 1): a clear failure naming each host and why.
    @Test func noHostStartedFailsClearly() throws {
        let directory = try project(hosts: "127.0.0.1 slots=1\nlocalhost\n")
        defer { try? FileManager.default.removeItem(at: directory) }
        let out = directory.appendingPathComponent("out")
        let result = try FinishedCommand(
            [
                "launch", "ssh", "spec.yaml", "--hosts", "hosts", "--out", out.path, "--bind", "tcp://127.0.0.1:*",
                "--ssh-arg", "-F", "--ssh-arg", "/dev/null", "--ssh-arg=-p", "--ssh-arg", "1",
            ], directory: directory)
        #expect(result.status == 1, "\(result.transcript)")
        #expect(result.stderr.contains("error: no host could be started over SSH"), "\(result.transcript)")
        #expect(result.stderr.contains("  127.0.0.1: unreachable (ssh failed: "))
        #expect(result.stderr.contains("localhost: unreachable"))
        #expect(result.stderr.contains("logs in without a prompt"))
        let log = try String(
            contentsOf: out.appendingPathComponent("launch/ssh/127.0.0.1.log"), encoding: .utf8)
        #expect(log.contains("(ssh exited with status 255)"), "\(log)")
    }

    @Test func keysFromStdinConflictsWithKeyFilesAndInsecure() throws {
        for extra in [["--key", "k"], ["--server-key", "k"], ["--insecure"]] {
            let result = try FinishedCommand(
                ["worker", "--connect", "tcp://10.0.0.1:5555", "--keys-from-stdin"] + extra)
            #expect(result.status == 64, "\(result.transcript)")
            #expect(
                result.stderr.contains("--keys-from-stdin and \(extra[0]) contradict each other"),
                "\(result.transcript)")
        }
    }

    @Test func keysFromAnEmptyStdinAreRefused() throws {
        let result = try FinishedCommand(["worker", "--connect", "tcp://10.0.0.1:5555", "--keys-from-stdin"])
        #expect(result.status == 2, "\(result.transcript)")
        #expect(result.stderr.contains("stdin ended before the keys"), "\(result.transcript)")
    }

    /// stdin at end of file at once: the worker drains (nothing runs) and exits cleanly.
    @Test func aWorkerStopsWhenItsStdinEnds() throws {
        let result = try FinishedCommand(
            ["worker", "--connect", "tcp://127.0.0.1:1", "--stop-on-stdin-eof", "--name", "eof"], timeout: 30)
        #expect(result.status == 0, "\(result.transcript)")
        #expect(result.stderr.contains("stdin closed: finishing running tasks, then exiting"), "\(result.transcript)")
        #expect(result.stderr.contains("worker eof stopped"))
    }
}
