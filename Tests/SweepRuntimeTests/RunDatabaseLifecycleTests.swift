import Foundation
import GRDB
import SweepReport
import Testing

@testable import SweepCore
@testable import SweepProtocol
@testable import SweepRuntime

/// Schema v5 and what uses it: a v4 database still opens and migrates; `sweep retry` sets
/// counted failures aside and keeps them; a raised budget is checked and kept; a warm start
/// records the earlier run's usable trials once, with what it skipped and why.
struct RunDatabaseLifecycleTests {
    /// What schema v5 added, removed again (to make a database as an older sweep wrote it).
    static let dropV5 = """
        DROP TABLE prior_trials; ALTER TABLE results DROP COLUMN superseded_at;
        ALTER TABLE sweep DROP COLUMN trials_budget; ALTER TABLE sweep DROP COLUMN time_limit;
        ALTER TABLE sweep DROP COLUMN patience_from_result;
        """
    /// What the v6 step added (nested CV's outcome).
    static let dropV6 = "DROP TABLE nested;"

    @Test func aVersion4DatabaseIsReadAsItIsAndMigratedOnResume() throws {
        let fixture = try RunDatabaseFixture()
        fixture.database.trialAdded(fixture.trial(0, 1))
        fixture.count(0, 0, score: 1)
        try fixture.database.commit()
        let queue = try DatabaseQueue(path: fixture.run + "/run.db")
        try queue.write { db in
            try db.execute(
                sql: Self.dropV5
                    + Self.dropV6
                    + " DELETE FROM grdb_migrations WHERE identifier IN ('v5-lifecycle', 'v6-nested'); PRAGMA user_version = 4;"
            )
        }
        let summary = try RunReport.load(directory: fixture.run)
        #expect(summary.records.count == 1 && summary.priorTrials.isEmpty && summary.retried.isEmpty)
        #expect(try queue.read { try Int.fetchOne($0, sql: "PRAGMA user_version") } == 4, "reading does not migrate")
        _ = try RunRecord.resume(directory: fixture.run)
        #expect(try queue.read { try Int.fetchOne($0, sql: "PRAGMA user_version") } == RunDatabase.schemaVersion)
        #expect(try queue.read { try $0.tableExists("prior_trials") && $0.tableExists("nested") })
    }

    @Test func retrySetsCountedFailuresAsideAndKeepsThem() throws {
        let fixture = try RunDatabaseFixture()
        for number in 0..<3 { fixture.database.trialAdded(fixture.trial(number, number + 1)) }
        fixture.count(0, 0, score: 1)
        fixture.count(0, 1, score: 1)
        fixture.count(1, 0, score: 0, attempt: 3, status: .failed)
        fixture.count(1, 1, score: 2)
        fixture.count(2, 0, score: 0, status: .pruned)
        try fixture.database.commit()
        func refusal(_ trials: [Int]?) -> String {
            do { _ = try RunRecord.retry(directory: fixture.run, trials: trials) } catch { return "\(error)" }
            return "no error"
        }
        #expect(refusal([0]) == "trial 0 finished ok; nothing to retry")
        #expect(refusal([7]) == "trial 7 does not exist: the sweep has 3 trials (0–2)")
        #expect(refusal([2]) == "trial 2 was stopped early (pruned), which is not a failure; nothing to retry")
        #expect(
            try RunRecord.retry(directory: fixture.run, trials: nil) == "retrying trial 1: 1 failed task runs again")
        #expect(refusal(nil) == "no failed trials in \(fixture.run); nothing to retry")

