import Foundation
import Testing

@testable import SweepRuntime

@Suite struct LaunchKeysTests {
    @Test func keysArePrivateAndAdmitOnlyTheSweepsWorkers() throws {
        let run = FileManager.default.temporaryDirectory.appendingPathComponent("launch-keys-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: run) }
        let keys = try LaunchKeys.create(runDirectory: run)
        var info = stat()
        #expect(stat(keys.directory, &info) == 0)
        #expect(info.st_mode & 0o777 == 0o700)
        for secret in [keys.coordinatorSecret, keys.workerSecret] {
            #expect(stat(secret, &info) == 0)
            #expect(info.st_mode & 0o077 == 0)
        }
        guard case .curve(_, _, let allow) = try keys.coordinatorSecurity() else {
            Issue.record("a launched sweep beyond loopback must serve with keys")
            return
        }
        #expect(allow == [keys.workerPublic])
        let text = try keys.workerStdinText()
        #expect(text.hasSuffix("\n\n"))
        #expect(text.contains("secret-key = \"\(try KeyFiles.secretKeys(at: keys.workerSecret).secretKey)\""))
        #expect(text.contains("server-key = \"\(try KeyFiles.publicKey(at: keys.coordinatorPublic))\""))
        // A second sweep in the same directory does not silently reuse or overwrite keys.
        #expect(throws: SweepError.self) { try LaunchKeys.create(runDirectory: run) }
    }

    @Test func workersConnectToAHostTheyCanReach() {
        #expect(LaunchAddress.connect(bound: "tcp://0.0.0.0:41235", advertise: "node7") == "tcp://node7:41235")
        #expect(LaunchAddress.connect(bound: "tcp://10.0.0.5:5555") == "tcp://10.0.0.5:5555")
        #expect(LaunchAddress.connect(bound: "tcp://10.0.0.5:5555", advertise: "login1") == "tcp://login1:5555")
        #expect(LaunchAddress.connect(bound: "tcp://0.0.0.0:7", advertise: "fe80::1") == "tcp://[fe80::1]:7")
        #expect(
            LaunchAddress.connect(bound: "tcp://0.0.0.0:9") == "tcp://\(ProcessInfo.processInfo.hostName):9")
        #expect(LaunchAddress.connect(bound: "ipc:///tmp/s") == "ipc:///tmp/s")
    }
}
