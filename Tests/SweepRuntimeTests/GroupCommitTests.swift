import Testing

@testable import SweepRuntime

struct GroupCommitTests {
    /// `shouldFlush` for `#expect`, which takes no mutating calls.
    func flush(_ policy: inout GroupCommit, now: Double, sendsWaiting: Bool, running: Int) -> Bool {
        policy.shouldFlush(now: now, sendsWaiting: sendsWaiting, running: running)
    }

    @Test func fewRunningLeasesCommitAtOnce() {
        var policy = GroupCommit(delay: 0.001, siblings: 32)
        #expect(flush(&policy, now: 10, sendsWaiting: true, running: 31))
        #expect(policy.due == .infinity)
    }

    @Test func manyRunningLeasesWaitForOthersUpToTheDelay() {
        var policy = GroupCommit(delay: 0.001, siblings: 32)
        #expect(!flush(&policy, now: 10, sendsWaiting: true, running: 1000))
        #expect(policy.due == 10.001)
        // More arrive: the oldest still sets the deadline.
        #expect(!flush(&policy, now: 10.0004, sendsWaiting: true, running: 999))
        #expect(policy.due == 10.001)
        #expect(flush(&policy, now: 10.001, sendsWaiting: true, running: 999))
        #expect(policy.due == .infinity, "the next wait starts afresh")
        #expect(!flush(&policy, now: 10.002, sendsWaiting: true, running: 999))
        #expect(policy.due == 10.003)
    }

    @Test func nothingWaitingCommitsAndForgetsTheWait() {
        var policy = GroupCommit(delay: 0.001, siblings: 32)
        _ = policy.shouldFlush(now: 10, sendsWaiting: true, running: 1000)
        #expect(flush(&policy, now: 10.0001, sendsWaiting: false, running: 1000))
        #expect(policy.due == .infinity)
    }

    @Test func runningFallingBelowTheSiblingsCommitsAtOnce() {
        var policy = GroupCommit(delay: 0.001, siblings: 32)
        _ = policy.shouldFlush(now: 10, sendsWaiting: true, running: 40)
        #expect(flush(&policy, now: 10.0001, sendsWaiting: true, running: 3))
        #expect(policy.due == .infinity)
    }

    @Test func aZeroDelayNeverWaits() {
        var policy = GroupCommit(delay: 0, siblings: 0)
        #expect(flush(&policy, now: 10, sendsWaiting: true, running: 1000))
    }
}
