@testable import SweepCore
@testable import SweepProtocol

/// Shared helpers for driving a CoordinatorMachine in tests.
enum Kit {
    static func machine(
        trials: Int = 3, folds: Int = 2, maxAttempts: Int = 3, maxLost: Int = 10, timeout: Double = 100,
        cancelGrace: Double = 30
    ) -> CoordinatorMachine {
        CoordinatorMachine(
            .init(
                sweepID: 77, trials: (0..<trials).map { Trial(number: $0, params: Params(["x": .int($0)])) },
                folds: folds, maxAttempts: maxAttempts, maxLost: maxLost, taskTimeout: timeout,
                cancelGrace: cancelGrace, heartbeatInterval: 1))
    }

    static func hello(
        _ name: String, id: String? = nil, incarnation: UInt64 = 1, slots: Int = 1, running: [LeaseRef] = [],
        cached: UInt64 = 0
    ) -> Message {
        .hello(
            Hello(
                workerID: id ?? name, incarnation: incarnation, name: name, host: "h", slots: slots,
                cachedSweep: cached, running: running))
    }

    static func assigned(_ actions: [CoordinatorMachine.Action], to peer: PeerID) -> [LeaseRef] {
        assignments(actions, to: peer).map(\.lease)
    }

    /// The tasks sent to `peer` in WORK messages, with their parameters.
    static func assignments(_ actions: [CoordinatorMachine.Action], to peer: PeerID) -> [Assignment] {
        actions.flatMap { action -> [Assignment] in
            if case .send(peer, .work(_, _, let tasks)) = action { return tasks }
            return []
        }
    }

    static func records(_ actions: [CoordinatorMachine.Action]) -> [TaskRecord] {
        actions.compactMap { if case .record(let record) = $0 { return record } else { return nil } }
    }

    static func reports(_ actions: [CoordinatorMachine.Action]) -> [CoordinatorMachine.Report] {
        actions.compactMap { if case .report(let report) = $0 { return report } else { return nil } }
    }

    static func ok(_ lease: LeaseRef) -> TaskResult {
        TaskResult(lease: lease, succeeded: true, duration: 0.1, metrics: ["score": 1], error: "")
    }

    static func failure(_ lease: LeaseRef, _ error: String = "diverged") -> TaskResult {
        TaskResult(lease: lease, succeeded: false, duration: 0.1, metrics: [:], error: error)
    }

    static func rejected(_ actions: [CoordinatorMachine.Action], to peer: PeerID) -> String? {
        for action in actions { if case .send(peer, .rejected(let reason)) = action { return reason } }
        return nil
    }

    static func welcomed(_ actions: [CoordinatorMachine.Action], _ peer: PeerID) -> Bool {
        actions.contains { if case .send(peer, .welcome) = $0 { true } else { false } }
    }
}
