import Foundation
import Testing

/// Ctrl-C and SIGTERM stop `sweep launch ssh` mid-sweep, after the launcher's own short-lived
/// signal watcher (for Ctrl-C during the copies) has come and gone. The "host" is this machine
/// through a stand-in `ssh` on PATH that runs the remote script locally (a test kit: the real sshd
/// is in SSHLaunchClusterTests), so this runs anywhere, as root or not.
@Suite struct SSHLaunchSignalTests {
    @Test(arguments: [SIGINT, SIGTERM])
    func aSignalMidSweepStopsTheLaunch(_ signal: Int32) throws {
        let directory = try temporaryDirectory()
        let bin = directory.appendingPathComponent("bin")
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        let cache = directory.appendingPathComponent("cache").path
        try "#!/bin/sh\nfor last; do :; done\nSWEEP_CACHE='\(cache)' exec sh -c \"$last\"\n".write(
            to: bin.appendingPathComponent("ssh"), atomically: true, encoding: .utf8)
        chmod(bin.appendingPathComponent("ssh").path, 0o755)
        try "here slots=2\n".write(to: directory.appendingPathComponent("hosts"), atomically: true, encoding: .utf8)
        try noopSpec(trials: 40, sleep: 0.5).write(
            to: directory.appendingPathComponent("spec.yaml"), atomically: true, encoding: .utf8)
        let path = bin.path + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
        let launch = try ChildProcess(
            [
                "PATH=\(path)", ChildProcess.sweepBinary.path, "launch", "ssh", "spec.yaml", "--hosts", "hosts",
                "--bind", "tcp://127.0.0.1:*", "--out", "run", "--heartbeat", "250ms",
            ], directory: directory, executable: URL(fileURLWithPath: "/usr/bin/env"))
        defer { launch.stop() }
        let counted = awaitCondition(timeout: 120) {
            launch.stderrLines.contains {
                $0.range(of: #"\] [1-9][0-9]*/80 tasks"#, options: .regularExpression) != nil
            }
        }
        #expect(counted, "\(launch.stderrLines.suffix(10).joined(separator: "\n"))")
        launch.signal(signal)
        #expect(launch.awaitExit(timeout: 60) == 1, "the launch exits (incomplete) after signal \(signal)")
        #expect(
            launch.stderrLines.contains { $0.contains("stopped before the sweep finished") },
            "\(launch.stderrLines.suffix(10).joined(separator: "\n"))")
    }
}
