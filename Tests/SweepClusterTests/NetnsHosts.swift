import Foundation
import Synchronization
import Testing

/// Test hosts in network namespaces, made and removed by cluster/netns/netns.sh: each has its
/// own address (10.213.0.i) behind a bridge of its own. Removed again when this is released,
/// also after a failed test.
final class NetnsHosts {
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("cluster/netns/netns.sh")

    /// Whether namespaces can be made here (root, iproute2); the reason when not.
    static let unavailableReason: String? = {
        let check = Process()
        check.executableURL = URL(fileURLWithPath: "/bin/bash")
        check.arguments = [script.path, "check"]
        let pipe = Pipe()
        check.standardError = pipe
        check.standardOutput = FileHandle.nullDevice
        do { try check.run() } catch { return "cannot run \(script.path): \(error)" }
        check.waitUntilExit()
        let reason = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        return check.terminationStatus == 0
            ? nil
            : "multi-host tests need root and network namespaces: \(reason.trimmingCharacters(in: .whitespacesAndNewlines))"
    }()

    /// The `ip` program from iproute2, wherever this system keeps it.
    static let ipProgram: URL = {
        let candidates = ["/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip", "/bin/ip"]
        return URL(
            fileURLWithPath: candidates.first { FileManager.default.isExecutableFile(atPath: $0) } ?? "/usr/sbin/ip")
    }()

    let prefix: String
    private static let made = Mutex(0)

    init(hosts: Int) throws {
        // Unique per set, not only per process: suites run in parallel in one test process, and one
        // set's clean-up (`down PREFIX`) must never remove another's hosts.
        let serial = Self.made.withLock { count in
            count += 1
            return count
        }
        prefix = "s\(getpid() % 10_000)n\(serial % 100)"  // at most 8 characters (netns.sh)
        _ = Self.run(["down", prefix])
        guard Self.run(["up", prefix, String(hosts)]) == 0 else {
            _ = Self.run(["down", prefix])
            throw NetnsError(description: "could not create \(hosts) namespaced hosts")
        }
    }

    deinit { _ = Self.run(["down", prefix]) }

    func address(_ host: Int) -> String { "10.213.0.\(host)" }

    /// Starts `sweep ARGUMENTS` inside a host.
    func sweep(on host: Int, _ arguments: [String], directory: URL? = nil) throws -> ChildProcess {
        try ChildProcess(
            ["netns", "exec", "\(prefix)-h\(host)", ChildProcess.sweepBinary.path] + arguments,
            directory: directory, executable: Self.ipProgram)
    }

    func cut(_ host: Int) { _ = Self.run(["cut", prefix, String(host)]) }
    func heal(_ host: Int) { _ = Self.run(["heal", prefix, String(host)]) }

    @discardableResult
    static func run(_ arguments: [String]) -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [script.path] + arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return -1 }
        process.waitUntilExit()
        return process.terminationStatus
    }
}

struct NetnsError: Error, CustomStringConvertible {
    let description: String
}
