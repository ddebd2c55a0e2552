import Foundation

/// Daemons a test started outlive a test runner that crashed or was SIGKILLed (no `defer` runs).
/// Each daemon directory a runner starts is listed here under the runner's pid and start time;
/// before starting new ones, a runner stops (by the pid files in the directory, as its owner
/// would have) those whose owner is gone, so yesterday's slurmctld never answers today's tests.
enum StaleDaemons {
    static let registry = FileManager.default.temporaryDirectory.appendingPathComponent("sweep-test-daemons")

    /// This process, as `pid-starttime`: a pid alone may be reused by an unrelated process.
    static let ownerTag: String = "\(getpid())-\(startTime(of: getpid()) ?? "0")"

    /// Lists `directory` as this runner's, to be stopped by `stop` if the runner dies first.
    @discardableResult
    static func register(_ directory: URL) throws -> URL {
        try FileManager.default.createDirectory(at: registry, withIntermediateDirectories: true)
        let entry = registry.appendingPathComponent("\(ownerTag)-\(UUID().uuidString)")
        try Data(directory.path.utf8).write(to: entry)
        return entry
    }

    /// Stops, with `stop`, every listed directory whose owner is gone, and forgets it. Entries of
    /// live runners (this one included) are left alone.
    static func reap(stop: (URL) -> Void) {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: registry.path)) ?? []
        for name in entries where !ownerIsAlive(name) {
            let entry = registry.appendingPathComponent(name)
            if let path = try? String(contentsOf: entry, encoding: .utf8), !path.isEmpty {
                stop(URL(fileURLWithPath: path))
            }
            try? FileManager.default.removeItem(at: entry)
        }
    }

    /// Whether the process that wrote entry `name` (`pid-starttime-uuid`) still runs.
    static func ownerIsAlive(_ name: String) -> Bool {
        let parts = name.split(separator: "-", maxSplits: 2)
        guard parts.count == 3, let pid = Int32(parts[0]) else { return false }
        return startTime(of: pid) == String(parts[1])
    }

    /// Field 22 of /proc/PID/stat (clock ticks after boot at which it started), or nil when no
    /// such process runs. The command name (field 2) may hold spaces, so fields count from ")".
    static func startTime(of pid: Int32) -> String? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return nil }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        return fields.count > 19 ? String(fields[19]) : nil
    }
}
