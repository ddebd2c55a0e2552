import CSystemShim
import Foundation
import Glibc

/// Starts a program as an argument vector (never through a shell) in its own process group, with
/// its own working directory and environment, stdin from /dev/null, stdout and stderr to pipes.
/// The program runs under `sweep __exec`, a per-task supervisor (`TaskSupervisor`) that kills
/// everything the program started when the program ends, when told to, or when the worker dies.
struct SpawnedChild {
    let pid: pid_t
    let stdout: Int32
    let stderr: Int32

    struct SpawnError: Error, CustomStringConvertible {
        let description: String
    }

    /// Starts `launcher __exec WORKER_PID -- ARGUMENTS…` (`launcher` is this `sweep` binary).
    static func spawn(arguments: [String], directory: String, environment: [String: String], launcher: String) throws
        -> SpawnedChild
    {
        var outPipe: [Int32] = [0, 0], errPipe: [Int32] = [0, 0]
        guard sweep_pipe_cloexec(&outPipe) == 0, sweep_pipe_cloexec(&errPipe) == 0 else {
            throw SpawnError(description: "cannot create pipes: \(String(cString: strerror(errno)))")
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, outPipe[1], 1)
        posix_spawn_file_actions_adddup2(&actions, errPipe[1], 2)
        sweep_spawn_addchdir(&actions, directory)

        let argv = [launcher, "__exec", String(getpid()), "--"] + arguments
        let envp = environment.map { "\($0.key)=\($0.value)" }
        var pid: pid_t = 0
        let rc = withChildAttributes { attributes in
            withCStrings(argv) { cArgv in
                withCStrings(envp) { cEnvp in posix_spawn(&pid, launcher, &actions, &attributes, cArgv, cEnvp) }
            }
        }
        close(outPipe[1])
        close(errPipe[1])
        guard rc == 0 else {
            close(outPipe[0]); close(errPipe[0])
            throw SpawnError(description: "cannot start '\(arguments[0])': \(String(cString: strerror(rc)))")
        }
        return SpawnedChild(pid: pid, stdout: outPipe[0], stderr: errPipe[0])
    }
}

/// Runs `body` with spawn attributes for a child in its own process group, with default handlers
/// for SIGINT, SIGTERM, SIGPIPE, SIGHUP and SIGQUIT and no signal blocked: this process ignores
/// some of them itself (it handles them), and its children must not inherit that.
func withChildAttributes<R>(_ body: (inout posix_spawnattr_t) -> R) -> R {
    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    posix_spawnattr_setpgroup(&attributes, 0)
    var defaults = sigset_t()
    sigemptyset(&defaults)
    for signal in [SIGINT, SIGTERM, SIGPIPE, SIGHUP, SIGQUIT] { sigaddset(&defaults, signal) }
    posix_spawnattr_setsigdefault(&attributes, &defaults)
    var mask = sigset_t()
    sigemptyset(&mask)
    posix_spawnattr_setsigmask(&attributes, &mask)
    posix_spawnattr_setflags(
        &attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))
    return body(&attributes)
}

/// Runs `body` with a NULL-terminated C array of the strings.
func withCStrings<R>(_ strings: [String], _ body: (UnsafePointer<UnsafeMutablePointer<CChar>?>) -> R) -> R {
    var pointers: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) }
    pointers.append(nil)
    defer { for pointer in pointers { free(pointer) } }
    return pointers.withUnsafeBufferPointer { body($0.baseAddress!) }
}

/// `sweep __exec PARENT -- PROGRAM ARGS…`: the task's supervisor (see `TaskSupervisor`).
public enum ExecLauncher {
    /// Asks the kernel to SIGKILL this process when `parent` dies (and exits now if it already has).
    public static func dieWithParent(_ parent: pid_t) {
        _ = sweep_set_parent_death_signal(SIGKILL)
        if getppid() != parent { exit(137) }
    }

    public static func run(_ arguments: [String]) -> Never {
        // arguments: [PARENT, "--", program, args...]
        guard arguments.count >= 3, let parent = pid_t(arguments[0]), arguments[1] == "--" else {
            writeError("sweep __exec: usage: sweep __exec PARENT_PID -- PROGRAM [ARGS...]\n")
            exit(127)
        }
        TaskSupervisor.run(worker: parent, program: Array(arguments.dropFirst(2)))
    }
}

func writeError(_ text: String) {
    var bytes = Array(text.utf8)
    _ = write(2, &bytes, bytes.count)
}
