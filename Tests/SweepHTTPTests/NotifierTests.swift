import Foundation
import Logging
import Testing

@testable import SweepCore
@testable import SweepHTTP
@testable import SweepRuntime

/// The notifier against a real HTTP server on loopback: what it sends, when it tries again, and
/// that a silent endpoint costs the caller nothing but the bounded final wait.
@Suite struct NotifierTests {
    static let logger = Logger(label: "notifier-test")

    static func event(_ kind: NotifierEvent.Kind = .finished, reason: String? = nil) -> NotifierEvent {
        let status = RunStatus(
            name: "iris", state: "finished", coordinator: nil, trials: 12, tasks: 60, succeeded: 58, failed: 2,
            stopped: 0, pending: 0, countedResults: 60, duplicates: 0, requeued: 0, workersLost: 0, attempts: 60,
            resumes: 0,
            best: RunStatus.Best(
                trial: 9, params: Params(["C": .double(0.1), "kernel": .string("rbf")]), metric: "accuracy",
                mean: 0.96667),
            front: nil, recentEvents: [])
        let snapshot = RunSnapshot(
            status: status, running: 0, folds: 5, workers: 0, busyWorkers: 0, plannedTasks: 60, timeLimit: nil,
            searchSeconds: 10, sessionStart: 0, recent: (0, 0), failedFast: nil, readAt: 0)
        return NotifierEvent(kind, snapshot: snapshot, directory: "runs/iris-1", reason: reason)
    }

    static func retry(attempts: Int = 4, timeout: Double = 30) -> NotifierRetry {
        NotifierRetry(attempts: attempts, firstDelay: 0.05, timeout: timeout)
    }

    @Test func aNotificationIsAJSONPostWithTheBestAsAnObject() async throws {
        let server = try NotifierTestServer()
        let notifier = Notifier(urls: [try #require(URL(string: server.url))], retry: Self.retry(), logger: Self.logger)
        notifier.send(Self.event())
        #expect(await notifier.finish(within: 10))
        let request = try #require(server.requests.first)
        #expect(request.method == "POST" && request.path == "/hook")
        #expect(request.headers["content-type"] == "application/json")
        let json = try #require(request.json)
        #expect(json["event"] as? String == "finished" && json["sweep"] as? String == "iris")
        // Absolute: the receiver is on another host (the attacker found the path as typed).
        let runDirectory = try #require(json["run_directory"] as? String)
        #expect(runDirectory.hasPrefix("/") && runDirectory.hasSuffix("/runs/iris-1"), "\(runDirectory)")
        let best = try #require(json["best"] as? [String: Any])
        #expect(
            best["trial"] as? Int == 9 && best["metric"] as? String == "accuracy" && best["value"] as? Double == 0.96667
        )
        let params = try #require(best["params"] as? [String: Any])
        #expect(params["C"] as? Double == 0.1 && params["kernel"] as? String == "rbf")
        let trials = try #require(json["trials"] as? [String: Any])
        #expect(trials["suggested"] as? Int == 12 && trials["planned"] as? Int == 12)
        let tasks = try #require(json["tasks"] as? [String: Any])
        #expect(tasks["ok"] as? Int == 58 && tasks["failed"] as? Int == 2 && tasks["total"] as? Int == 60)
        let at = try #require(json["at"] as? String)
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        #expect(formatter.date(from: at) != nil, "\(at) is ISO 8601")
        let text = try #require(json["text"] as? String)
        #expect(text.hasPrefix("sweep 'iris' finished — best trial 9 (C=0.1 kernel=rbf) accuracy 0.9667"), "\(text)")
        #expect(json["content"] as? String == text, "Discord reads content")
    }

    @Test func aServerErrorIsTriedAgainUntilItIsDelivered() async throws {
        let server = try NotifierTestServer(replies: [.status(500), .status(503)])
        let notifier = Notifier(urls: [try #require(URL(string: server.url))], retry: Self.retry(), logger: Self.logger)
        notifier.send(Self.event(.failed, reason: "3 tasks failed in a row"))
        #expect(await notifier.finish(within: 60))
        let requests = server.requests
        #expect(requests.count == 3 && Set(requests.map(\.body)).count == 1, "the same body each time")
        #expect(requests.first?.json?["reason"] as? String == "3 tasks failed in a row")
        #expect(notifier.delivered == 1)
    }

    @Test func aClientErrorIsNotTriedAgain() async throws {
        let server = try NotifierTestServer(replies: [.status(400)])
        let notifier = Notifier(urls: [try #require(URL(string: server.url))], retry: Self.retry(), logger: Self.logger)
        notifier.send(Self.event())
        #expect(await notifier.finish(within: 10) == false)
        #expect(server.requests.count == 1)
        #expect(notifier.delivered == 0)
    }

    @Test func aSilentServerTimesOutAndTheFinalWaitIsBounded() async throws {
        let server = try NotifierTestServer(replies: [.silence, .silence, .silence, .silence])
        let url = try #require(URL(string: server.url))
        let timingOut = Notifier(urls: [url], retry: Self.retry(attempts: 2, timeout: 1.5), logger: Self.logger)
        let sent = Date()
        timingOut.send(Self.event())
        #expect(Date().timeIntervalSince(sent) < 0.25, "send only enqueues: it returned before any timeout")
        #expect(await timingOut.finish(within: 60) == false)
        #expect(server.requests.count == 2, "tried twice, each cut off by its timeout")

        // A request timeout far beyond anything the final wait could take, even on a machine
        // whose threads are all busy with other tests (one such CI run took 33 s here): only the
        // final wait can have ended it.
        let slow = Notifier(urls: [url], retry: Self.retry(attempts: 4, timeout: 3600), logger: Self.logger)
        slow.send(Self.event())
        await server.awaitRequests(3)
        let started = Date()
        #expect(await slow.finish(within: 0.5) == false)
        #expect(Date().timeIntervalSince(started) < 1800, "the final wait, not the request's 1 h timeout, ended it")
    }

    @Test func everyURLGetsItsOwnCopyAndADeadOneDoesNotHoldUpTheOthers() async throws {
        let live = try NotifierTestServer()
        let dead = try NotifierTestServer(listening: false)
        let deadURL = try #require(URL(string: dead.url))
        let notifier = Notifier(
            urls: [deadURL, try #require(URL(string: live.url))], retry: Self.retry(attempts: 2, timeout: 1),
            logger: Self.logger)
        notifier.send(Self.event(.newBest))
        notifier.send(Self.event())
        #expect(await live.awaitRequests(2).map { $0.json?["event"] as? String } == ["new_best", "finished"])
        #expect(await notifier.finish(within: 10) == false, "the dead URL never answered")
    }
}
