import Foundation
import GRDB
import Testing

@testable import SweepCore
@testable import SweepProtocol
@testable import SweepReport
@testable import SweepRuntime

/// What report.html is made of beyond the summary, read from a real run database and the run
/// directory's files: attempts with their results, intermediate values, events, log tails.
@Suite struct ReportDetailsTests {
    /// Three trials × two folds: trial 0 done (fold 1 on its second attempt, the first lost),
    /// trial 1 with a late duplicate, trial 2 failed with a log; intermediate values and events.
    static func recordedSweep() throws -> RunDatabaseFixture {
        let fixture = try RunDatabaseFixture()
        let database = fixture.database
        for number in 0..<3 { database.trialAdded(fixture.trial(number, number + 1)) }
        fixture.count(0, 0, score: 1)
        database.dispatched(LeaseRef(TaskID(trial: 0, fold: 1), attempt: 1), worker: "lost", host: "gone")
        fixture.count(0, 1, score: 1, attempt: 2, worker: "w2")
        fixture.count(1, 0, score: 2)
        database.duplicate(LeaseRef(TaskID(trial: 1, fold: 0), attempt: 1), worker: "w2", metrics: ["score": 2])
        fixture.count(2, 0, score: 0, status: .failed)
        database.reported(LeaseRef(TaskID(trial: 1, fold: 1), attempt: 1), step: 1, value: 0.5)
        database.reported(LeaseRef(TaskID(trial: 1, fold: 1), attempt: 2), step: 1, value: 0.25)
        database.reported(LeaseRef(TaskID(trial: 1, fold: 1), attempt: 2), step: 2, value: 0.125)
        database.event("worker-lost", "lost (gone)")
        database.event("search-seconds", "0.01")
        database.event("requeued", "1")
        try database.commit()
        let logs = fixture.run + "/logs"
        try FileManager.default.createDirectory(atPath: logs, withIntermediateDirectories: true)
        let lines = (1...30).map { "line \($0)" }.joined(separator: "\n")
        try "# trial 2, fold 0, attempt 1 on w1 (h): last lines of stderr\n\(lines)\n".write(
            toFile: logs + "/trial-2-fold-0-attempt-1.log", atomically: true, encoding: .utf8)
        return fixture
    }

    @Test func theLoaderReadsAttemptsWithTheirResultsReportsEventsAndLogTails() throws {
        let fixture = try Self.recordedSweep()
        let loaded = try RunReport.loadForHTML(directory: fixture.run)
        let details = loaded.details
        let created = try DatabaseQueue(path: fixture.run + "/run.db").read {
            try Double.fetchOne($0, sql: "SELECT created_at FROM sweep")
        }
        #expect(details.startedAt == created && details.startedAt > 0)
        #expect(details.attempts.count == 5)
        let byKey = Dictionary(uniqueKeysWithValues: details.attempts.map { ("\($0.task) #\($0.attempt)", $0) })
        let lost = try #require(byKey["\(TaskID(trial: 0, fold: 1)) #1"])
        #expect(lost.worker == "lost" && lost.host == "gone" && lost.receivedAt == nil && lost.status == nil)
        #expect(!lost.counted && lost.duration == nil)
        let second = try #require(byKey["\(TaskID(trial: 0, fold: 1)) #2"])
        #expect(second.counted && second.status == .ok && second.duration == 0.5 && second.worker == "w2")
        #expect(try #require(second.receivedAt) >= second.dispatchedAt)
        let counted = try #require(byKey["\(TaskID(trial: 1, fold: 0)) #1"])
        #expect(counted.counted && counted.status == .ok, "the counted result wins over the late duplicate")
        let failed = try #require(byKey["\(TaskID(trial: 2, fold: 0)) #1"])
        #expect(failed.counted && failed.status == .failed)
        #expect(details.attempts.map(\.dispatchedAt) == details.attempts.map(\.dispatchedAt).sorted())

        #expect(details.intermediate.map(\.value) == [0.25, 0.125], "only the latest attempt's values")
        #expect(details.intermediate.map(\.step) == [1, 2])
        #expect(details.events.map(\.kind) == ["started", "worker-lost", "requeued"], "no search-seconds")

        let tail = try #require(details.logTails[TaskID(trial: 2, fold: 0)])
        #expect(tail.split(separator: "\n").map(String.init) == (11...30).map { "line \($0)" })
        #expect(details.logTails.count == 1)
        #expect(loaded.space.map(\.name) == ["score"])
    }

