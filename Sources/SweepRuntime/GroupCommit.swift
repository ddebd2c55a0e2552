import Foundation

/// When the coordinator commits the run journal and sends what waited on it. Every send waits
/// for the commit of what led to it (an acknowledged result is durable), so each commit costs a
/// transaction, WAL pages and a wake-up. With many leases running, results arrive a few at a time
/// but often (1,000 workers on 50 ms tasks: 20 a millisecond): waiting up to `delay` after the
/// first uncommitted send puts many of them in one transaction. With few running (a handful of
/// short tasks in flight, each waiting on our answer), nothing more would arrive, so it commits
/// at once. PostgreSQL's `commit_delay` with `commit_siblings` is the same idea.
struct GroupCommit {
    /// The longest a send waits for others to share its commit (about 2% of a 50 ms task).
    var delay: Double
    /// Leases running elsewhere for waiting to pay: below this, commit at once.
    var siblings: Int
    /// When the oldest send still waiting was queued (nil: none waits).
    private(set) var waitingSince: Double?

    static let standard = GroupCommit(delay: 0.001, siblings: 32)

    /// `standard`, or the delay in milliseconds `SWEEP_COMMIT_DELAY_MS` names (0: commit at
    /// once, as before; for measuring what grouping buys, see `sweep-bench scale`).
    static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> GroupCommit {
        guard let text = environment["SWEEP_COMMIT_DELAY_MS"], let milliseconds = Double(text), milliseconds >= 0
        else { return standard }
        return GroupCommit(delay: milliseconds / 1000, siblings: standard.siblings)
    }

    init(delay: Double, siblings: Int) {
        self.delay = delay
        self.siblings = siblings
    }

    /// Whether to commit and send now, given whether sends wait and how many leases run.
    mutating func shouldFlush(now: Double, sendsWaiting: Bool, running: Int) -> Bool {
        guard sendsWaiting else {
            waitingSince = nil
            return true  // commits what needs no send (records of timers) as before
        }
        guard running >= siblings, delay > 0 else { return flushed() }
        let since = waitingSince ?? now
        guard now < since + delay else { return flushed() }  // the sum `due` gives: no float gap
        waitingSince = since
        return false
    }

    /// When the waiting sends are due (infinity: none wait), for the loop's poll timeout.
    var due: Double { waitingSince.map { $0 + delay } ?? .infinity }

    private mutating func flushed() -> Bool {
        waitingSince = nil
        return true
    }
}
