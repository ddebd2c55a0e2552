import Foundation
import Logging
import SweepRuntime

/// `--notify`: watches a run directory's run.db on a task of its own and notifies every URL of a
/// new best (rate-limited), a fail-fast stop and the sweep's end. Reading run.db makes it the
/// same for `sweep run`, `sweep coordinator` and `sweep resume`, and the sweep never waits for it.
public final class NotifierSession: Sendable {
    public struct Options: Sendable {
        /// How often run.db is looked at.
        public var pollInterval: Double
        /// At most one new_best per this many seconds.
        public var newBestInterval: Double
        /// How long the end of the sweep waits for the final notification.
        public var finalWait: Double
        public var retry: NotifierRetry

        public init(
            pollInterval: Double = 2, newBestInterval: Double = 30, finalWait: Double = 10,
            retry: NotifierRetry = NotifierRetry()
        ) {
            self.pollInterval = pollInterval
            self.newBestInterval = newBestInterval
            self.finalWait = finalWait
            self.retry = retry
        }
    }

    private let loop: Task<Void, Never>

    /// Starts watching `directory` (its run.db must exist). Throws when it cannot be read.
    public init(directory: String, urls: [URL], options: Options = Options(), logger: Logger) throws {
        let watcher = try RunWatcher(directory: directory)
        _ = try watcher.poll()  // the baseline: what is there now is not news
        let notifier = Notifier(urls: urls, retry: options.retry, logger: logger)
        loop = Task.detached {
            await Self.watch(watcher, notifier: notifier, options: options, logger: logger)
        }
    }

    /// The sweep's process is ending: sends the final notification (if the sweep's end was not
    /// reported yet) and waits for delivery, at most `Options.finalWait` seconds.
    public func stop() async {
        loop.cancel()
        await loop.value
    }

    /// `stop()` for a synchronous caller (a command's `run()`).
    public func stopAndWait() {
        let done = DispatchSemaphore(value: 0)
        Task.detached { [self] in
            await stop()
            done.signal()
        }
        done.wait()
    }

    /// Polls until cancelled, then reports the end and drains the notifier.
    private static func watch(_ watcher: RunWatcher, notifier: Notifier, options: Options, logger: Logger) async {
        var plan = NotifierPlan()
        var throttle = NewBestThrottle<NotifierEvent>(interval: options.newBestInterval)
        func look() {
            do {
                guard let (snapshot, events) = try watcher.poll() else { return }
                for event in events {
                    guard let (kind, reason) = plan.kind(for: event) else { continue }
                    let notification = NotifierEvent(
                        kind, snapshot: snapshot, directory: watcher.directory, reason: reason)
                    if kind == .newBest {
                        if let now = throttle.offer(notification, now: Date().timeIntervalSince1970) {
                            notifier.send(now)
                        }
                    } else {
                        throttle.end()
                        notifier.send(notification)
                    }
                }
            } catch {
                logger.warning("--notify cannot read \(watcher.directory)/run.db: \(error)")
            }
        }
        while !Task.isCancelled {
            look()
            if let due = throttle.due(now: Date().timeIntervalSince1970) { notifier.send(due) }
            try? await Task.sleep(for: .seconds(options.pollInterval))
        }
        look()
        throttle.end()
        if let snapshot = watcher.last ?? (try? watcher.read()),
            let (kind, reason) = plan.final(state: snapshot.status.state)
        {
            notifier.send(NotifierEvent(kind, snapshot: snapshot, directory: watcher.directory, reason: reason))
        }
        await notifier.finish(within: options.finalWait)
    }
}
