import Foundation
import Glibc
import Testing

/// Who gets in: real coordinator and worker processes with real CURVE keys over loopback TCP.
@Suite(.serialized)
struct SecurityClusterTests {
    func keygen(_ directory: URL, _ name: String) throws {
        let process = try ChildProcess(["keygen", "--out", directory.path, "--name", name])
        #expect(process.awaitExit() == 0)
    }

    @Test func onlyAllowedWorkersWithTheRightServerKeyGetTasks() throws {
        let root = try temporaryDirectory()
        let keys = root.appendingPathComponent("keys"), allowed = root.appendingPathComponent("allowed")
        for name in ["coordinator", "good", "stranger", "impostor"] { try keygen(keys, name) }
        try FileManager.default.createDirectory(at: allowed, withIntermediateDirectories: true)
        try FileManager.default.copyItem(
            at: keys.appendingPathComponent("good.key"), to: allowed.appendingPathComponent("good.key"))
        try noopSpec(trials: 40, sleep: 0.05).write(
            to: root.appendingPathComponent("spec.yaml"), atomically: true, encoding: .utf8)
        let coordinator = try ChildProcess(
            [
                "coordinator", "spec.yaml", "--bind", "tcp://127.0.0.1:*", "--out", "out",
                "--key", keys.appendingPathComponent("coordinator.key_secret").path,
                "--allow", allowed.path, "--heartbeat", "250ms",
            ], directory: root)
        #expect(coordinator.awaitLine(containing: "checked: an unlisted key is refused") != nil)
        let serving = try #require(coordinator.awaitLine(containing: "serving sweep"))
        let endpoint = String(try #require(serving.split(separator: " ").first { $0.hasPrefix("tcp://") }).dropLast())
        func worker(_ name: String, key: String?, serverKey: String = "coordinator") throws -> ChildProcess {
            var arguments = [
                "worker", "--connect", endpoint, "--name", name, "--slots", "1", "--heartbeat", "250ms",
                "--cache", root.appendingPathComponent("cache-\(name)").path,
            ]
            if let key {
                arguments += [
                    "--key", keys.appendingPathComponent("\(key).key_secret").path,
                    "--server-key", keys.appendingPathComponent("\(serverKey).key").path,
                ]
            }
            return try ChildProcess(arguments)
        }
        let good = try worker("good", key: "good")
        let stranger = try worker("stranger", key: "stranger")
        let plain = try worker("plain", key: nil)
        let impostor = try worker("impostor", key: "good", serverKey: "impostor")  // pins the wrong coordinator key
        defer { for process in [good, stranger, plain, impostor] { process.stop() } }

        #expect(coordinator.awaitLine(containing: "worker joined: good") != nil)
        #expect(stranger.awaitLine(containing: "refused this worker's key") != nil)
        #expect(plain.awaitLine(containing: "the coordinator probably requires keys") != nil)
        #expect(impostor.awaitLine(containing: "check that --server-key is the coordinator's public key") != nil)
        let refusal = try #require(coordinator.awaitLine(containing: "refused a worker from 127.0.0.1"))
        #expect(refusal.contains("is not in the allowed keys"))

        // Allowing the stranger's key later lets it in without restarting anything.
        try FileManager.default.copyItem(
            at: keys.appendingPathComponent("stranger.key"), to: allowed.appendingPathComponent("stranger.key"))
        #expect(coordinator.awaitLine(containing: "worker joined: stranger") != nil)
        #expect(coordinator.awaitExit() == 0, "\(coordinator.stderrLines.joined(separator: "\n"))")

        let rows = try readResults(root.appendingPathComponent("out"))
        #expect(rows.count == 80)
        #expect(Set(rows.map { $0["worker"]! }).isSubset(of: ["good", "stranger"]))
        #expect(rows.contains { $0["worker"] == "stranger" })
        // Refusals are logged per attempt, not per packet.
        #expect(coordinator.stderrLines.filter { $0.contains("refused a worker") }.count <= 3)
    }

    /// Opens a TCP connection to 127.0.0.1:port and returns its descriptor.
    func connectTCP(_ port: UInt16) -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        _ = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        return fd
    }

    @Test func garbageOnThePortDoesNotDisturbASweep() throws {
        let (coordinator, endpoint, out) = try startCoordinator(noopSpec(trials: 30, sleep: 0.03), heartbeat: "250ms")
        let port = try #require(UInt16(endpoint.split(separator: ":").last!))
        let worker = try ChildProcess([
            "worker", "--connect", endpoint, "--slots", "2", "--name", "honest", "--heartbeat", "250ms",
        ])
        defer { worker.stop() }
        #expect(coordinator.awaitLine(containing: "worker joined: honest") != nil)
        var idle: [Int32] = []
        for _ in 0..<100 { idle.append(connectTCP(port)) }  // connections that never speak
        var rng = SystemRandomNumberGenerator()
        for round in 0..<50 {
            let fd = connectTCP(port)
            var bytes: [UInt8]
            switch round % 3 {
            case 0:
                bytes = (0..<Int.random(in: 1...2048, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            case 1: bytes = [0xFF, 0, 0, 0, 0, 0, 0, 0, 1, 0x7F, 3]  // a ZMTP greeting cut short
            default:
                bytes =
                    [0xFF, 0, 0, 0, 0, 0, 0, 0, 1, 0x7F, 3, 0] + Array("NULL".utf8) + [UInt8](repeating: 0, count: 16)
                    + [0]
                    + [UInt8](repeating: 0, count: 31) + [0x04, 0xFF]
                    + (0..<300).map { _ in UInt8.random(in: 0...255, using: &rng) }
            }
            _ = bytes.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            close(fd)
        }
        #expect(coordinator.awaitExit() == 0, "\(coordinator.stderrLines.joined(separator: "\n"))")
        for fd in idle { close(fd) }
        let rows = try readResults(out)
        #expect(rows.count == 60)
        #expect(Set(rows.map { "\($0["trial"]!)/\($0["fold"]!)" }).count == 60)
        #expect(rows.allSatisfy { $0["status"] == "ok" && $0["worker"] == "honest" })
    }
}
