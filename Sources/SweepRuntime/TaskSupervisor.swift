import CSystemShim
import Foundation
import Glibc

/// One task's supervisor, `sweep __exec WORKER -- PROGRAM…`: a small process between the worker
/// and the program that makes sure nothing the program starts outlives the task or the worker.
///
/// Why a process of its own: PR_SET_PDEATHSIG reaches only a direct child, and a process group
/// only the processes that stay in it (a `setsid` daemon leaves it). The supervisor is a child
/// subreaper, so every orphaned descendant is re-parented to it rather than to init, and it is
/// told when the worker dies (PR_SET_PDEATHSIG with a signal it handles, and its parent pid
/// checked every second), even on SIGKILL of the worker. cgroups would also do, but are not
/// available to an unprivileged worker everywhere; this works on any Linux.
///
/// The program runs in its own process group, with PR_SET_PDEATHSIG SIGKILL towards the
/// supervisor. Signals the supervisor takes:
/// - SIGTERM (cancel, timeout): passed on to the program's group; the supervisor waits.
/// - SIGUSR1 (the worker's stop grace is over) or its death (SIGUSR2): everything is killed.
/// - SIGCHLD: once the program has exited, the rest of its descendants are killed and the
///   supervisor ends the way the program did (its exit status, or its signal).
enum TaskSupervisor {
    static let handled = [SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGCHLD]

    static func run(worker: pid_t, program: [String]) -> Never {
        var signals = sigset_t()
        sigemptyset(&signals)
        for signal in handled { sigaddset(&signals, signal) }
        sigprocmask(SIG_BLOCK, &signals, nil)
        _ = sweep_set_parent_death_signal(SIGUSR2)
        if getppid() != worker { exit(137) }
        _ = sweep_set_child_subreaper()
        let child = withCStrings(program) { argv in sweep_spawn_program(argv) }
        guard child > 0 else {
            writeError("cannot start '\(program[0])': \(String(cString: strerror(errno)))\n")
            exit(127)
        }
        var info = siginfo_t()
        var interval = timespec(tv_sec: 1, tv_nsec: 0)
        while true {
            let signal = sigtimedwait(&signals, &info, &interval)
            if getppid() != worker || signal == SIGUSR1 || signal == SIGUSR2 {
                killDescendants(group: child)
                kill(getpid(), SIGKILL)
            }
            if signal == SIGTERM || signal == SIGINT || signal == SIGHUP || signal == SIGQUIT {
                kill(-child, SIGTERM)
            }
            if let status = reapChildren(program: child) {
                killDescendants(group: child)
                endLike(status)
            }
        }
    }

    /// Reaps every exited child; the program's wait status once it has exited.
    static func reapChildren(program: pid_t) -> Int32? {
        var programStatus: Int32?
        var status: Int32 = 0
        while true {
            let pid = waitpid(-1, &status, WNOHANG)
            if pid <= 0 { return programStatus }
            if pid == program { programStatus = status }
        }
    }

    /// Kills the program's group and every descendant of this process, until none is left.
    static func killDescendants(group: pid_t) {
        for _ in 0..<2000 {
            kill(-group, SIGKILL)
            let living = descendants(of: getpid())
            for pid in living { kill(pid, SIGKILL) }
            var status: Int32 = 0
            while waitpid(-1, &status, WNOHANG) > 0 {}
            if living.isEmpty && waitpid(-1, &status, WNOHANG) < 0 { return }
            usleep(1000)
        }
    }

    /// Every live (not zombie) process below `root`, from /proc.
    static func descendants(of root: pid_t) -> [pid_t] {
        var children: [pid_t: [pid_t]] = [:]
        var zombies = Set<pid_t>()
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] {
            guard let pid = pid_t(entry), let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                let close = stat.lastIndex(of: ")")
            else { continue }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            guard fields.count > 2, let parent = pid_t(fields[1]) else { continue }
            children[parent, default: []].append(pid)
            if fields[0] == "Z" { zombies.insert(pid) }
        }
        var found: [pid_t] = []
        var queue = [root]
        while let next = queue.popLast() {
            for child in children[next] ?? [] {
                if !zombies.contains(child) { found.append(child) }
                queue.append(child)
            }
        }
        return found
    }

    /// Exits with the program's status, or dies of its signal (without a core file).
    static func endLike(_ status: Int32) -> Never {
        let signal = status & 0x7f
        if signal == 0 { exit((status >> 8) & 0xff) }
        var noCore = rlimit(rlim_cur: 0, rlim_max: 0)
        setrlimit(__rlimit_resource_t(RLIMIT_CORE.rawValue), &noCore)
        Glibc.signal(signal, SIG_DFL)
        var only = sigset_t()
        sigemptyset(&only)
        sigaddset(&only, signal)
        sigprocmask(SIG_UNBLOCK, &only, nil)
        raise(signal)
        exit(128 + signal)
    }
}
