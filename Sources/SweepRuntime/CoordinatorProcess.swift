import Foundation

/// The process that writes a run database, recorded in it so that a reader can tell a sweep
/// that is still running from one whose coordinator crashed (both say 'running').
struct CoordinatorProcess: Equatable, CustomStringConvertible {
    var host: String
    var pid: Int32
    /// When the process started, in clock ticks after boot (`/proc/PID/stat`, field 22): a pid
    /// reused by another process since has another start time.
    var startTicks: Int64?

    static var current: CoordinatorProcess {
        let pid = getpid()
        return CoordinatorProcess(host: ProcessInfo.processInfo.hostName, pid: pid, startTicks: startTicks(of: pid))
    }

    /// Whether it still runs: known on this host only (nil elsewhere: there is no asking). A
    /// zombie (killed, not yet reaped by its parent) no longer runs.
    var isAlive: Bool? {
        guard host == ProcessInfo.processInfo.hostName else { return nil }
        guard kill(pid, 0) == 0 || errno == EPERM else { return false }
        if let state = Self.statFields(of: pid)?.first, state == "Z" || state == "X" { return false }
        guard let startTicks else { return true }
        return Self.startTicks(of: pid) == startTicks
    }

    var description: String { "pid \(pid) on \(host)" }

    /// Field 22 of `/proc/PID/stat`.
    static func startTicks(of pid: Int32) -> Int64? {
        guard let fields = statFields(of: pid), fields.count > 19 else { return nil }
        return Int64(fields[19])
    }

    /// The fields of `/proc/PID/stat` after the command name (the first is the state), which is
    /// in parentheses and may itself hold spaces and parentheses.
    static func statFields(of pid: Int32) -> [Substring]? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return nil }
        return stat[stat.index(after: close)...].split(separator: " ")
    }
}
