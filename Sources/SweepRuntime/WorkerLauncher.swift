import Foundation

/// Starts a sweep's workers through an engine a site already runs (Slurm, SSH), once the
/// coordinator is bound; says how they are doing for the progress line; and stops everything it
/// started when the sweep ends, fails or is interrupted, so that no job or process outlives it.
public protocol WorkerLauncher: AnyObject, Sendable {
    /// The engine's name in messages: "Slurm", "SSH".
    var engine: String { get }

    /// Starts the workers, which connect to `connect` (the coordinator's address as they reach it).
    /// Throws `SweepError` with a message that names what went wrong (after stopping what it did start).
    func launch(connect: String) throws

    /// A few words for the progress line, e.g. "3 workers pending in Slurm"; nil when there is
    /// nothing to say. Called by the coordinator loop on every refresh: it returns what the
    /// launcher last learned and never waits on the engine.
    func progressNote() -> String?

    /// Called once before `launch` with a way to end the sweep early, for a launcher that finds
    /// every one of its workers gone for good (each host failed): the sweep then stops with `reason`
    /// logged and its files written, instead of waiting for workers that will never come.
    func attach(stop: @escaping @Sendable (_ reason: String) -> Void)

    /// Stops every worker and job this launcher started, waiting until the engine confirms it (or
    /// a bounded time passed). Safe to call more than once and from any thread.
    func shutdown()
}

extension WorkerLauncher {
    public func attach(stop: @escaping @Sendable (_ reason: String) -> Void) {}
}

/// Where launched workers connect: the bound endpoint with a host they can reach.
public enum LaunchAddress {
    /// `bound` (e.g. `tcp://0.0.0.0:41235`, as bound) with a wildcard host replaced by `advertise`
    /// (default: this host's name). A specific bound host is kept.
    public static func connect(bound: String, advertise: String? = nil) -> String {
        guard let endpoint = try? Endpoint(bound), case .tcp(let host, let port, _) = endpoint.kind else {
            return bound
        }
        let wildcard = host == "*" || host == "0.0.0.0" || host == "[::]" || host == "[::0]"
        guard wildcard || advertise != nil else { return bound }
        let name = advertise ?? ProcessInfo.processInfo.hostName
        let shown = name.contains(":") && !name.hasPrefix("[") ? "[\(name)]" : name
        return "tcp://\(shown):\(port)"
    }
}
