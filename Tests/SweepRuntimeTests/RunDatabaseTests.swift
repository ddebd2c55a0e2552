import Foundation
import GRDB
import Testing

@testable import SweepCore
@testable import SweepProtocol
@testable import SweepReport
@testable import SweepRuntime

/// The run database in-process: what the coordinator records, what a resume restores, and what
/// `sweep status` and the report read back.
@Suite struct RunDatabaseTests {
    /// `sweep status` counts tasks as trials × folds and pending ones as those without a counted
    /// result (the views took seconds for a million tasks): the same numbers as the views give.
    @Test func statusCountsAgreeWithTheTaskViews() throws {
        let fixture = try RunDatabaseFixture()
        let database = fixture.database
        for number in 0..<3 { database.trialAdded(fixture.trial(number, number + 1)) }
        fixture.count(0, 0, score: 1)
        database.duplicate(LeaseRef(TaskID(trial: 0, fold: 0), attempt: 1), worker: "w2", metrics: ["score": 1])
        fixture.count(0, 1, score: 0, status: .failed)
        fixture.count(1, 0, score: 0, status: .pruned)
        database.dispatched(LeaseRef(TaskID(trial: 2, fold: 0), attempt: 1), worker: "w1", host: "h")
        try database.commit()
        let status = try database.status()
        let views = try database.read { db -> [Int] in
            try [
                "SELECT count(*) FROM tasks",
                "SELECT count(*) FROM task_status WHERE status IN ('pending', 'running')",
                "SELECT count(*) FROM task_status WHERE status = 'ok'",
                "SELECT count(*) FROM task_status WHERE status = 'failed'",
                "SELECT count(*) FROM task_status WHERE status = 'pruned'",
            ].map { try Int.fetchOne(db, sql: $0) ?? -1 }
        }
        #expect([status.tasks, status.pending, status.succeeded, status.failed, status.stopped] == views)
        #expect((status.tasks, status.pending, status.succeeded, status.failed, status.stopped) == (6, 3, 1, 1, 1))
    }

    @Test func recordsRestoreAndStatusAgree() throws {
        let fixture = try RunDatabaseFixture()
        let database = fixture.database
        for number in 0..<3 { database.trialAdded(fixture.trial(number, number + 1)) }
        fixture.count(0, 0, score: 1)
        fixture.count(0, 1, score: 1, attempt: 2, worker: "w2")
        database.duplicate(LeaseRef(TaskID(trial: 0, fold: 0), attempt: 1), worker: "w2", metrics: ["score": 1])
        fixture.count(1, 0, score: 2)
        fixture.count(2, 0, score: 0, status: .failed)
        database.stopped(
            StopDecision(trial: 2, rule: .racing, fold: 0, step: nil, reason: "worse"), dropped: 1, cancelled: 0)
        database.reported(LeaseRef(TaskID(trial: 1, fold: 1), attempt: 1), step: 3, value: 0.25)
        database.event("requeued", "2")
        try database.commit()

        let restored = try database.restore(attempts: true)
        #expect(try database.restore(attempts: false).attempts.isEmpty, "read only when asked for")
        #expect(restored.trials.map(\.params) == (1...3).map { Params(["score": .int($0)]) })
        #expect(
            restored.counted.map(\.task) == [
                TaskID(trial: 0, fold: 0), TaskID(trial: 0, fold: 1), TaskID(trial: 1, fold: 0),
                TaskID(trial: 2, fold: 0),
            ])
        #expect(restored.attempts[TaskID(trial: 0, fold: 1)] == 2)
        #expect(restored.duplicates == 1 && restored.requeues == 2)
        #expect(restored.decisions.map(\.decision.reason) == ["worse"] && restored.decisions.first?.dropped == 1)
        #expect(restored.reports.map(\.value) == [0.25])

        let status = try RunStatus.read(directory: fixture.run)
        #expect(status.name == "books" && status.state == "running")
        #expect((status.trials, status.tasks, status.succeeded, status.failed) == (3, 6, 3, 1))
        #expect((status.pending, status.duplicates, status.requeued, status.attempts) == (2, 1, 2, 4))
        #expect(status.best?.trial == 0 && status.best?.mean == 1, "trial 0 is the only one with every fold counted")

