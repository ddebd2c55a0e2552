import Foundation
import Testing

/// A real one-node Slurm (munged, slurmctld, slurmd from Debian's packages) for one suite, made by
/// cluster/slurm/single-node.sh in a temporary directory and stopped by the pids it wrote there,
/// also when a test fails. Clients reach it through SLURM_CONF, given per command, so nothing
/// else in the test process sees it.
final class SlurmSingleNode: Sendable {
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("cluster/slurm/single-node.sh")
    static let sbatchScript = script.deletingLastPathComponent().appendingPathComponent("sweep-workers.sbatch")

    /// Why Slurm cannot run here (not root, slurm-wlm or munge missing), or nil.
    static let unavailableReason: String? = {
        let check = run(["/bin/bash", script.path, "check"])
        return check.status == 0
            ? nil
            : "single-node Slurm cannot run here: \(check.stderr.trimmingCharacters(in: .whitespacesAndNewlines))"
    }()

    /// The suite's Slurm, set by the `.singleNodeSlurm` trait for the suite's tests.
    @TaskLocal static var current: SlurmSingleNode?

    let directory: URL
    var conf: String { directory.appendingPathComponent("slurm.conf").path }
    /// `env` arguments that give a command this Slurm.
    var environment: [String] { ["SLURM_CONF=\(conf)"] }

    let registration: URL

    init() throws {
        StaleDaemons.reap(stop: Self.down)
        directory = try temporaryDirectory().appendingPathComponent("slurm")
        registration = try StaleDaemons.register(directory)
        let up = Self.run(["/bin/bash", Self.script.path, "up", directory.path])
        guard up.status == 0 else {
            let logs = ["slurmctld.log", "slurmd.log", "munged.log"].map { name in
                let text =
                    (try? String(contentsOf: directory.appendingPathComponent("log/\(name)"), encoding: .utf8)) ?? ""
                return "--- \(name)\n" + text.split(separator: "\n").suffix(10).joined(separator: "\n")
            }
            stop()
            throw SlurmTestError(description: "single-node.sh up failed: \(up.stderr)\n\(logs.joined(separator: "\n"))")
        }
    }

    /// Stops the daemons by the pids in the directory, then removes it.
    func stop() {
        Self.down(directory)
        try? FileManager.default.removeItem(at: registration)
    }

    /// Stops the daemons of a single-node Slurm in `directory` by its pid files and removes the
    /// test directory holding it.
    static func down(_ directory: URL) {
        _ = run(["/bin/bash", script.path, "down", directory.path])
        try? FileManager.default.removeItem(at: directory.deletingLastPathComponent())
    }

    /// A Slurm client command against this Slurm.
    func client(_ arguments: [String]) -> (status: Int32, stdout: String, stderr: String) {
        Self.run(["/usr/bin/env"] + environment + arguments)
    }

    /// Every job squeue lists (one id a line); empty when the queue is.
    var queue: String { client(["squeue", "--noheader", "--array", "--format=%i %j %T"]).stdout }

    /// Waits until squeue lists nothing (the timeout only bounds a failing test).
    func awaitEmptyQueue(timeout: Double = 60) -> Bool {
        awaitCondition(timeout: timeout) { queue.isEmpty }
    }

    /// Runs a program to its end; its output read to the end on threads of their own.
    static func run(_ arguments: [String], directory: URL? = nil) -> (status: Int32, stdout: String, stderr: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: arguments[0])
        process.arguments = Array(arguments.dropFirst())
        if let directory { process.currentDirectoryURL = directory }
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = FileHandle.nullDevice
        do { try process.run() } catch { return (-1, "", "cannot run \(arguments[0]): \(error)") }
        let stderrText = LockedText()
        let done = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            stderrText.set(String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self))
            done.signal()
        }
        let stdout = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        done.wait()
        process.waitUntilExit()
        return (process.terminationStatus, stdout, stderrText.text)
    }
}

/// Text handed from a reader thread.
private final class LockedText: @unchecked Sendable {  // safe: `value` guarded by `lock`
    private let lock = NSLock()
    private var value = ""
    func set(_ text: String) { lock.withLock { value = text } }
    var text: String { lock.withLock { value } }
}

struct SlurmTestError: Error, CustomStringConvertible {
    let description: String
}

/// Polls `condition` until it holds or `timeout` passed (which only bounds a failing test).
func awaitCondition(timeout: Double, _ condition: () -> Bool) -> Bool {
    let deadline = Date().addingTimeInterval(timeout)
    while !condition() {
        if Date() > deadline { return false }
        usleep(100_000)
    }
    return true
}

/// Starts one single-node Slurm for a whole suite and stops it after the suite's last test.
struct SingleNodeSlurmTrait: SuiteTrait, TestScoping {
    func provideScope(
        for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void
    ) async throws {
        guard SlurmSingleNode.unavailableReason == nil else { return try await function() }
        let slurm = try SlurmSingleNode()
        defer { slurm.stop() }
        try await SlurmSingleNode.$current.withValue(slurm) { try await function() }
    }
}

extension Trait where Self == SingleNodeSlurmTrait {
    static var singleNodeSlurm: Self { SingleNodeSlurmTrait() }
}

/// Process ids of `sweep worker` processes whose command line names `text` (e.g. slurm-12-).
func sweepWorkers(naming text: String) -> [Int32] {
    let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
    return entries.compactMap { entry -> Int32? in
        guard let pid = Int32(entry),
            let data = FileManager.default.contents(atPath: "/proc/\(entry)/cmdline")
        else { return nil }
        let words = data.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
        return words.contains("worker") && words.contains(where: { $0.contains(text) }) ? pid : nil
    }
}
