/// Why a worker could not start a command trainer's program at all, as it says so in a failed
/// `TaskResult.error`. The text starts with one of `prefixes`, so the coordinator can tell a
/// program that could not be started on a worker (trying it there again is pointless) from one
/// that ran and failed: `CommandProblem.isUnrunnable(result.error)`.
public enum CommandProblem: Sendable, Equatable, CustomStringConvertible {
    /// No such program: not on the worker's PATH, or (for a path with a slash) no such file.
    case notFound(program: String, worker: String, searched: Searched)
    /// The file exists but cannot be executed (no permission, or it is a directory).
    case notExecutable(program: String, worker: String, file: String, reason: String)

    /// Where a program that was not found was looked for.
    public enum Searched: Sendable, Equatable {
        /// The PATH of the program's environment (a name without a slash).
        case path(String)
        /// The task directory, which holds the workdir's files (a relative path with a slash).
        case taskDirectory
        /// Just that absolute path.
        case absolute
    }

    public static let notFoundPrefix = "command not found: "
    public static let notExecutablePrefix = "command not executable: "

    /// Whether a task's error says its program could not be started on that worker.
    public static func isUnrunnable(_ error: String) -> Bool {
        error.hasPrefix(notFoundPrefix) || error.hasPrefix(notExecutablePrefix)
    }

    /// What a failure's reason is, without which worker it happened on: errors that differ only
    /// in the worker (`… on worker w1 (PATH=…)`) are the same reason.
    public static func reasonKey(_ error: String) -> String {
        guard isUnrunnable(error), let range = error.range(of: " on worker ") else { return error }
        return String(error[..<range.lowerBound])
    }

    public var description: String {
        switch self {
        case .notFound(let program, let worker, .path(let path)):
            "\(Self.notFoundPrefix)'\(program)' on worker \(worker) (PATH=\(path))"
        case .notFound(let program, let worker, .taskDirectory):
            "\(Self.notFoundPrefix)'\(program)' on worker \(worker) (no such file in the task directory, which holds the workdir's files)"
        case .notFound(let program, let worker, .absolute):
            "\(Self.notFoundPrefix)'\(program)' on worker \(worker) (no such file)"
        case .notExecutable(let program, let worker, let file, let reason):
            "\(Self.notExecutablePrefix)'\(program)' on worker \(worker) (\(file) \(reason))"
        }
    }
}
