/// Where one host of an SSH launch is, and what the progress line says about them all (pure).
public enum SSHHostState: Sendable, Equatable {
    /// Logging in and looking for the binary.
    case starting
    /// Copying the sweep binary to the host's cache.
    case copying
    /// Its worker runs.
    case running
    /// ssh could not log in (exit status 255 before the worker started): why.
    case unreachable(String)
    /// Logged in, but the worker could not start or ended before the sweep did: why.
    case failed(String)
    /// Stopped by the launcher at the end.
    case stopped

    var isSettled: Bool {
        switch self {
        case .starting, .copying: false
        default: true
        }
    }

    /// A few words for the progress line, e.g. "2 of 3 hosts started over SSH, 1 unreachable"; nil
    /// once the workers are stopped.
    public static func progressNote(_ states: [SSHHostState]) -> String? {
        guard !states.isEmpty, !states.allSatisfy({ $0 == .stopped }) else { return nil }
        var counts: [String: Int] = [:]
        for state in states {
            switch state {
            case .starting: counts["starting", default: 0] += 1
            case .copying: counts["copying sweep", default: 0] += 1
            case .running, .stopped: counts["running", default: 0] += 1
            case .unreachable: counts["unreachable", default: 0] += 1
            case .failed: counts["failed", default: 0] += 1
            }
        }
        let started = counts["running", default: 0]
        let hosts = states.count == 1 ? "host" : "hosts"
        var parts = ["\(started) of \(states.count) \(hosts) started over SSH"]
        for key in ["starting", "copying sweep", "unreachable", "failed"] {
            if let count = counts[key] { parts.append("\(count) \(key)") }
        }
        return parts.joined(separator: ", ")
    }

    /// How a host's attempt ended, from its exit status and the last thing ssh or the host said.
    static func afterExit(status: Int32, started: Bool, lastLine: String?, stopping: Bool) -> SSHHostState {
        if stopping { return .stopped }
        let said = lastLine.map { ": \($0)" } ?? ""
        if started { return .failed("its worker ended with status \(status)\(said)") }
        if status == 255 { return .unreachable("ssh failed\(said)") }
        return .failed("exit status \(status)\(said)")
    }
}
