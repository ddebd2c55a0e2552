import Foundation
import GRDB
import Testing

@testable import SweepRuntime

/// What `sweep resume` and `sweep status` make of the coordinator process a run database names:
/// alive on this host (no second coordinator), gone or its pid reused (stale: no obstacle), on
/// another host (no telling).
@Suite struct ResumeGuardTests {
    /// A program of our own that stays alive until the test ends (`sleep`), as a live coordinator.
    /// A live process of another program. Stopped with SIGKILL: a test runs on a pool thread
    /// whose async signals are blocked, and a child spawned there inherits that mask, so
    /// SIGTERM would wait in it unseen (and the test with it, for the whole `sleep`).
    func liveProcess() throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sleep")
        process.arguments = ["300"]
        try process.run()
        return process
    }

    @Test func aLiveCoordinatorOnThisHostBlocksAResume() throws {
        let fixture = try RunDatabaseFixture()
        let other = try liveProcess()
        defer { kill(other.processIdentifier, SIGKILL); other.waitUntilExit() }
        let pid = other.processIdentifier
        try fixture.setCoordinator(
            host: ProcessInfo.processInfo.hostName, pid: pid, start: CoordinatorProcess.startTicks(of: pid))
        #expect(try RunStatus.read(directory: fixture.run).state == "running")
        #expect { _ = try RunRecord.resume(directory: fixture.run) } throws: { error in
            "\(error)".contains("run \(fixture.run) is still being served by pid \(pid) on this host; stop it first")
        }
        let recorded = try DatabaseQueue(path: fixture.run + "/run.db").read {
            try Int32.fetchOne($0, sql: "SELECT coordinator_pid FROM sweep")
        }
        #expect(recorded == pid, "a refused resume leaves the record as it was")
    }

    /// The pid is alive but belongs to another program now (another start time): stale.
    @Test func aReusedPidDoesNotBlockAResume() throws {
        let fixture = try RunDatabaseFixture()
        let other = try liveProcess()
        defer { kill(other.processIdentifier, SIGKILL); other.waitUntilExit() }
        let pid = other.processIdentifier
        try fixture.setCoordinator(
            host: ProcessInfo.processInfo.hostName, pid: pid, start: (CoordinatorProcess.startTicks(of: pid) ?? 0) - 1)
        #expect(try RunStatus.read(directory: fixture.run).state == "interrupted")
        let resumed = try RunRecord.resume(directory: fixture.run)
        #expect(resumed.servedElsewhere == nil)
    }

    /// `sweep status` of a crashed coordinator says so, as the report does (it said "running").
    @Test func statusOfACrashedCoordinatorIsInterrupted() throws {
        let fixture = try RunDatabaseFixture()
        try fixture.setCoordinator(host: ProcessInfo.processInfo.hostName, pid: Int32.max, start: nil)
        let status = try RunStatus.read(directory: fixture.run)
        #expect(status.state == "interrupted")
        #expect(
            status.text.contains(
                "sweep 'books': interrupted — its coordinator (pid \(Int32.max) on \(ProcessInfo.processInfo.hostName)) ended without finishing the sweep"
            ), "\(status.text)")
        try fixture.setCoordinator(host: "elsewhere", pid: 7, start: nil)
        #expect(try RunStatus.read(directory: fixture.run).state == "unknown")
        #expect(try RunRecord.resume(directory: fixture.run).servedElsewhere == "pid 7 on elsewhere")
    }

    /// A finished sweep is not resumed: what resume says instead, and nothing written.
    @Test func aFinishedSweepHasANoteInsteadOfAResume() throws {
        let fixture = try RunDatabaseFixture()
        #expect(try RunRecord.finishedNote(directory: fixture.run) == nil)
        fixture.database.finished(complete: true, wallSeconds: 1)
        try fixture.database.commit()
        let note = try #require(try RunRecord.finishedNote(directory: fixture.run))
        #expect(
            note.contains("sweep 'books' in \(fixture.run) already finished (0 of 0 tasks counted); nothing to resume"))
    }

    /// The local workers and slots of a `sweep run` are recorded for its resume.
    @Test func localWorkerCountsAreRecorded() throws {
        let fixture = try RunDatabaseFixture(localWorkers: (1, 3))
        let resumed = try RunRecord.resume(directory: fixture.run)
        #expect(resumed.localWorkers == 1 && resumed.localSlots == 3)
        let coordinator = try RunDatabaseFixture()
        #expect(try RunRecord.resume(directory: coordinator.run).localWorkers == nil)
    }
}
