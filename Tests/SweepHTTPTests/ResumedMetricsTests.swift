import Foundation
import Logging
import Prometheus
import SweepCore
import Testing

@testable import SweepHTTP
@testable import SweepProtocol
@testable import SweepRuntime

/// A resumed sweep's counters start from what run.db already holds, so Prometheus sees the
/// sweep's totals, not only this process's.
@Suite struct ResumedMetricsTests {
    @Test func countersStartFromTheRunDatabase() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("sweep-http-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        let specPath = root.appendingPathComponent("spec.yaml").path
        try """
        name: resumed
        cv: {folds: 2}
        trainer: {model: noop}
        space: {score: {values: [1, 2, 3]}}
        objective: {metric: score, goal: maximize}
        """.write(toFile: specPath, atomically: true, encoding: .utf8)
        let sweep = try SweepLoader.load(specPath: specPath)
        let run = root.appendingPathComponent("run").path
        let first = try RunRecord.create(
            directory: run, sweep: sweep, mode: "run", bind: "tcp://127.0.0.1:*", keyPath: nil, allowPaths: [],
            insecure: false)
        // Trial 0 finished (both folds ok), trial 1 failed on fold 0, one duplicate, two re-queued.
        for number in 0..<2 {
            first.database.trialAdded(Trial(number: number, params: Params(["score": .int(number + 1)])))
        }
        for (trial, fold, status) in [(0, 0, TaskStatus.ok), (0, 1, .ok), (1, 0, .failed)] {
            let lease = LeaseRef(trial: trial, fold: fold, attempt: 1)
            first.database.dispatched(lease, worker: "w", host: "h")
            first.database.counted(
                TaskRecord(
                    task: TaskID(trial: trial, fold: fold), status: status, worker: "w", host: "h", attempt: 1,
                    duration: 0.1, metrics: status == .ok ? ["score": Double(trial + 1)] : [:],
                    error: status == .ok ? nil : "boom"))
        }
        first.database.duplicate(LeaseRef(trial: 0, fold: 0, attempt: 2), worker: "w2", metrics: ["score": 1])
        first.database.event("requeued", "2")
        first.database.event("malformed", "bad frame")
        try first.database.commit()

        let record = try RunRecord.resume(directory: run)
        let lifecycle = try SweepLifecycle(
            sweep: sweep, record: record, options: .init(bind: "tcp://127.0.0.1:*", showProgress: false),
            logger: Logger(label: "test"))
        let server = try DashboardServer(
            address: DashboardAddress(host: "127.0.0.1", port: 0), directory: run, keyed: false, token: nil)
        try lifecycle.measure(with: server.metrics)
        let lines = Set(server.registry.emitToString().split(separator: "\n").map(String.init))
        for expected in [
            #"sweep_tasks_total{status="ok"} 2"#, #"sweep_tasks_total{status="failed"} 1"#,
            #"sweep_trials_total{status="ok"} 1"#, #"sweep_trials_total{status="failed"} 0"#,
            "sweep_requeues_total 2", "sweep_duplicate_results_total 1", "sweep_malformed_messages_total 1",
        ] {
            #expect(lines.contains(expected), "\(expected) in \(lines.sorted())")
        }
    }
}
