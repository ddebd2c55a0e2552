import Foundation
import Glibc
import SweepRuntime

/// A child process of a benchmark, started with posix_spawn and waited with wait4, so its CPU
/// time and peak memory come from the kernel's own accounting (getrusage of that one child).
final class BenchChild {
    struct Usage {
        var status: Int32
        var cpuSeconds: Double
        var maxResidentMegabytes: Double
    }

    let pid: pid_t
    /// Where its stderr (and stdout) go; read with `text`.
    let log: URL

    /// Started through `sweep-bench die-with-parent`, so the kernel stops it when this benchmark
    /// is killed (a timeout, Ctrl-C) instead of leaving a coordinator waiting for workers.
    init(_ command: [String], log: URL) throws {
        self.log = log
        let arguments =
            [LocalWorkers.currentExecutable.path, "die-with-parent", "\(getpid())", "--"] + command
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, log.path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        // Children of test or bench threads may inherit blocked signals; give them a clean mask.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK))
        let argv = arguments.map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid: pid_t = 0
        let status = posix_spawn(&pid, arguments[0], &actions, &attributes, argv, environ)
        guard status == 0 else {
            throw BenchError("cannot start \(arguments[0]): \(String(cString: strerror(status)))")
        }
        self.pid = pid
    }

    var text: String { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }

    /// Waits for a line containing `needle` in the log (bounded: a benchmark that hangs fails).
    /// Fails as soon as one of `helpers` has failed (a simulator that died leaves it waiting forever).
    func awaitLine(containing needle: String, timeout: Double = 60, helpers: [BenchChild] = []) throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        // Only what was written since the last look (plus an unfinished line): the log of a long
        // run is not read whole fifty times a second beside the process being measured.
        guard let file = FileHandle(forReadingAtPath: log.path) else { throw BenchError("cannot read \(log.path)") }
        defer { try? file.close() }
        var unfinished = ""
        while Date() < deadline {
            let fresh = unfinished + String(decoding: (try? file.readToEnd()) ?? Data(), as: UTF8.self)
            var lines = fresh.split(separator: "\n", omittingEmptySubsequences: false)
            unfinished = String(lines.removeLast())
            if let line = (lines + [Substring(unfinished)]).first(where: { $0.contains(needle) }) {
                return String(line)
            }
            if exited() { break }
            if let gone = helpers.first(where: { $0.failed() }) {
                throw BenchError("pid \(gone.pid) exited early; its output:\n\(gone.text.suffix(2000))")
            }
            usleep(20_000)
        }
        throw BenchError("no line with '\(needle)' from pid \(pid); its output:\n\(text.suffix(2000))")
    }

    /// Whether it has exited (without reaping it).
    func exited() -> Bool { exitInfo() != nil }

    /// Whether it has exited with a failure or a signal (without reaping it).
    func failed() -> Bool {
        guard let info = exitInfo() else { return false }
        return info.si_code != CLD_EXITED || info._sifields._sigchld.si_status != 0
    }

    /// How it ended, if it has (WNOWAIT: `wait` can still reap it and read its usage).
    private func exitInfo() -> siginfo_t? {
        var info = siginfo_t()
        guard waitid(P_PID, id_t(pid), &info, WEXITED | WNOHANG | WNOWAIT) == 0,
            info._sifields._sigchld.si_pid == pid
        else { return nil }
        return info
    }

    /// Waits for its end; its exit status, CPU seconds (user + system) and peak RSS.
    func wait() -> Usage {
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) < 0 && errno == EINTR {}
        let cpu =
            Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6 + Double(usage.ru_stime.tv_sec)
            + Double(usage.ru_stime.tv_usec) / 1e6
        let code = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        return Usage(status: code, cpuSeconds: cpu, maxResidentMegabytes: Double(usage.ru_maxrss) / 1024)
    }

    func kill() { Glibc.kill(pid, SIGKILL) }
    func terminate() { Glibc.kill(pid, SIGTERM) }

    /// CPU seconds (user + system, all threads) the running child has used so far, from
    /// /proc/PID/stat (nil once it has been waited for).
    func cpuSecondsSoFar() -> Double? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = text.lastIndex(of: ")")
        else { return nil }
        // Fields after the command's closing parenthesis: state is field 3; utime, stime are 14 and 15.
        let fields = text[text.index(after: close)...].split(separator: " ")
        guard fields.count > 13, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// Its peak resident memory so far in MB (VmHWM in /proc/PID/status; nil once waited for).
    func peakResidentMegabytesSoFar() -> Double? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
            let line = text.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
            let kilobytes = line.split(separator: " ").dropFirst().first.flatMap({ Double($0) })
        else { return nil }
        return kilobytes / 1024
    }

    /// `sweep-bench die-with-parent PARENT -- PROGRAM ARGS…`: asks for SIGKILL when PARENT dies,
    /// then becomes PROGRAM (same pid: wait4 still accounts for it).
    static func execDyingWithParent(_ arguments: [String]) -> Never {
        guard arguments.count >= 3, let parent = pid_t(arguments[0]), arguments[1] == "--" else {
            FileHandle.standardError.write(Data("usage: sweep-bench die-with-parent PID -- PROGRAM [ARGS…]\n".utf8))
            exit(2)
        }
        ExecLauncher.dieWithParent(parent)
        let program = Array(arguments.dropFirst(2))
        let argv = program.map { strdup($0) } + [nil]
        execv(program[0], argv)
        FileHandle.standardError.write(Data("cannot run \(program[0]): \(String(cString: strerror(errno)))\n".utf8))
        exit(127)
    }
}
