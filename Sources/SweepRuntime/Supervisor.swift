import CSystemShim
import Foundation
import Glibc

/// Watches one spawned program: copies its stdout and stderr to log files in the task directory,
/// hands each stdout line to a callback, enforces the timeout and cancellation (SIGTERM to the
/// whole process group, SIGKILL after a grace period), and reaps it. When the program exits, the
/// rest of its process group is killed, so nothing it started outlives the task.
struct Supervisor {
    enum Outcome: Equatable {
        case exited(Int32)
        case signalled(Int32)
        case timedOut
        case cancelled
    }

    let child: SpawnedChild
    let stdoutLog: FileHandle?
    let stderrLog: FileHandle?
    private var stdoutBuffer: [UInt8] = []
    private var stderrLines: [String] = []
    private var stderrPartial: [UInt8] = []

    init(child: SpawnedChild, directory: URL) {
        self.child = child
        func open(_ name: String) -> FileHandle? {
            let url = directory.appendingPathComponent(name)
            _ = FileManager.default.createFile(atPath: url.path, contents: nil)
            return try? FileHandle(forWritingTo: url)
        }
        stdoutLog = open("stdout.log")
        stderrLog = open("stderr.log")
    }

    /// The last `lines` lines of stderr.
    func tail(lines: Int) -> String {
        var all = stderrLines
        if !stderrPartial.isEmpty { all.append(String(decoding: stderrPartial, as: UTF8.self)) }
        return all.suffix(lines).joined(separator: "\n")
    }

    mutating func wait(timeout: Double, cancel: CancelFlag, onLine: (Substring) -> Void) -> Outcome {
        let deadline = MonotonicClock.now() + timeout
        var open = [child.stdout, child.stderr]
        var stopping: (reason: Outcome, killAt: Double)?
        var exitStatus: Int32?
        var exited = false
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            if !exited && sweep_child_has_exited(child.pid) != 0 {
                // Still a zombie, so the group id is ours: stop anything the program left running.
                kill(-child.pid, SIGKILL)
                exited = true
                exitStatus = reap(block: true)
            }
            if exited && open.isEmpty { break }
            let now = MonotonicClock.now()
            if stopping == nil && !exited {
                if cancel.isSet {
                    stopping = (.cancelled, now + CommandTrainer.stopGrace)
                } else if now >= deadline {
                    stopping = (.timedOut, now + CommandTrainer.stopGrace)
                }
                if stopping != nil { kill(-child.pid, SIGTERM) }
            }
            if let stop = stopping, !exited, now >= stop.killAt { kill(-child.pid, SIGKILL) }
            var fds = open.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            let ready = poll(&fds, nfds_t(fds.count), exited ? 20 : 100)
            if ready < 0 && errno != EINTR { break }
            if ready == 0 && exited { break }  // exited, and its output has stopped
            for entry in fds where entry.revents != 0 {
                let count = read(entry.fd, &buffer, buffer.count)
                if count <= 0 {
                    close(entry.fd)
                    open.removeAll { $0 == entry.fd }
                    continue
                }
                let chunk = buffer[0..<count]
                if entry.fd == child.stdout { takeStdout(chunk, onLine) } else { takeStderr(chunk) }
            }
        }
        for fd in open { close(fd) }
        if !stdoutBuffer.isEmpty { onLine(Substring(String(decoding: stdoutBuffer, as: UTF8.self))) }
        try? stdoutLog?.close()
        try? stderrLog?.close()
        let status = exitStatus ?? reap(block: true) ?? 0
        if let stop = stopping { return stop.reason }
        return decode(status)
    }

    /// waitpid; nil while the child still runs.
    func reap(block: Bool) -> Int32? {
        var status: Int32 = 0
        while true {
            let rc = waitpid(child.pid, &status, block ? 0 : WNOHANG)
            if rc == child.pid { return status }
            if rc == 0 { return nil }
            if errno == EINTR { continue }
            return status
        }
    }

    func decode(_ status: Int32) -> Outcome {
        let signal = status & 0x7f
        if signal == 0 { return .exited((status >> 8) & 0xff) }
        return .signalled(signal)
    }

    mutating func takeStdout(_ chunk: ArraySlice<UInt8>, _ onLine: (Substring) -> Void) {
        stdoutLog?.write(Data(chunk))
        stdoutBuffer.append(contentsOf: chunk)
        while let newline = stdoutBuffer.firstIndex(of: 0x0A) {
            onLine(Substring(String(decoding: stdoutBuffer[..<newline], as: UTF8.self)))
            stdoutBuffer.removeSubrange(...newline)
        }
        if stdoutBuffer.count > 1 << 20 { stdoutBuffer.removeAll() }  // a line that never ends is log, not a report
    }

    mutating func takeStderr(_ chunk: ArraySlice<UInt8>) {
        stderrLog?.write(Data(chunk))
        stderrPartial.append(contentsOf: chunk)
        while let newline = stderrPartial.firstIndex(of: 0x0A) {
            stderrLines.append(String(decoding: stderrPartial[..<newline], as: UTF8.self))
            stderrPartial.removeSubrange(...newline)
        }
        if stderrLines.count > 200 { stderrLines.removeFirst(stderrLines.count - 100) }
        if stderrPartial.count > 1 << 16 {
            stderrLines.append(String(decoding: stderrPartial, as: UTF8.self)); stderrPartial.removeAll()
        }
    }
}
