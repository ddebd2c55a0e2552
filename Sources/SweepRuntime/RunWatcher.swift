import Foundation

/// A run directory's state at one moment, as `sweep status --watch` shows it and notifications
/// report it: read from run.db alone, so it works on any host that sees the directory.
public struct RunSnapshot: Sendable {
    public var status: RunStatus
    /// Tasks dispatched and not yet counted.
    public var running: Int
    /// Tasks per trial (folds × repeats).
    public var folds: Int
    /// Workers connected now (joined, neither left nor lost), and those among them with a task.
    public var workers: Int
    public var busyWorkers: Int
    /// The trials budget × folds, when known (grid size, `search.trials`, or a raised budget).
    public var plannedTasks: Int?
    /// The search's time limit (seconds, earlier runs included), and its time used so far.
    public var timeLimit: Double?
    public var searchSeconds: Double
    /// When this session (the start or the last resume) began.
    public var sessionStart: Double
    /// Tasks counted in the recent window, and its length in seconds.
    public var recent: (count: Int, seconds: Double)
    /// Why the sweep failed fast (the latest 'failed-fast' event), if it did.
    public var failedFast: String?
    /// When this snapshot was read (seconds since 1970).
    public var readAt: Double

    public var counted: Int { status.succeeded + status.failed + status.stopped }
    public var isEnded: Bool { ["finished", "stopped", "interrupted"].contains(status.state) }

    /// Tasks counted per second, recently (nil: too soon to tell).
    public var tasksPerSecond: Double? { recent.seconds >= 1 ? Double(recent.count) / recent.seconds : nil }

    /// Seconds until the budget ends at the recent rate: the tasks left of the trials budget, or
    /// the time left of the time limit, whichever comes first (nil: ended, or no way to tell).
    public var secondsLeft: Double? {
        guard !isEnded else { return nil }
        var estimates: [Double] = []
        if let plannedTasks, let rate = tasksPerSecond, rate > 0 {
            estimates.append(Double(max(0, plannedTasks - counted)) / rate)
        }
        if let timeLimit { estimates.append(max(0, timeLimit - searchSeconds)) }
        return estimates.min()
    }
}

/// What changed in a run between two snapshots.
public enum RunEvent: Sendable, Equatable {
    case newBest(RunStatus.Best)
    case failedFast(reason: String)
    case finished
    case stopped
    /// Its coordinator ended without finishing or stopping the sweep (crashed or killed).
    case interrupted

    /// The decision: the events that lead from `old` to `new`. The first look (nil `old`) is the
    /// baseline and reports nothing: neither a best found before watching began, nor the end of
    /// a sweep that a resume is about to continue (`RunSnapshot.isEnded` tells a watcher that).
    public static func changes(from old: RunSnapshot?, to new: RunSnapshot) -> [RunEvent] {
        guard let old else { return [] }
        var events: [RunEvent] = []
        if let best = new.status.best, old.status.best != best { events.append(.newBest(best)) }
        if let reason = new.failedFast, old.failedFast != reason { events.append(.failedFast(reason: reason)) }
        if old.status.state != new.status.state {
            switch new.status.state {
            case "finished": events.append(.finished)
            case "stopped": events.append(.stopped)
            case "interrupted": events.append(.interrupted)
            default: break
            }
        }
        return events
    }
}

/// Polls a run directory's run.db read-only. Each poll first reads a cheap fingerprint (the
/// newest row ids and the sweep's state); only when it changed is the whole snapshot read.
/// Not thread-safe: one poller owns it.
public final class RunWatcher {
    public let directory: String
    private let database: RunDatabase
    private var fingerprint: [String] = []
    public private(set) var last: RunSnapshot?

    public init(directory: String) throws {
        self.directory = directory
        database = try RunDatabase.openForReading(directory: directory)
    }

    /// The snapshot and the events since the previous poll; nil when nothing changed.
    public func poll() throws -> (snapshot: RunSnapshot, events: [RunEvent])? {
        let current = try database.read { db in try RunDatabase.watchFingerprint(db) }
        guard current != fingerprint || last == nil else { return nil }
        let snapshot = try database.snapshot()
        let events = RunEvent.changes(from: last, to: snapshot)
        fingerprint = current
        last = snapshot
        return (snapshot, events)
    }

    /// A fresh snapshot, whether or not anything changed (for a table whose rate and ETA age).
    public func read() throws -> RunSnapshot { try database.snapshot() }
}
