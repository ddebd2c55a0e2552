import Foundation
import Logging
import Testing

@testable import SweepRuntime

/// When every host's worker is gone for good after the sweep began, the launcher ends the sweep
/// instead of letting it wait for workers forever. The hosts here are this machine through a
/// stand-in `ssh` that runs the remote script locally (a test kit; the real sshd is in
/// SSHLaunchClusterTests).
@Suite struct SSHLauncherStopTests {
    @Test func theSweepStopsOnceEveryHostsWorkerFailed() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("ssh-stop-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        let ssh = root + "/ssh", worker = root + "/sweep", go = root + "/go"
        try "#!/bin/sh\nfor last; do :; done\nSWEEP_CACHE='\(root)/cache' exec sh -c \"$last\"\n".write(
            toFile: ssh, atomically: true, encoding: .utf8)
        // A worker that runs until told to fail (so the sweep has begun), then exits 1.
        try "#!/bin/sh\nwhile [ ! -e '\(go)' ]; do sleep 0.05; done\necho 'worker: cannot go on' >&2\nexit 1\n"
            .write(toFile: worker, atomically: true, encoding: .utf8)
        for path in [ssh, worker] { chmod(path, 0o755) }
        let launcher = SSHLauncher(
            options: .init(
                hosts: [.init(destination: "a"), .init(destination: "b")], ssh: ssh, sshArguments: [],
                keysText: nil, heartbeat: "1s", logLevel: "warning", executable: URL(fileURLWithPath: worker),
                logDirectory: root + "/logs"),
            logger: Logger(label: "test"))
        let stopped = DispatchSemaphore(value: 0)
        let reason = LockedText()
        launcher.attach { why in
            reason.set(why)
            stopped.signal()
        }
        try launcher.launch(connect: "tcp://127.0.0.1:1")
        #expect(stopped.wait(timeout: .now() + 0.2) == .timedOut, "stopped while a worker still ran")
        _ = FileManager.default.createFile(atPath: go, contents: nil)
        #expect(stopped.wait(timeout: .now() + 60) == .success, "the sweep was never told to stop")
        #expect(reason.get().contains("no host runs a worker over SSH any more"), "\(reason.get())")
        #expect(reason.get().contains("a: failed") && reason.get().contains("b: failed"), "\(reason.get())")
        launcher.shutdown()
    }
}

private final class LockedText: @unchecked Sendable {  // safe: guarded by `lock`
    private let lock = NSLock()
    private var text = ""
    func set(_ value: String) { lock.withLock { text = value } }
    func get() -> String { lock.withLock { text } }
}
