import Foundation
import Glibc

/// Slurm's client programs (sbatch, squeue, scancel), found on PATH before anything starts, and
/// run to their end with a bound on how long they may take.
public struct SlurmTools: Sendable {
    public let sbatch: String
    public let squeue: String
    public let scancel: String

    public init(sbatch: String, squeue: String, scancel: String) {
        self.sbatch = sbatch
        self.squeue = squeue
        self.scancel = scancel
    }

    /// Finds the three on `path` (a PATH value); the error names the missing ones and what to do.
    public static func locate(path: String?) throws -> SlurmTools {
        let names = ["sbatch", "squeue", "scancel"]
        let found = names.map { find($0, path: path ?? "") }
        let missing = zip(names, found).filter { $0.1 == nil }.map(\.0)
        guard missing.isEmpty, let sbatch = found[0], let squeue = found[1], let scancel = found[2] else {
            throw SweepError(
                .cannotStart,
                """
                sweep launch slurm needs Slurm's sbatch, squeue and scancel on PATH, and \
                \(missing.joined(separator: ", ")) \(missing.count == 1 ? "is" : "are") not there \
                (PATH=\(path ?? "")). Run it on a host that submits Slurm jobs (a login node), or install \
                the Slurm client there (Debian/Ubuntu: apt install slurm-client, part of slurm-wlm).
                """)
        }
        return SlurmTools(sbatch: sbatch, squeue: squeue, scancel: scancel)
    }

    /// The first executable `name` in the directories of `path`.
    static func find(_ name: String, path: String) -> String? {
        for directory in path.split(separator: ":") where directory.hasPrefix("/") {
            let file = "\(directory)/\(name)"
            if access(file, X_OK) == 0 { return file }
        }
        return nil
    }

    /// What one command printed and how it ended; `status` nil when it was killed at its deadline.
    public struct Outcome: Sendable {
        public var status: Int32?
        public var stdout: String
        public var stderr: String

        public var succeeded: Bool { status == 0 }
        /// stderr (else stdout) without the trailing newline, for messages.
        public var said: String {
            let text = stderr.trimmingCharacters(in: .whitespacesAndNewlines)
            return text.isEmpty ? stdout.trimmingCharacters(in: .whitespacesAndNewlines) : text
        }
    }

    /// Runs `program ARGUMENTS` with stdin closed; kills it by pid after `timeout` seconds
    /// (a controller that does not answer makes sbatch retry for minutes).
    public static func run(_ program: String, _ arguments: [String], timeout: Double) throws -> Outcome {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = arguments
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let pid = process.processIdentifier
        let state = RunState()
        let stderrRead = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            state.setStderr(errors.fileHandleForReading.readDataToEndOfFile())
            stderrRead.signal()
        }
        let deadline = DispatchWorkItem { state.killIfRunning(pid) }
        DispatchQueue.global().asyncAfter(deadline: .now() + timeout, execute: deadline)
        let stdout = output.fileHandleForReading.readDataToEndOfFile()
        stderrRead.wait()
        process.waitUntilExit()
        state.exited()
        deadline.cancel()
        return Outcome(
            status: state.wasKilled ? nil : process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
            stderr: String(decoding: state.stderr, as: UTF8.self))
    }
}

/// What the threads of one `SlurmTools.run` share: stderr, and whether the deadline killed it
/// (not once its exit was seen).
private final class RunState: @unchecked Sendable {  // safe: every field guarded by `lock`
    private let lock = NSLock()
    private var stderrData = Data()
    private var done = false
    private var killed = false

    func setStderr(_ data: Data) { lock.withLock { stderrData = data } }
    var stderr: Data { lock.withLock { stderrData } }
    var wasKilled: Bool { lock.withLock { killed } }

    func exited() { lock.withLock { done = true } }

    @discardableResult
    func killIfRunning(_ pid: Int32) -> Bool {
        lock.withLock {
            guard !done else { return false }
            killed = true
            kill(pid, SIGKILL)
            return true
        }
    }
}
