import Foundation
import Testing

@testable import SweepRuntime

/// The trainer pool wakes a waiting thread only when one waits, outside its lock: no job may be
/// left behind, whichever thread submits and however the jobs and the waits interleave.
struct TaskPoolTests {
    @Test func everyJobRunsWhenManyThreadsSubmitAtOnce() {
        let pool = TaskPool(threads: 3, name: "pool-test")
        defer { pool.stop() }
        let done = DispatchGroup()
        let count = 20_000
        for _ in 0..<count { done.enter() }
        DispatchQueue.concurrentPerform(iterations: 4) { _ in
            for _ in 0..<(count / 4) { pool.submit { done.leave() } }
        }
        #expect(done.wait(timeout: .now() + 120) == .success, "a submitted job never ran")
    }

    @Test func aJobSubmittedWhileEveryThreadWaitsStillRuns() {
        let pool = TaskPool(threads: 2, name: "pool-test")
        defer { pool.stop() }
        for _ in 0..<200 {  // one at a time: each finds the threads asleep
            let ran = DispatchSemaphore(value: 0)
            pool.submit { ran.signal() }
            #expect(ran.wait(timeout: .now() + 60) == .success)
        }
    }
}
