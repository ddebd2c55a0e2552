import Foundation
import Testing

/// `sweep ARGUMENTS` run to its end, with everything it wrote: for commands that finish on their
/// own (help, usage errors, validation). Both pipes are read to their end before the status is
/// taken, so no output is lost to a race with the exit. A command still running after `timeout`
/// seconds is killed by its process id and reported as not finished (`status` nil).
struct FinishedCommand {
    let status: Int32?
    let stdout: String
    let stderr: String

    init(_ arguments: [String], directory: URL? = nil, environment: [String: String] = [:], timeout: Double = 60) throws
    {
        let process = Process()
        process.executableURL = ChildProcess.sweepBinary
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let outPipe = Pipe(), errPipe = Pipe()
        process.standardOutput = outPipe
        process.standardError = errPipe
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let output = PipeReader(outPipe), errors = PipeReader(errPipe)
        let finished =
            output.wait(until: Date().addingTimeInterval(timeout)) && errors.wait(until: Date().addingTimeInterval(1))
        if !finished {
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            _ = output.wait(until: Date().addingTimeInterval(5)) && errors.wait(until: Date().addingTimeInterval(5))
        }
        process.waitUntilExit()
        status = finished ? process.terminationStatus : nil
        stdout = output.text
        stderr = errors.text
    }

    /// Both streams, for failure messages.
    var transcript: String {
        "status \(status.map(String.init) ?? "none (killed)")\n--- stdout\n\(stdout)--- stderr\n\(stderr)"
    }
}

/// Reads a pipe to its end on a thread of its own.
private final class PipeReader: @unchecked Sendable {  // safe: `data` guarded by `lock`
    private let lock = NSLock()
    private var data = Data()
    private let done = DispatchSemaphore(value: 0)

    init(_ pipe: Pipe) {
        let handle = pipe.fileHandleForReading
        Thread.detachNewThread { [self] in
            let all = handle.readDataToEndOfFile()
            lock.withLock { data = all }
            done.signal()
        }
    }

    /// Whether the writer closed the pipe before `deadline`.
    func wait(until deadline: Date) -> Bool {
        done.wait(timeout: .now() + max(0, deadline.timeIntervalSinceNow)) == .success
    }

    /// What was read, once the pipe is closed (empty before).
    var text: String { lock.withLock { String(decoding: data, as: UTF8.self) } }
}
