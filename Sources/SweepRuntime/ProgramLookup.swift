import Foundation
import Glibc
import SweepProtocol

/// Finds a trainer's program the way `execvp` will (a name without a slash on the PATH of the
/// program's environment, anything else relative to its working directory), before it is started:
/// a program that cannot run is then reported in words instead of as the exit status 127 of a
/// failed exec in the launcher.
enum ProgramLookup {
    /// execvp's search path when the environment has no PATH (glibc's `_CS_PATH`).
    static let defaultPath = "/bin:/usr/bin"

    /// Why `program` cannot be started, or nil if it can.
    static func problem(_ program: String, environment: [String: String], directory: String, worker: String)
        -> CommandProblem?
    {
        if program.contains("/") {
            let file = URL(fileURLWithPath: program, relativeTo: URL(fileURLWithPath: directory)).standardizedFileURL
                .path
            guard exists(file) else {
                return .notFound(
                    program: program, worker: worker, searched: program.hasPrefix("/") ? .absolute : .taskDirectory)
            }
            return unexecutable(file).map { .notExecutable(program: program, worker: worker, file: file, reason: $0) }
        }
        let path = environment["PATH"] ?? defaultPath
        var firstUnexecutable: (file: String, reason: String)?
        for entry in path.split(separator: ":", omittingEmptySubsequences: false) {
            // An empty entry is the working directory, as for execvp.
            let base = entry.isEmpty ? directory : (entry.hasPrefix("/") ? String(entry) : directory + "/" + entry)
            let file = base + "/" + program
            guard exists(file) else { continue }
            guard let reason = unexecutable(file) else { return nil }
            if firstUnexecutable == nil { firstUnexecutable = (file, reason) }
        }
        if let firstUnexecutable {
            return .notExecutable(
                program: program, worker: worker, file: firstUnexecutable.file, reason: firstUnexecutable.reason)
        }
        return .notFound(program: program, worker: worker, searched: .path(path))
    }

    /// Whether something is at `file` (following symbolic links, as the workdir's files are linked).
    static func exists(_ file: String) -> Bool {
        var info = stat()
        return stat(file, &info) == 0
    }

    /// Why the file at `file` cannot be executed, or nil if it can.
    static func unexecutable(_ file: String) -> String? {
        var info = stat()
        guard stat(file, &info) == 0 else { return "cannot be read: \(String(cString: strerror(errno)))" }
        if info.st_mode & S_IFMT == S_IFDIR { return "is a directory" }
        guard access(file, X_OK) == 0 else {
            return "is not executable, mode \(String(info.st_mode & 0o777, radix: 8)): make it executable (chmod +x) "
                + "or put its interpreter first in trainer.command"
        }
        return nil
    }
}
