import Testing

@testable import SweepCore
@testable import SweepProtocol

/// The worker's part in artifact transfers: FETCH is served, and a draining worker stays while
/// the coordinator is still fetching the files of its last results.
struct ArtifactWorkerMachineTests {
    let lease = LeaseRef(trial: 0, fold: 0, attempt: 1)
    let hash = String(repeating: "c", count: 64)

    func isExit(_ action: WorkerMachine.Action) -> Bool { if case .exit = action { true } else { false } }

    @Test func aDrainingWorkerStaysUntilTheCoordinatorStopsFetching() {
        var m = WorkerMachine(WorkerMachine.Identity(workerID: "w@h", incarnation: 1, name: "w", host: "h", slots: 1))
        _ = m.handle(.started, now: 0)
        _ = m.handle(.received(.welcome(sweepID: 5, heartbeatMilliseconds: 1000)), now: 0.1)
        _ = m.handle(
            .received(.work(sweepID: 5, acks: [], tasks: [Assignment(lease: lease, params: Params([:]))])), now: 1)
        _ = m.handle(.drain, now: 1.5)
        _ = m.handle(
            .finished([TaskResult(lease: lease, succeeded: true, duration: 1, metrics: [:], error: "")]), now: 2)
        // The coordinator asks for the result's files before it acknowledges the result.
        let fetch = m.handle(.received(.fetch(sha256: hash, offset: 0, length: 10)), now: 2.1)
        #expect(fetch.contains { if case .serveArtifact(hash, 0, 10) = $0 { true } else { false } })
        #expect(!m.handle(.received(.work(sweepID: 5, acks: [lease], tasks: [])), now: 2.2).contains(where: isExit))
        _ = m.handle(.received(.fetch(sha256: hash, offset: 10, length: 10)), now: 3)
        #expect(!m.handle(.tick, now: 4.5).contains(where: isExit), "fetched 1.5 s ago")
        #expect(m.handle(.tick, now: 5.1).contains(where: isExit), "nothing fetched for 2 intervals")
    }
}
