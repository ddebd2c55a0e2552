import CSystemShim
import Foundation
import Glibc

/// Watches one spawned task supervisor (`TaskSupervisor`, which runs the program): copies the
/// program's stdout and stderr to log files, hands each metric report to a callback as it is
/// written (`@sweep` lines on stdout, lines of the SWEEP_METRICS file), enforces the timeout and
/// cancellation (SIGTERM to the supervisor, which passes it on; SIGUSR1, kill everything, after a
/// grace period), and reaps it.
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
    private var metricsFile: MetricsFileFollower?
    private var stdoutBuffer: [UInt8] = []
    private var stderrLines: [String] = []
    private var stderrPartial: [UInt8] = []

    /// `directory`: where the logs go; `metricsFile`: the SWEEP_METRICS file to follow.
    init(child: SpawnedChild, directory: URL, metricsFile: URL? = nil) {
        self.child = child
        func open(_ name: String) -> FileHandle? {
            let url = directory.appendingPathComponent(name)
            _ = FileManager.default.createFile(atPath: url.path, contents: nil)
            return try? FileHandle(forWritingTo: url)
        }
        stdoutLog = open("stdout.log")
        stderrLog = open("stderr.log")
        self.metricsFile = metricsFile.map { MetricsFileFollower(path: $0.path) }
    }

    /// The last `lines` lines of stderr.
    func tail(lines: Int) -> String {
        var all = stderrLines
        if !stderrPartial.isEmpty { all.append(String(decoding: stderrPartial, as: UTF8.self)) }
        return all.suffix(lines).joined(separator: "\n")
    }

    /// Runs until the program has ended and its output is read; `onReport` gets the JSON text of
    /// each metric report, from either channel, as it arrives.
    mutating func wait(timeout: Double, cancel: CancelFlag, onReport: (Substring) -> Void) -> Outcome {
        let deadline = MonotonicClock.now() + timeout
        var open = [child.stdout, child.stderr]
        var stopping: (reason: Outcome, killAt: Double)?
        var exitStatus: Int32?
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            if exitStatus == nil && sweep_child_has_exited(child.pid) != 0 {
                // Still a zombie, so the group id is ours: stop anything left in it.
                kill(-child.pid, SIGKILL)
                exitStatus = reap(block: true)
            }
            if exitStatus != nil && open.isEmpty { break }
            let now = MonotonicClock.now()
            if stopping == nil && exitStatus == nil {
                if cancel.isSet {
                    stopping = (.cancelled, now + CommandTrainer.stopGrace)
                } else if now >= deadline {
                    stopping = (.timedOut, now + CommandTrainer.stopGrace)
                }
                if stopping != nil { kill(child.pid, SIGTERM) }
            }
            if let stop = stopping, exitStatus == nil, now >= stop.killAt {
                // Kill everything; SIGKILL to the supervisor itself only if it does not end.
                kill(child.pid, now >= stop.killAt + CommandTrainer.stopGrace ? SIGKILL : SIGUSR1)
            }
            for line in metricsFile?.newLines() ?? [] { onReport(line) }
            var fds = open.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            let ready = poll(&fds, nfds_t(fds.count), exitStatus != nil ? 20 : 100)
            if ready < 0 && errno != EINTR { break }
            if ready == 0 && exitStatus != nil { break }  // exited, and its output has stopped
            for entry in fds where entry.revents != 0 {
                let count = read(entry.fd, &buffer, buffer.count)
                if count <= 0 {
                    close(entry.fd)
                    open.removeAll { $0 == entry.fd }
                    continue
                }
                let chunk = buffer[0..<count]
                if entry.fd == child.stdout { takeStdout(chunk, onReport) } else { takeStderr(chunk) }
            }
        }
        for fd in open { close(fd) }
        if !stdoutBuffer.isEmpty { Self.report(stdoutBuffer[...], onReport) }
        for line in metricsFile?.newLines(atEnd: true) ?? [] { onReport(line) }
        try? stdoutLog?.close()
        try? stderrLog?.close()
        let status = exitStatus ?? reap(block: true) ?? 0
        if let stop = stopping { return stop.reason }
        return decode(status)
    }

    /// Passes on a stdout line if it is a metric report.
    static func report(_ line: ArraySlice<UInt8>, _ onReport: (Substring) -> Void) {
        let prefix = MetricReports.prefix.utf8
        guard line.starts(with: prefix) else { return }
        onReport(Substring(String(decoding: line.dropFirst(prefix.count), as: UTF8.self)))
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

    mutating func takeStdout(_ chunk: ArraySlice<UInt8>, _ onReport: (Substring) -> Void) {
        stdoutLog?.write(Data(chunk))
        stdoutBuffer.append(contentsOf: chunk)
        while let newline = stdoutBuffer.firstIndex(of: 0x0A) {
            Self.report(stdoutBuffer[..<newline], onReport)
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
