import Foundation
import GRDB
import Testing

/// `sweep resume` and `sweep status` against an operator's mistakes with run directories: a
/// second coordinator on a run that is still served, a finished run resumed, a crashed
/// coordinator's status, the local worker count of a resumed `sweep run`.
@Suite(.serialized)
struct ResumeClusterTests {
    /// A run still served by its coordinator is not resumed a second time; once that coordinator
    /// is gone (killed), its stale pid does not block.
    @Test func aRunStillServedIsNotResumedTwice() throws {
        let (coordinator, _, out) = try startCoordinator(noopSpec(trials: 2, sleep: 0), heartbeat: "250ms")
        defer { coordinator.stop() }
        let pid = coordinator.process.processIdentifier
        let second = try FinishedCommand(["resume", out.path, "--heartbeat", "250ms"], timeout: 30)
        #expect(second.status == 2, "\(second.transcript)")
        #expect(
            second.stderr.contains("run \(out.path) is still being served by pid \(pid) on this host; stop it first"),
            "\(second.transcript)")
        #expect(
            try RunBook(out).count("SELECT coordinator_pid FROM sweep") == Int(pid), "the record still names the first")
        let status = try FinishedCommand(["status", out.path, "--json"])
        #expect(status.stdout.contains("\"state\" : \"running\""), "\(status.transcript)")

        coordinator.signal(SIGKILL)
        _ = coordinator.awaitExit()
        let crashed = try FinishedCommand(["status", out.path])
        #expect(
            crashed.stdout.contains("sweep 'noop-test': interrupted — its coordinator (pid \(pid) on "),
            "a crashed coordinator is not 'running': \(crashed.transcript)")
        let resumed = try ChildProcess(["resume", out.path, "--heartbeat", "250ms"])
        defer { resumed.stop() }
        #expect(resumed.awaitLine(containing: "resuming sweep", timeout: 30) != nil, "a stale pid does not block")
    }

    /// Resuming a finished coordinator run says so and exits 0, leaving the run as it was (it used
    /// to wait forever for workers, and Ctrl-C then marked it stopped).
    @Test func resumingAFinishedCoordinatorRunSaysSoAndChangesNothing() throws {
        let (coordinator, endpoint, out) = try startCoordinator(noopSpec(trials: 2, sleep: 0), heartbeat: "250ms")
        let worker = try ChildProcess(["worker", "--connect", endpoint, "--name", "w", "--heartbeat", "250ms"])
        defer { worker.stop() }
        #expect(coordinator.awaitExit() == 0)
        let before = try String(contentsOf: out.appendingPathComponent("report.md"), encoding: .utf8)
        let resumed = try FinishedCommand(["resume", out.path, "--heartbeat", "250ms"], timeout: 30)
        #expect(resumed.status == 0, "\(resumed.transcript)")
        #expect(resumed.stdout.contains("already finished (4 of 4 tasks counted); nothing to resume"))
        let book = try RunBook(out)
        #expect(try book.count("SELECT count(*) FROM events WHERE kind = 'resumed'") == 0)
        #expect(try book.queue.read { try String.fetchOne($0, sql: "SELECT status FROM sweep") } == "finished")
        #expect(try String(contentsOf: out.appendingPathComponent("report.md"), encoding: .utf8) == before)
    }

    /// `sweep run --workers 1`, killed and resumed, resumes with one local worker (not one per core).
    @Test func aResumedRunStartsTheLocalWorkersItStartedWith() throws {
        let directory = try temporaryDirectory()
        try noopSpec(trials: 10, sleep: 0.2).write(
            to: directory.appendingPathComponent("spec.yaml"), atomically: true, encoding: .utf8)
        let out = directory.appendingPathComponent("out")
        let run = try ChildProcess(
            ["run", "spec.yaml", "--workers", "1", "--out", out.path, "--heartbeat", "250ms"], directory: directory)
        #expect(RunBook.awaitCounted(out, atLeast: 2))
        run.signal(SIGKILL)
        _ = run.awaitExit()
        let resumed = try ChildProcess(["resume", out.path, "--heartbeat", "250ms"])
        #expect(resumed.awaitExit() == 0, "\(resumed.stderrLines.joined(separator: "\n"))")
        let book = try RunBook(out)
        #expect(book.counted == 20)
        let workers = try book.queue.read { db in
            try String.fetchAll(
                db,
                sql: """
                    SELECT DISTINCT worker FROM attempts
                    WHERE dispatched_at >= (SELECT max(at) FROM events WHERE kind = 'resumed')
                    """)
        }
        #expect(workers == ["local-1"], "resumed with \(workers)")
    }
}
