import Foundation
import SweepRuntime

/// When to try a notification again: after a connection error, a timeout or a 5xx (or 429), with
/// exponential backoff, a few times; never after another 4xx (the request itself is wrong).
public struct NotifierRetry: Sendable {
    /// Tries in all, the first included.
    public var attempts: Int
    /// The wait before the second try; each next wait doubles.
    public var firstDelay: Double
    /// Seconds one request may take, connection included.
    public var timeout: Double

    public init(attempts: Int = 4, firstDelay: Double = 0.5, timeout: Double = 5) {
        self.attempts = attempts
        self.firstDelay = firstDelay
        self.timeout = timeout
    }

    /// What came back from one try: an HTTP status, or no answer (connection error, timeout).
    public enum Outcome: Sendable, Equatable {
        case status(Int)
        case noAnswer(String)
    }

    /// The wait before try `attempt + 1` (1-based `attempt`), or nil: delivered, or give up.
    public func delay(after outcome: Outcome, attempt: Int) -> Double? {
        guard attempt < attempts else { return nil }
        switch outcome {
        case .status(let code) where (200..<300).contains(code): return nil
        case .status(let code) where code < 500 && code != 429: return nil
        default: return firstDelay * Double(1 << min(attempt - 1, 16))
        }
    }
}

/// At most one `new_best` per `interval` seconds: a best found sooner is held, and a later one
/// replaces it (bursts coalesce to the latest best). The final event carries the best as it is at
/// the end, so a best still held then is dropped, never lost.
public struct NewBestThrottle<Payload: Sendable>: Sendable {
    public let interval: Double
    private var lastSent = -Double.infinity
    public private(set) var held: Payload?

    public init(interval: Double) { self.interval = interval }

    /// The payload to send now, or nil: held until `nextDue`.
    public mutating func offer(_ payload: Payload, now: Double) -> Payload? {
        if now - lastSent >= interval {
            lastSent = now
            held = nil
            return payload
        }
        held = payload
        return nil
    }

    /// When the held payload may go out (nil: none held).
    public var nextDue: Double? { held == nil ? nil : lastSent + interval }

    /// The held payload, once its time came.
    public mutating func due(now: Double) -> Payload? {
        guard let held, let due = nextDue, now >= due else { return nil }
        lastSent = now
        self.held = nil
        return held
    }

    /// The sweep ended: the final event supersedes whatever is held.
    public mutating func end() { held = nil }
}

/// Which notification each run event makes: a new best, or the sweep's end. A sweep ends once:
/// after a failed-fast stop the 'stopped' that follows says nothing new.
public struct NotifierPlan: Sendable {
    public private(set) var ended = false

    public init() {}

    public mutating func kind(for event: RunEvent) -> (kind: NotifierEvent.Kind, reason: String?)? {
        guard !ended else { return nil }
        switch event {
        case .newBest: return (.newBest, nil)
        case .failedFast(let reason):
            ended = true
            return (.failed, reason)
        case .finished:
            ended = true
            return (.finished, nil)
        case .stopped:
            ended = true
            return (.stopped, nil)
        case .interrupted:
            ended = true
            return (.failed, "the coordinator ended without finishing the sweep (it crashed or was killed)")
        }
    }

    /// The end to report when the sweep's process ends and no end was reported yet.
    public mutating func final(state: String) -> (kind: NotifierEvent.Kind, reason: String?)? {
        guard !ended else { return nil }
        ended = true
        return switch state {
        case "finished": (.finished, nil)
        case "stopped": (.stopped, nil)
        default: (.failed, "the coordinator ended before the sweep finished (state: \(state))")
        }
    }
}

/// `--notify` URLs, checked before the sweep starts.
public enum NotifierURLs {
    public static func parse(_ texts: [String]) throws -> [URL] {
        try texts.map { text in
            guard let url = URL(string: text), let scheme = url.scheme?.lowercased(),
                ["http", "https"].contains(scheme),
                let host = url.host, !host.isEmpty, url.port.map({ (1...65535).contains($0) }) ?? true
            else {
                throw NotifierURLError(
                    description:
                        "--notify '\(text.prefix(200))' is not an http:// or https:// URL with a host (and a port from 1 to 65535, if any); give one such as https://hooks.example.com/sweep"
                )
            }
            return url
        }
    }
}

public struct NotifierURLError: Error, CustomStringConvertible {
    public let description: String
}