        let queue = try DatabaseQueue(path: fixture.run + "/run.db")
        let rows = try queue.read { db in
            try Row.fetchAll(db, sql: "SELECT counted, status, superseded_at FROM results WHERE trial = 1 AND fold = 0")
        }
        #expect(rows.count == 1 && rows[0]["counted"] == 0 && rows[0]["status"] == "failed")
        #expect((rows[0]["superseded_at"] as Double?) != nil, "the old failure stays, set aside")
        let resumed = try RunRecord.resume(directory: fixture.run)
        #expect(resumed.restoredState?.attempts[TaskID(trial: 1, fold: 0)] == 3, "new attempts are numbered after")
        #expect(resumed.restoredRecords[TaskID(trial: 1, fold: 0)] == nil)
        // The retry's success is the one counted result; the old failure is in the report.
        fixture.count(1, 0, score: 2, attempt: 4)
        try fixture.database.commit()
        let summary = try RunReport.load(directory: fixture.run)
        #expect(summary.retried.map(\.attempt) == [3] && summary.records[TaskID(trial: 1, fold: 0)]?.status == .ok)
        #expect(MarkdownReport.render(summary).contains("| 1 | 0 | attempt 3 on h: boom | ok (attempt 4, h) |"))
        #expect(try RunRecord.resume(directory: fixture.run).database.restore(attempts: false).duplicates == 0)
    }

    /// A fail-fast stop leaves its failing tasks unrecorded: `--failed` runs them again, until a
    /// later session has resumed the sweep.
    @Test func retryAfterAFailFastStopRunsItsUnrecordedTasks() throws {
        let fixture = try RunDatabaseFixture()
        fixture.database.trialAdded(fixture.trial(0, 1))
        fixture.database.event("failed-fast", "the first 5 attempts all failed the same way")
        try fixture.database.commit()
        #expect(
            try RunRecord.retry(directory: fixture.run, trials: nil)
                == "the sweep stopped early (its first attempts all failed alike); its unfinished tasks run again")
        fixture.database.event("resumed", "0 of 2 tasks counted")
        try fixture.database.commit()
        #expect { _ = try RunRecord.retry(directory: fixture.run, trials: nil) } throws: {
            "\($0)" == "no failed trials in \(fixture.run); nothing to retry"
        }
    }

    /// A run of `spec` (written beside it as spec.yaml) in a fresh directory.
    static func start(_ spec: String, in directory: URL? = nil, out: String = "run") throws -> (URL, RunRecord) {
        let directory =
            directory ?? FileManager.default.temporaryDirectory.appendingPathComponent("sweep-lc-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let specPath = directory.appendingPathComponent("\(out).yaml").path
        try spec.write(toFile: specPath, atomically: true, encoding: .utf8)
        let record = try RunRecord.create(
            directory: directory.appendingPathComponent(out).path, sweep: SweepLoader.load(specPath: specPath),
            mode: "run", bind: "tcp://127.0.0.1:*", keyPath: nil, allowPaths: [], insecure: false)
        return (directory, record)
    }

    static func spec(trials: Int, space: String = "x: {uniform: [0, 1]}", extra: String = "", goal: String = "maximize")
        -> String
    {
        """
        name: lc
        cv: {folds: 2}
        trainer: {model: noop}
        search: {algorithm: random, trials: \(trials)\(extra)}
        space: {\(space)}
        objective: {metric: score, goal: \(goal)}
        """
    }

    @Test func aRaisedBudgetIsCheckedThenKept() throws {
        let grid = try RunDatabaseFixture()
        #expect { try RunRecord.raiseBudget(directory: grid.run, trials: 5, timeLimit: nil) } throws: {
            "\($0)".contains("--trials: grid search has no trials budget: it evaluates every combination")
        }
        let (_, record) = try Self.start(Self.spec(trials: 2))
        for number in 0..<2 {
            record.database.trialAdded(Trial(number: number, params: Params(["x": .double(0.5 + Double(number) / 10)])))
        }
        try record.database.commit()
        #expect { try RunRecord.raiseBudget(directory: record.directory, trials: 2, timeLimit: nil) } throws: {
            "\($0)" == "the sweep has 2 trials; --trials must be above 2"
        }
        try RunRecord.raiseBudget(directory: record.directory, trials: 6, timeLimit: nil)
        let resumed = try RunRecord.resume(directory: record.directory)
        let loaded = try resumed.verify(SweepLoader.load(specText: resumed.specText, specPath: resumed.specPath))
        #expect(loaded.spec.search.trials == 6 && loaded.plannedTrials == 6, "a later plain resume keeps it")
        #expect(resumed.specText.contains("trials: 2"), "the spec text stays as written")

        let (_, timed) = try Self.start(Self.spec(trials: 2, extra: ", time_limit: 10s, stop_after_no_improvement: 3"))
        timed.database.trialAdded(Trial(number: 0, params: Params(["x": .double(0.5)])))
        timed.database.event(RunJournal.searchClockEvent, "30.000")
        try timed.database.commit()
        #expect { try RunRecord.raiseBudget(directory: timed.directory, trials: 5, timeLimit: nil) } throws: {
            "\($0)" == "its time limit (10 s) is spent too: give --time-limit as well"
        }
        #expect { try RunRecord.raiseBudget(directory: timed.directory, trials: nil, timeLimit: 20) } throws: {
            "\($0)".hasPrefix("the sweep has searched for 30 s; --time-limit must be above that")
        }
        #expect(
            try RunRecord.raiseBudget(directory: timed.directory, trials: nil, timeLimit: 60)
                == "raised the budget to 60 s of search in all; the stop_after_no_improvement count (3) starts again")
        let later = try RunRecord.resume(directory: timed.directory)
        #expect(
            try later.verify(SweepLoader.load(specText: later.specText, specPath: later.specPath)).spec.search.timeLimit
                == 60)

        let (_, small) = try Self.start(Self.spec(trials: 2, space: "x: {values: [1, 2]}"))
        for number in 0..<2 {
            small.database.trialAdded(Trial(number: number, params: Params(["x": .int(number + 1)])))
        }
        try small.database.commit()
        #expect { try RunRecord.raiseBudget(directory: small.directory, trials: 3, timeLimit: nil) } throws: {
            "\($0)".contains("the space is exhausted: every one of its 2 configurations was tried")
        }
    }

    @Test func aWarmStartRecordsTheEarlierRunsUsableTrialsOnce() throws {
        let (directory, earlier) = try Self.start(
            Self.spec(trials: 4, space: "x: {uniform: [0, 1]}, k: {values: [a, b]}"), out: "earlier")
        let configurations: [(Double, String)] = [(0.2, "a"), (0.9, "b"), (0.5, "c"), (0.4, "a")]
        for (number, (x, k)) in configurations.enumerated() {
            earlier.database.trialAdded(Trial(number: number, params: Params(["x": .double(x), "k": .string(k)])))
        }
        let outcomes: [(trial: Int, status: TaskStatus)] = [(0, .ok), (1, .ok), (2, .ok), (3, .failed)]
        for (trial, status) in outcomes {
            for fold in 0..<2 {
                let lease = LeaseRef(TaskID(trial: trial, fold: fold), attempt: 1)
                earlier.database.counted(
                    TaskRecord(
                        task: lease.task, status: status, worker: "w", host: "h", attempt: 1, duration: 1,
                        metrics: status == .ok ? ["score": Double(trial) + Double(fold)] : [:], error: nil))
            }
        }
        try earlier.database.commit()

        let today = Self.spec(
            trials: 5, space: "x: {uniform: [0, 0.8]}, k: {values: [a, b, c]}", extra: ", warm_start: [earlier]")
        let (_, record) = try Self.start(today, in: directory, out: "today")
        let book = try RunDatabase.openForReading(directory: record.directory).restore(attempts: false).lifecycle
        #expect(book.priorTrials.map(\.sourceTrial) == [0, 2], "trial 1: x outside; trial 3 failed")
        #expect(book.priorTrials.map(\.value) == [0.5, 2.5])
        #expect(
            record.warmStartNotes == [
                "earlier: 2 trials taken, 1 skipped (trial 1: x=0.9 is outside today's space (a number in [0, 0.8]))"
            ])
        let configuration = record.searchConfiguration(
            try SweepLoader.load(specPath: directory.appendingPathComponent("today.yaml").path))
        #expect(configuration.prior.count == 2)
        let report = MarkdownReport.render(try RunReport.load(directory: record.directory))
        #expect(report.contains("## Prior trials (warm start)"))
        #expect(report.contains("| earlier | 2 | 2.5 | `k=c x=0.5` (trial 2) |"), "\(report)")

        #expect {
            try Self.start(
                Self.spec(trials: 5, extra: ", warm_start: [earlier]", goal: "minimize"), in: directory, out: "wrong")
        } throws: {
            "\($0)".contains(
                "search.warm_start: earlier optimized score (maximize); this sweep optimizes score (minimize)")
        }
        #expect {
            try Self.start(Self.spec(trials: 5, extra: ", warm_start: [nowhere]"), in: directory, out: "lost")
        } throws: {
            "\($0)".contains("search.warm_start: nowhere: no such directory")
        }
        #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("lost").path))
    }
}