        let resumed = try RunRecord.resume(directory: fixture.run)
        #expect(resumed.restoredRecords.count == 4 && resumed.restoredState?.decisions.count == 1)
        #expect(resumed.specText == RunDatabaseFixture.spec)
    }

    @Test func statusAndReportPickTheSameBestTrialOnATie() throws {
        let fixture = try RunDatabaseFixture()
        for number in 0..<3 { fixture.database.trialAdded(fixture.trial(number, number + 1)) }
        // Trials 0 and 1 tie on the mean; 1 has the lower std and wins (the lower number does not).
        for (trial, scores) in [(0, [0.5, 1.0]), (1, [0.75, 0.75]), (2, [0.25, 0.25])] {
            for (fold, score) in scores.enumerated() { fixture.count(trial, fold, score: score) }
        }
        try fixture.database.commit()
        let summary = try RunReport.load(directory: fixture.run)
        #expect(summary.best?.trial.number == 1)
        #expect(try RunStatus.read(directory: fixture.run).best?.trial == 1)
    }

    @Test func theReportRewritesTheFilesTheEndOfASweepWrote() throws {
        let fixture = try RunDatabaseFixture()
        for number in 0..<3 { fixture.database.trialAdded(fixture.trial(number, number + 1)) }
        for trial in 0..<3 { for fold in 0..<2 { fixture.count(trial, fold, score: Double(trial + 1)) } }
        fixture.database.event("search-ended", "every grid point was suggested")
        fixture.database.finished(complete: true, wallSeconds: 4.5)
        try fixture.database.commit()
        try fixture.record.recordRefit(
            RefitOutcome(modelFile: nil, note: "no model for noop", holdout: ["score": 3], holdoutRows: 7))
        // The spec file changes on disk afterwards: the copy is of the spec that ran.
        try "name: other\n".write(
            toFile: fixture.directory.appendingPathComponent("books.yaml").path, atomically: true, encoding: .utf8)

        let summary = try RunReport.write(directory: fixture.run)
        #expect(summary.state == .finished && summary.best?.trial.number == 2)
        let names = ["report.md", "best.json", "results.csv", "trials.csv", "spec.yaml"]
        let first = try names.map(fixture.file)
        #expect(first[4] == RunDatabaseFixture.spec)
        #expect(first[0].contains("- Wall time: 4.5 s\n"))
        #expect(first[0].contains("ended because every grid point was suggested"))
        #expect(first[0].contains("No model file: no model for noop."))
        #expect(
            first[0].contains(
                "On the 7 held-out rows (never seen by the search), the refitted model scores score = **3**."))
        try FileManager.default.removeItem(atPath: fixture.run + "/best.json")
        try "stale".write(toFile: fixture.run + "/report.md", atomically: true, encoding: .utf8)
        try RunReport.write(directory: fixture.run)
        #expect(try names.map(fixture.file) == first)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: fixture.run).filter { $0.contains(".tmp") }
        #expect(leftovers.isEmpty)
    }

    @Test func aSweepWhoseCoordinatorDiedIsReportedIncomplete() throws {
        let fixture = try RunDatabaseFixture()
        for number in 0..<3 { fixture.database.trialAdded(fixture.trial(number, number + 1)) }
        fixture.count(0, 0, score: 1)
        fixture.count(0, 1, score: 1)
        try fixture.database.commit()
        #expect(
            try RunReport.load(directory: fixture.run).state
                == .running(coordinator: CoordinatorProcess.current.description))

        // No process has this pid (above any pid_max): the coordinator is gone.
        try fixture.setCoordinator(host: ProcessInfo.processInfo.hostName, pid: Int32.max, start: nil)
        let summary = try RunReport.write(directory: fixture.run)
        guard case .interrupted(let coordinator) = summary.state else {
            Issue.record("expected an interrupted sweep, got \(summary.state)")
            return
        }
        #expect(coordinator == "pid \(Int32.max) on \(ProcessInfo.processInfo.hostName)")
        let report = try fixture.file("report.md")
        #expect(report.contains("- Tasks: 2 of 6 counted — INCOMPLETE: the coordinator (pid \(Int32.max)"))
        #expect(report.contains("(it crashed or was killed); `sweep resume` on this run directory continues it"))
        #expect(report.contains("until the coordinator's last record"))
        #expect(report.contains("Trial 0: `score=1`"), "the trials counted so far are ranked")

        // This process's pid, but another start time: the pid was reused, the coordinator is gone.
        let me = CoordinatorProcess.current
        try fixture.setCoordinator(host: me.host, pid: me.pid, start: (me.startTicks ?? 0) + 1)
        #expect(try RunReport.load(directory: fixture.run).state == .interrupted(coordinator: me.description))
        // On another host there is no asking.
        try fixture.setCoordinator(host: "elsewhere", pid: 7, start: nil)
        #expect(try RunReport.load(directory: fixture.run).state == .unknown(coordinator: "pid 7 on elsewhere"))
    }

    @Test func aSweepResumedAfterItEndedIsRunningAgainWithoutItsOldRefit() throws {
        let fixture = try RunDatabaseFixture()
        fixture.database.finished(complete: true, wallSeconds: 1)
        try fixture.database.commit()
        try fixture.record.recordRefit(RefitOutcome(modelFile: "model.json", note: nil, holdout: nil, holdoutRows: 0))
        let ended = try RunReport.load(directory: fixture.run)
        #expect(ended.state == .finished && ended.modelFile == "model.json")
        let resumed = try RunRecord.resume(directory: fixture.run)
        resumed.database.event("resumed", "0 of 6 tasks counted")
        try resumed.database.commit()
        let running = try RunReport.load(directory: fixture.run)
        #expect(running.state == .running(coordinator: CoordinatorProcess.current.description) && running.refit == nil)
    }

    @Test func aVersion2DatabaseIsReadAsItIsAndMigratedOnResume() throws {
        let fixture = try RunDatabaseFixture()
        for number in 0..<3 { fixture.database.trialAdded(fixture.trial(number, number + 1)) }
        for trial in 0..<3 { for fold in 0..<2 { fixture.count(trial, fold, score: Double(trial)) } }
        fixture.database.finished(complete: true, wallSeconds: 2)
        try fixture.database.commit()
        // Turn it into what sweep wrote before the migrator: v2 tables only, user_version 2.
        let queue = try DatabaseQueue(path: fixture.run + "/run.db")
        try queue.write { db in
            try db.execute(
                sql: """
                    DROP TABLE grdb_migrations; DROP TABLE refit;
                    ALTER TABLE sweep DROP COLUMN wall_seconds; ALTER TABLE sweep DROP COLUMN coordinator_host;
                    ALTER TABLE sweep DROP COLUMN coordinator_pid; ALTER TABLE sweep DROP COLUMN coordinator_start;
                    ALTER TABLE sweep DROP COLUMN local_workers; ALTER TABLE sweep DROP COLUMN local_slots;
                    \(RunDatabaseLifecycleTests.dropV5)
                    \(RunDatabaseLifecycleTests.dropV6)
                    PRAGMA user_version = 2;
                    """)
        }
        let summary = try RunReport.load(directory: fixture.run)
        #expect(summary.state == .finished && summary.best?.trial.number == 2 && summary.refit == nil)
        #expect(try RunStatus.read(directory: fixture.run).best?.trial == 2)
        #expect(try queue.read { try Int.fetchOne($0, sql: "PRAGMA user_version") } == 2, "reading does not migrate")

        _ = try RunRecord.resume(directory: fixture.run)
        #expect(try queue.read { try Int.fetchOne($0, sql: "PRAGMA user_version") } == RunDatabase.schemaVersion)
        #expect(
            try queue.read {
                try $0.tableExists("refit") && $0.columns(in: "sweep").contains { $0.name == "wall_seconds" }
            })

        let newer = RunDatabase.schemaVersion + 1
        try queue.write { try $0.execute(sql: "PRAGMA user_version = \(newer)") }
        #expect(throws: RunDatabaseError.self) { try RunReport.load(directory: fixture.run) }
        #expect { _ = try RunRecord.resume(directory: fixture.run) } throws: { error in
            "\(error)".contains("schema version \(newer), written by a newer sweep")
        }
    }

    @Test func aMissingRunDirectoryIsRefusedPlainly() throws {
        #expect { try RunReport.write(directory: "/nonexistent/run") } throws: { error in
            "\(error)".contains("/nonexistent/run has no run.db")
        }
    }
}
