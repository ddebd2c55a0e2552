import CSystemShim
import Foundation
import Glibc

/// One local `ssh` process of the launcher: stdin from a pipe the launcher holds (or a file),
/// stdout and stderr into one pipe read line by line. In a process group of its own (a Ctrl-C on the
/// terminal reaches the coordinator, which then stops it in order) with default signal handling.
final class SSHProcess {
    let pid: pid_t
    /// The write end of its stdin (-1 once closed, or when stdin is a file).
    private(set) var stdinFD: Int32
    private let outputFD: Int32
    private var buffer: [UInt8] = []

    enum Input {
        case pipe
        case file(String)
    }

    struct SpawnError: Error, CustomStringConvertible {
        let description: String
    }

    init(program: String, arguments: [String], input: Input, directory: String) throws {
        var output: [Int32] = [0, 0], stdinPipe: [Int32] = [-1, -1]
        guard sweep_pipe_cloexec(&output) == 0 else { throw SpawnError(description: Self.errnoText("pipe")) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        switch input {
        case .pipe:
            guard sweep_pipe_cloexec(&stdinPipe) == 0 else {
                close(output[0]); close(output[1])
                throw SpawnError(description: Self.errnoText("pipe"))
            }
            posix_spawn_file_actions_adddup2(&actions, stdinPipe[0], 0)
        case .file(let path):
            posix_spawn_file_actions_addopen(&actions, 0, path, O_RDONLY, 0)
        }
        posix_spawn_file_actions_adddup2(&actions, output[1], 1)
        posix_spawn_file_actions_adddup2(&actions, output[1], 2)
        sweep_spawn_addchdir(&actions, directory)
        var child: pid_t = 0
        // The coordinator ignores SIGINT/SIGTERM/SIGPIPE itself; ssh must not inherit that.
        let rc = withChildAttributes { attributes in
            withCStrings([program] + arguments) { argv in
                posix_spawn(&child, program, &actions, &attributes, argv, environ)
            }
        }
        close(output[1])
        if stdinPipe[0] >= 0 { close(stdinPipe[0]) }
        guard rc == 0 else {
            close(output[0])
            if stdinPipe[1] >= 0 { close(stdinPipe[1]) }
            throw SpawnError(description: "cannot start \(program): \(String(cString: strerror(rc)))")
        }
        pid = child
        stdinFD = stdinPipe[1]
        outputFD = output[0]
    }

    deinit {
        closeStdin()
        close(outputFD)
    }

    /// Writes `text` to its stdin; false if it cannot (ssh gone: EPIPE, as SIGPIPE is ignored).
    func write(_ text: String) -> Bool {
        guard stdinFD >= 0 else { return false }
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let count = bytes.withUnsafeBytes { Glibc.write(stdinFD, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { return false }
            bytes = bytes.dropFirst(count)
        }
        return true
    }

    /// Ends its stdin: the remote command reads end of file.
    func closeStdin() {
        if stdinFD >= 0 { close(stdinFD) }
        stdinFD = -1
    }

    /// The next line of its output (without the newline), or nil at end of file.
    func readLine() -> String? {
        while true {
            if let newline = buffer.firstIndex(of: 0x0A) {
                let line = String(decoding: buffer[..<newline], as: UTF8.self)
                buffer.removeSubrange(...newline)
                return line
            }
            var chunk = [UInt8](repeating: 0, count: 4096)
            let count = read(outputFD, &chunk, chunk.count)
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else {
                guard !buffer.isEmpty else { return nil }
                defer { buffer.removeAll() }
                return String(decoding: buffer, as: UTF8.self)
            }
            buffer.append(contentsOf: chunk[..<count])
        }
    }

    /// Blocks until it exits, leaving it unreaped (its pid cannot be reused until `reap`).
    func awaitExit() {
        var info = siginfo_t()
        while waitid(P_PID, id_t(pid), &info, WEXITED | WNOWAIT) != 0 && errno == EINTR {}
    }

    /// Whether it has exited (not yet reaped).
    var hasExited: Bool { sweep_child_has_exited(pid) != 0 }

    /// Reaps it; its exit status, or 128 + the signal that ended it.
    func reap() -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        return status & 0x7f == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    }

    static func errnoText(_ call: String) -> String { "\(call): \(String(cString: strerror(errno)))" }
}
