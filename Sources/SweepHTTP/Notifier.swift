import AsyncHTTPClient
import Foundation
import Logging
import Synchronization

/// POSTs notifications to each URL on a task of its own, in order, with retries and a timeout per
/// request. `send` only enqueues: a dead or slow endpoint delays its own queue, nothing else.
public final class Notifier: Sendable {
    private let queues: [DeliveryQueue]

    public init(urls: [URL], retry: NotifierRetry = NotifierRetry(), logger: Logger) {
        queues = urls.map { DeliveryQueue(url: $0, retry: retry, logger: logger) }
    }

    /// Enqueues the event for every URL and returns at once.
    public func send(_ event: NotifierEvent) {
        let body = event.body
        for queue in queues { queue.continuation.yield(body) }
    }

    /// Delivers what is queued, waiting at most `seconds`, then gives up on the rest. Returns
    /// whether every notification was answered with a 2xx.
    @discardableResult
    public func finish(within seconds: Double) async -> Bool {
        for queue in queues { queue.continuation.finish() }
        let tasks = queues.map(\.task)
        let watchdog = Task {
            try? await Task.sleep(for: .seconds(seconds))
            if !Task.isCancelled { for task in tasks { task.cancel() } }
        }
        for task in tasks { await task.value }
        watchdog.cancel()
        return queues.allSatisfy { $0.counts.value.withLock { $0.failed == 0 && !$0.cut } }
    }

    /// Notifications answered with a 2xx, over every URL.
    public var delivered: Int { queues.reduce(0) { $0 + $1.counts.value.withLock { $0.delivered } } }
}

/// One URL's queue and the task that works through it.
final class DeliveryQueue: Sendable {
    struct Counts {
        var delivered = 0
        var failed = 0
        /// The final wait ran out with notifications undelivered.
        var cut = false
    }

    let continuation: AsyncStream<Data>.Continuation
    let task: Task<Void, Never>
    let counts: SharedCounts

    init(url: URL, retry: NotifierRetry, logger: Logger) {
        let (stream, continuation) = AsyncStream.makeStream(of: Data.self, bufferingPolicy: .bufferingNewest(64))
        self.continuation = continuation
        let counts = SharedCounts()
        self.counts = counts
        task = Task {
            for await body in stream {
                let ok = await Self.deliver(body, to: url, retry: retry, logger: logger)
                counts.value.withLock { if ok { $0.delivered += 1 } else { $0.failed += 1 } }
                if Task.isCancelled { break }
            }
            if Task.isCancelled {
                counts.value.withLock { $0.cut = true }
                logger.warning("gave up notifying \(url.absoluteString): the final wait ran out")
            }
        }
    }

    /// One notification, tried until it is answered with a 2xx, refused with a 4xx, or out of
    /// tries. Returns whether it was delivered.
    static func deliver(_ body: Data, to url: URL, retry: NotifierRetry, logger: Logger) async -> Bool {
        var request = HTTPClientRequest(url: url.absoluteString)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "User-Agent", value: "sweep")
        request.body = .bytes(body)
        var attempt = 1
        while true {
            let outcome: NotifierRetry.Outcome
            do {
                let response = try await HTTPClient.shared.execute(
                    request, timeout: .milliseconds(Int64(retry.timeout * 1000)))
                _ = try? await response.body.collect(upTo: 64 * 1024)
                outcome = .status(Int(response.status.code))
            } catch {
                outcome = .noAnswer("\(error)")
            }
            if case .status(let code) = outcome, (200..<300).contains(code) { return true }
            guard let delay = retry.delay(after: outcome, attempt: attempt), !Task.isCancelled else {
                logger.warning("notification to \(url.absoluteString) not delivered after \(attempt) tries: \(outcome)")
                return false
            }
            do { try await Task.sleep(for: .seconds(delay)) } catch { return false }
            attempt += 1
        }
    }
}

/// The counts a delivery task and its queue share.
final class SharedCounts: Sendable {
    let value = Mutex(DeliveryQueue.Counts())
}
