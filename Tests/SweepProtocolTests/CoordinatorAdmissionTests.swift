import Testing

@testable import SweepCore
@testable import SweepProtocol

/// Admission at scale: a backlog in the coordinator's own queue is not silence, and HELLOs
/// repeated before the WELCOME arrived do not each get the dataset again.
struct CoordinatorAdmissionTests {
    let a = PeerID([1])
    let b = PeerID([2])

    func lost(_ actions: [CoordinatorMachine.Action]) -> [String] {
        Kit.reports(actions).compactMap { if case .workerLost(let name, _, _, _) = $0 { name } else { nil } }
    }

    func setups(_ actions: [CoordinatorMachine.Action]) -> Int {
        actions.count { if case .sendSetup = $0 { true } else { false } }
    }

    @Test func aWorkerIsNotSilentWhileItsMessagesMayStillBeQueued() {
        var m = Kit.machine(timeout: 100)
        _ = m.handle(.received(a, Kit.hello("a")), now: 0)
        // The shell last emptied its socket at 2 s; it is busy with a backlog since. What a at
        // sent before now may be in that backlog, so 10 s on the clock is not 10 s of silence.
        m.socketDrained(at: 2)
        #expect(lost(m.handle(.tick, now: 10)).isEmpty)
        #expect(m.workerCount == 1)
        m.socketDrained(at: 10)
        #expect(lost(m.handle(.tick, now: 10)) == ["a"], "silent for 10 s once the queue is empty")
    }

    @Test func aLeaseDoesNotTimeOutWhileItsResultMayStillBeQueued() {
        var m = Kit.machine(timeout: 5)
        _ = m.handle(.received(a, Kit.hello("a")), now: 0)
        m.socketDrained(at: 1)
        _ = m.handle(.received(a, .heartbeat), now: 7)  // a heartbeat read from the backlog
        let actions = m.handle(.tick, now: 7)
        #expect(!actions.contains { if case .send(_, .cancel) = $0 { true } else { false } })
        m.socketDrained(at: 7)
        let late = m.handle(.tick, now: 7.5)
        #expect(late.contains { if case .send(a, .cancel) = $0 { true } else { false } }, "timed out: \(late)")
    }

    @Test func repeatedHellosOnOneConnectionGetTheSetupOnce() {
        var m = Kit.machine()
        let first = m.handle(.received(a, Kit.hello("a")), now: 0)
        #expect(setups(first) == 1)
        // The worker said HELLO again before our WELCOME reached it: WELCOME again, no second SETUP.
        let again = m.handle(.received(a, Kit.hello("a")), now: 0.01)
        #expect(Kit.welcomed(again, a))
        #expect(setups(again) == 0)
        // The same worker on a new connection (it reconnected) gets it again.
        let reconnected = m.handle(.received(b, Kit.hello("a")), now: 5)
        #expect(setups(reconnected) == 1)
    }
}
