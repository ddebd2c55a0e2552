import Foundation
import Testing

@testable import SweepHTTP
@testable import SweepRuntime

/// The notifier's decisions, without a network: when to try again, when a new best may go out,
/// which event a change of the run makes, and which URLs are accepted.
@Suite struct NotifierPolicyTests {
    @Test func serverErrorsAndSilenceAreTriedAgainWithDoublingWaitsAndClientErrorsNever() {
        let retry = NotifierRetry(attempts: 4, firstDelay: 0.5, timeout: 5)
        #expect(retry.delay(after: .status(500), attempt: 1) == 0.5)
        #expect(retry.delay(after: .status(502), attempt: 2) == 1)
        #expect(retry.delay(after: .noAnswer("connection refused"), attempt: 3) == 2)
        #expect(retry.delay(after: .status(500), attempt: 4) == nil, "four tries in all")
        #expect(retry.delay(after: .status(429), attempt: 1) == 0.5, "rate-limited: later")
        #expect(retry.delay(after: .status(400), attempt: 1) == nil)
        #expect(retry.delay(after: .status(404), attempt: 1) == nil)
        #expect(retry.delay(after: .status(204), attempt: 1) == nil, "delivered")
    }

    @Test func aBurstOfBestsCoalescesToTheLatestAtTheNextAllowedTime() {
        var throttle = NewBestThrottle<Int>(interval: 30)
        #expect(throttle.offer(1, now: 100) == 1, "the first goes out at once")
        #expect(throttle.offer(2, now: 101) == nil)
        #expect(throttle.offer(3, now: 110) == nil)
        #expect(throttle.nextDue == 130)
        #expect(throttle.due(now: 129) == nil)
        #expect(throttle.due(now: 130) == 3, "the latest of the burst, once")
        #expect(throttle.due(now: 200) == nil)
        #expect(throttle.offer(4, now: 161) == 4, "30 s after the last one sent")
        #expect(throttle.offer(5, now: 162) == nil)
        throttle.end()
        #expect(throttle.held == nil && throttle.due(now: 1000) == nil, "the final event carries the best instead")
    }

    @Test func aSweepEndsOnceAndAFailFastIsAFailure() {
        var plan = NotifierPlan()
        let best = RunStatus.Best(trial: 1, params: .init([:]), metric: "m", mean: 1)
        #expect(plan.kind(for: .newBest(best))?.kind == .newBest)
        #expect(plan.kind(for: .failedFast(reason: "every task failed"))?.kind == .failed)
        #expect(plan.kind(for: .stopped) == nil, "the stop that follows a fail-fast says nothing new")
        #expect(plan.final(state: "stopped") == nil)

        var crashed = NotifierPlan()
        #expect(crashed.kind(for: .interrupted)?.kind == .failed)
        var unfinished = NotifierPlan()
        let end = unfinished.final(state: "running")
        #expect(end?.kind == .failed && end?.reason?.contains("before the sweep finished") == true)
        var finished = NotifierPlan()
        #expect(finished.final(state: "finished")?.kind == .finished)
    }

    @Test func onlyHTTPAndHTTPSURLsWithAHostAreAccepted() throws {
        #expect(
            try NotifierURLs.parse(["https://hooks.slack.com/services/T/B/X", "http://127.0.0.1:8080/hook"]).count == 2)
        // A port past 65535 crashed the coordinator mid-sweep (AsyncHTTPClient traps on it).
        for bad in [
            "ftp://example.com/x", "hooks.example.com/sweep", "http://", "not a url", "http://127.0.0.1:99999/",
            "http://127.0.0.1:0/",
        ] {
            #expect(throws: NotifierURLError.self) { try NotifierURLs.parse([bad]) }
        }
        do {
            _ = try NotifierURLs.parse(["http://ok.example", "ftp://bad.example"])
            Issue.record("ftp:// accepted")
        } catch let error as NotifierURLError {
            #expect(error.description.contains("'ftp://bad.example'") && error.description.contains("https://"))
        }
    }
}
