import Dispatch
import Foundation
import Glibc
import Testing

@testable import SweepRuntime

/// Several watchers of one signal at once (the coordinator's and a launcher's), and one of them
/// going away, must leave the others hearing the signal: `sweep launch ssh` once ignored Ctrl-C
/// for good after its launcher's short-lived watcher was released.
@Suite(.serialized) struct SignalWatcherTests {
    @Test func aWatcherHearsTheSignalAfterOthersWentAwayBeforeAndDuringItsLife() throws {
        do { withExtendedLifetime(SignalWatcher([SIGUSR2]) { _ in }) {} }
        let heard = DispatchSemaphore(value: 0)
        let first = SignalWatcher([SIGUSR2]) { _ in heard.signal() }
        do { withExtendedLifetime(SignalWatcher([SIGUSR2]) { _ in }) {} }
        kill(getpid(), SIGUSR2)
        #expect(heard.wait(timeout: .now() + 10) == .success, "the remaining watcher never heard SIGUSR2")
        withExtendedLifetime(first) {}
    }

    @Test func everyLiveWatcherHearsTheSignalAndCountsItsOwn() throws {
        let heardA = DispatchSemaphore(value: 0), heardB = DispatchSemaphore(value: 0)
        let counts = LockedCounts()
        let a = SignalWatcher([SIGUSR2]) { count in
            counts.set("a", count)
            heardA.signal()
        }
        kill(getpid(), SIGUSR2)
        #expect(heardA.wait(timeout: .now() + 10) == .success)
        let b = SignalWatcher([SIGUSR2]) { count in
            counts.set("b", count)
            heardB.signal()
        }
        kill(getpid(), SIGUSR2)
        #expect(heardA.wait(timeout: .now() + 10) == .success)
        #expect(heardB.wait(timeout: .now() + 10) == .success)
        #expect(counts.get("a") == 2)
        #expect(counts.get("b") == 1)
        withExtendedLifetime((a, b)) {}
    }
}

private final class LockedCounts: @unchecked Sendable {  // safe: guarded by `lock`
    private let lock = NSLock()
    private var values: [String: Int] = [:]
    func set(_ key: String, _ value: Int) { lock.withLock { values[key] = value } }
    func get(_ key: String) -> Int? { lock.withLock { values[key] } }
}