    @Test func withoutStoredReportsProgressCSVGivesTheObjectivesIntermediateValues() throws {
        let fixture = try RunDatabaseFixture()
        fixture.database.trialAdded(fixture.trial(0, 1))
        try fixture.database.commit()
        try #"""
        trial,fold,attempt,worker,step,metric,value
        0,0,1,w1,1,score,0.5
        0,0,1,w1,1,loss,9
        0,1,1,"w, ""odd""",1,score,0.75
        0,1,1,"w, ""odd""",2,score,0.875
        0,0,2,w2,1,score,0.25
        0,0,2,w2,2,score,0.125
        0,0,2,w2,3,sco
        """#.write(toFile: fixture.run + "/progress.csv", atomically: true, encoding: .utf8)
        let details = try RunReport.loadForHTML(directory: fixture.run).details
        #expect(
            details.intermediate.map(\.task) == [
                TaskID(trial: 0, fold: 1), TaskID(trial: 0, fold: 1),
                TaskID(trial: 0, fold: 0), TaskID(trial: 0, fold: 0),
            ])
        #expect(details.intermediate.map(\.value) == [0.75, 0.875, 0.25, 0.125])
        #expect(ReportDetails.csvFields("0,1,\"w, \"\"odd\"\"\",2") == ["0", "1", "w, \"odd\"", "2"])
    }

    @Test func aHugeLogIsReadOnlyAtItsEnd() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("sweep-log-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try (String(repeating: "x", count: 1 << 20) + "\nlast words\n").write(
            toFile: path, atomically: true, encoding: .utf8)
        let tail = try #require(ReportDetails.tail(of: path))
        #expect(tail.utf8.count <= ReportDetails.tailBytes)
        #expect(tail.hasSuffix("\nlast words") || tail == "last words")
        #expect(ReportDetails.tail(of: path + ".missing") == nil)
    }

    @Test func theReportFilesIncludeReportHTMLForARunningSweep() throws {
        let fixture = try Self.recordedSweep()
        try RunReport.write(directory: fixture.run)
        let html = try fixture.file("report.html")
        #expect(html.contains("<strong>Running.</strong>"))
        #expect(html.contains("<pre>line 11\n"), "the failed task's log tail")
        #expect(
            html.contains("<td><code>lost</code></td><td>gone</td><td class=\"num\">0</td><td class=\"num\">1</td>"))
        // The coordinator goes on writing while a report has the database open for reading.
        let reader = try RunDatabase.openForReading(directory: fixture.run)
        try reader.read { _ in
            fixture.count(1, 1, score: 2)
            try fixture.database.commit()
        }
        #expect(try RunReport.load(directory: fixture.run).records.count == 5)
        let live = try RunReport.html(directory: fixture.run, live: true)
        #expect(live.contains("http-equiv=\"refresh\""))
    }

    @Test func aVersion2DatabaseGivesItsDetails() throws {
        let fixture = try Self.recordedSweep()
        fixture.database.finished(complete: false, wallSeconds: 2)
        try fixture.database.commit()
        let queue = try DatabaseQueue(path: fixture.run + "/run.db")
        try queue.write { db in
            try db.execute(
                sql: """
                    DROP TABLE grdb_migrations; DROP TABLE refit;
                    ALTER TABLE sweep DROP COLUMN wall_seconds; ALTER TABLE sweep DROP COLUMN coordinator_host;
                    ALTER TABLE sweep DROP COLUMN coordinator_pid; ALTER TABLE sweep DROP COLUMN coordinator_start;
                    ALTER TABLE sweep DROP COLUMN local_workers; ALTER TABLE sweep DROP COLUMN local_slots;
                    \(RunDatabaseLifecycleTests.dropV5)
                    PRAGMA user_version = 2;
                    """)
        }
        let details = try RunReport.loadForHTML(directory: fixture.run).details
        #expect(details.attempts.count == 5 && details.intermediate.count == 2 && details.logTails.count == 1)
        let html = try RunReport.html(directory: fixture.run)
        #expect(html.contains("<strong>Stopped.</strong>") && html.contains("Trial 0: <code>score=1</code>"))
        #expect(try queue.read { try Int.fetchOne($0, sql: "PRAGMA user_version") } == 2, "reading does not migrate")
    }
}
