import Foundation
import Testing

/// A `sweep` process started by a test, with its stderr collected line by line so the test can
/// await what it says (never sleep). Stopped by process id when the test is done with it.
final class ChildProcess: @unchecked Sendable {  // safe: `lines` and `exitStatus` guarded by `condition`
    let process = Process()
    private let condition = NSCondition()
    private var lines: [String] = []
    private var buffer = Data()
    private var finished = false
    /// stdout and stderr until each reaches end of file: output can arrive after the exit.
    private var openPipes = 2
    private let stdoutPipe = Pipe()
    private var stdoutData = Data()

    static var sweepBinary: URL {
        URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
            .deletingLastPathComponent().appendingPathComponent("sweep")
    }

    /// Starts `sweep ARGUMENTS` (or, with `executable`, that program with these arguments).
    init(_ arguments: [String], directory: URL? = nil, executable: URL? = nil) throws {
        process.executableURL = executable ?? Self.sweepBinary
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        let errPipe = Pipe()
        process.standardError = errPipe
        process.standardOutput = stdoutPipe
        Self.readUntilEnd(errPipe) { [weak self] data in
            if data.isEmpty { self?.closed() } else { self?.append(data) }
        }
        Self.readUntilEnd(stdoutPipe) { [weak self] data in
            guard let self else { return }
            if data.isEmpty { return self.closed() }
            self.condition.lock(); self.stdoutData.append(data); self.condition.broadcast(); self.condition.unlock()
        }
        process.terminationHandler = { [weak self] _ in
            guard let self else { return }
            self.condition.lock(); self.finished = true; self.condition.broadcast(); self.condition.unlock()
        }
        try process.run()
    }

    /// Reads a pipe to its end on a thread of its own, from a duplicate of its descriptor (closed
    /// there), handing over each chunk and then an empty one. Not `readabilityHandler`: its
    /// dispatch source crashed libdispatch's event loop once in a full run (a handler cleared as
    /// its descriptor closed).
    private static func readUntilEnd(_ pipe: Pipe, _ take: @escaping @Sendable (Data) -> Void) {
        let descriptor = dup(pipe.fileHandleForReading.fileDescriptor)
        guard descriptor >= 0 else { return take(Data()) }
        let thread = Thread {
            defer { close(descriptor) }
            var chunk = [UInt8](repeating: 0, count: 65_536)
            while true {
                let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
                if count < 0 && errno == EINTR { continue }
                guard count > 0 else { return take(Data()) }
                take(Data(chunk[0..<count]))
            }
        }
        thread.start()
    }

    private func append(_ data: Data) {
        condition.lock()
        defer { condition.unlock() }
        if data.isEmpty { return }
        buffer.append(data)
        while let newline = buffer.firstIndex(of: 0x0A) {
            lines.append(String(decoding: buffer[buffer.startIndex..<newline], as: UTF8.self))
            buffer.removeSubrange(buffer.startIndex...newline)
        }
        condition.broadcast()
    }

    private func closed() {
        condition.lock(); openPipes -= 1; condition.broadcast(); condition.unlock()
    }

    var stderrLines: [String] {
        condition.lock(); defer { condition.unlock() }
        return lines
    }

    var stdout: String {
        condition.lock(); defer { condition.unlock() }
        return String(decoding: stdoutData, as: UTF8.self)
    }

    /// Waits until stderr has a line containing `text` (the timeout only bounds a failing test).
    @discardableResult
    func awaitLine(containing text: String, timeout: Double = 60) -> String? {
        let deadline = Date().addingTimeInterval(timeout)
        condition.lock()
        defer { condition.unlock() }
        while true {
            if let line = lines.first(where: { $0.contains(text) }) { return line }
            if finished || !condition.wait(until: deadline) {
                return lines.first(where: { $0.contains(text) })
            }
        }
    }

    /// Waits until stdout holds `text` (the timeout only bounds a failing test); true if it does.
    /// Output can still be in the pipe when the process has exited, so this waits for it.
    func awaitStdout(containing text: String, timeout: Double = 60) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        condition.lock()
        defer { condition.unlock() }
        while !String(decoding: stdoutData, as: UTF8.self).contains(text) {
            if !condition.wait(until: deadline) { return String(decoding: stdoutData, as: UTF8.self).contains(text) }
        }
        return true
    }

    /// Waits for the process to exit and returns its status (nil if it did not exit in time).
    func awaitExit(timeout: Double = 120) -> Int32? {
        let deadline = Date().addingTimeInterval(timeout)
        condition.lock()
        while !finished {
            if !condition.wait(until: deadline) { break }
        }
        // Then the rest of its output (bounded: a killed process's children may hold the pipes).
        let drained = min(deadline, Date().addingTimeInterval(5))
        while finished && openPipes > 0 {
            if !condition.wait(until: drained) { break }
        }
        condition.unlock()
        guard !process.isRunning else { return nil }
        process.waitUntilExit()
        return process.terminationStatus
    }

    func signal(_ number: Int32) {
        if process.isRunning { kill(process.processIdentifier, number) }
    }

    /// Stops the process (SIGTERM, then SIGKILL) if it still runs.
    func stop() {
        guard process.isRunning else { return }
        signal(SIGTERM)
        if awaitExit(timeout: 5) == nil {
            signal(SIGKILL)
            _ = awaitExit(timeout: 5)
        }
    }

    deinit { stop() }
}

/// A fresh directory for one test's specs and run directories.
func temporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("sweep-test-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// A spec of `trials` no-op tasks per fold that each take `sleep` seconds.
func noopSpec(trials: Int, folds: Int = 2, sleep: Double) -> String {
    """
    name: noop-test
    cv: {folds: \(folds)}
    trainer: {model: noop}
    space:
      score: {values: [\((0..<trials).map(String.init).joined(separator: ", "))]}
      sleep: \(sleep)
    objective: {metric: score, goal: maximize}
    limits: {max_attempts: 3}
    """
}

/// Reads results.csv as dictionaries keyed by column name.
func readResults(_ directory: URL) throws -> [[String: String]] {
    let text = try String(contentsOf: directory.appendingPathComponent("results.csv"), encoding: .utf8)
    var lines = text.split(separator: "\n").map(String.init)
    let header = lines.removeFirst().split(separator: ",", omittingEmptySubsequences: false).map(String.init)
    return lines.map { line in
        let fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        return Dictionary(uniqueKeysWithValues: zip(header, fields))
    }
}

/// Starts `sweep coordinator` on a free loopback port for `spec`; returns it, the endpoint workers
/// should connect to, and its run directory.
func startCoordinator(_ spec: String, heartbeat: String) throws -> (ChildProcess, String, URL) {
    let directory = try temporaryDirectory()
    try spec.write(to: directory.appendingPathComponent("spec.yaml"), atomically: true, encoding: .utf8)
    let out = directory.appendingPathComponent("out")
    let coordinator = try ChildProcess(
        [
            "coordinator", "spec.yaml", "--bind", "tcp://127.0.0.1:*", "--out", out.path,
            "--heartbeat", heartbeat,
        ], directory: directory)
    let serving = try #require(coordinator.awaitLine(containing: "serving sweep"))
    let endpoint = try #require(serving.split(separator: " ").first { $0.hasPrefix("tcp://") }).dropLast()
    return (coordinator, String(endpoint), out)
}
