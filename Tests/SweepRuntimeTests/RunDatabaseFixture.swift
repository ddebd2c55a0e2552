import Foundation
import GRDB

@testable import SweepCore
@testable import SweepProtocol
@testable import SweepRuntime

/// A run database in a fresh directory, for a no-op sweep of three trials × two folds, and
/// helpers that write what a coordinator would.
struct RunDatabaseFixture {
    static let spec = """
        name: books
        cv: {folds: 2}
        trainer: {model: noop}
        space:
          score: {values: [1, 2, 3]}
        objective: {metric: score, goal: maximize}
        """

    let directory: URL
    let record: RunRecord
    var database: RunDatabase { record.database }

    init(localWorkers: (count: Int, slots: Int)? = nil) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("sweep-db-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let specPath = directory.appendingPathComponent("books.yaml").path
        try Self.spec.write(toFile: specPath, atomically: true, encoding: .utf8)
        record = try RunRecord.create(
            directory: directory.appendingPathComponent("run").path, sweep: SweepLoader.load(specPath: specPath),
            mode: "run", bind: "tcp://127.0.0.1:*", keyPath: nil, allowPaths: [], insecure: false,
            localWorkers: localWorkers)
    }

    var run: String { directory.appendingPathComponent("run").path }

    func trial(_ number: Int, _ score: Int) -> Trial { Trial(number: number, params: Params(["score": .int(score)])) }

    /// A counted result of the lease's task (dispatched first, as the coordinator does).
    func count(
        _ trial: Int, _ fold: Int, score: Double, attempt: Int = 1, worker: String = "w1", status: TaskStatus = .ok
    ) {
        let lease = LeaseRef(TaskID(trial: trial, fold: fold), attempt: attempt)
        database.dispatched(lease, worker: worker, host: "h")
        database.counted(
            TaskRecord(
                task: lease.task, status: status, worker: worker, host: "h", attempt: attempt, duration: 0.5,
                metrics: status == .ok ? ["score": score] : [:], error: status == .ok ? nil : "boom"))
    }

    /// Rewrites the sweep row, as a coordinator elsewhere (or one that died) would have left it.
    func setCoordinator(host: String, pid: Int32, start: Int64?) throws {
        let queue = try DatabaseQueue(path: run + "/run.db")
        try queue.write { db in
            try db.execute(
                sql: "UPDATE sweep SET coordinator_host = ?, coordinator_pid = ?, coordinator_start = ?",
                arguments: [host, pid, start])
        }
    }

    func file(_ name: String) throws -> String { try String(contentsOfFile: run + "/" + name, encoding: .utf8) }
}
