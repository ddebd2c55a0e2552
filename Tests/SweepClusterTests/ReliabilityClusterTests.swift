import Foundation
import GRDB
import Glibc
import Testing

/// Coordinator crashes, resumes, drains and departures, with real processes on loopback.
@Suite(.serialized)
struct ReliabilityClusterTests {
    /// A command-trainer sweep whose every value is a known function of (params, fold).
    static func spec(trials: Int, folds: Int = 3, sleep: Double) -> String {
        """
        name: known-values
        cv: {folds: \(folds)}
        trainer: {command: [sh, -c, 'touch "$SWEEP_TASK_DIR/../../../started"; sleep \(sleep); echo "@sweep {{\\"value\\": $(( {x} * 100 + SWEEP_FOLD ))}}"']}
        search: {algorithm: random, trials: \(trials), seed: 3}
        space: {x: {int: [1, 1000]}}
        objective: {metric: value, goal: maximize}
        limits: {max_attempts: 5}
        """
    }

    /// Waits until a worker with this cache directory has started a task (its trainer marks it).
    static func awaitTaskStarted(cache: URL, timeout: Double = 60) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if FileManager.default.fileExists(atPath: cache.appendingPathComponent("started").path) { return true }
            usleep(5_000)
        }
        return false
    }

    /// Every task counted once with its right value.
    static func checkBooks(_ out: URL, tasks: Int) throws {
        let rows = try readResults(out)
        #expect(rows.count == tasks)
        #expect(Set(rows.map { "\($0["trial"]!)/\($0["fold"]!)" }).count == tasks)
        for row in rows {
            let expected = Int(row["x"]!)! * 100 + Int(row["fold"]!)!
            #expect(row["status"] == "ok" && Double(row["value"]!) == Double(expected), "wrong value in \(row)")
        }
    }

    @Test func aCoordinatorKilledMidSweepResumesToTheSameResults() throws {
        // Uninterrupted reference run.
        let reference = try temporaryDirectory()
        try Self.spec(trials: 12, sleep: 0.1).write(
            to: reference.appendingPathComponent("spec.yaml"), atomically: true, encoding: .utf8)
        let run = try ChildProcess(["run", "spec.yaml", "--workers", "2", "--out", "out"], directory: reference)
        #expect(run.awaitExit() == 0)

        let (coordinator, endpoint, out) = try startCoordinator(Self.spec(trials: 12, sleep: 0.1), heartbeat: "250ms")
        let workers = try (1...2).map { index in
            try ChildProcess([
                "worker", "--connect", endpoint, "--slots", "1", "--name", "w\(index)", "--heartbeat", "250ms",
            ])
        }
        defer { for worker in workers { worker.stop() } }
        #expect(RunBook.awaitCounted(out, atLeast: 10))
        coordinator.signal(SIGKILL)
        _ = coordinator.awaitExit()
        let countedBefore = try RunBook(out).counted
        let resumed = try ChildProcess(["resume", out.path, "--heartbeat", "250ms"])
        #expect(resumed.awaitLine(containing: "resuming sweep") != nil)
        #expect(resumed.awaitExit() == 0, "\(resumed.stderrLines.joined(separator: "\n"))")
        try Self.checkBooks(out, tasks: 36)
        let book = try RunBook(out)
        #expect(book.counted == 36)
        #expect(try book.count("SELECT count(*) FROM events WHERE kind = 'resumed'") == 1)
        #expect(try book.count("SELECT min(attempt) FROM results WHERE counted = 1") == 1)
        #expect(countedBefore >= 10)
        // The same seeded sweep gives the same trials and the same summary as the uninterrupted run.
        let drop = { (text: String) in
            text.split(separator: "\n").map { $0.split(separator: ",").filter { !$0.contains(".") || true } }
        }
        let a = try String(contentsOf: reference.appendingPathComponent("out/trials.csv"), encoding: .utf8)
        let b = try String(contentsOf: out.appendingPathComponent("trials.csv"), encoding: .utf8)
        #expect(drop(a) == drop(b))
        let bestA = try String(contentsOf: reference.appendingPathComponent("out/best.json"), encoding: .utf8)
        let bestB = try String(contentsOf: out.appendingPathComponent("best.json"), encoding: .utf8)
        #expect(bestA == bestB)
    }

    @Test func aKilledTPESweepResumesFromItsRecordedSuggestions() throws {
        let spec = Self.spec(trials: 14, folds: 2, sleep: 0.1)
            .replacingOccurrences(
                of: "search: {algorithm: random, trials: 14, seed: 3}",
                with: "search: {algorithm: tpe, trials: 14, seed: 3, tpe: {n_startup_trials: 4}}")
        let (coordinator, endpoint, out) = try startCoordinator(spec, heartbeat: "250ms")
        let workers = try (1...2).map { index in
            try ChildProcess([
                "worker", "--connect", endpoint, "--slots", "1", "--name", "w\(index)", "--heartbeat", "250ms",
            ])
        }
        defer { for worker in workers { worker.stop() } }
        #expect(RunBook.awaitCounted(out, atLeast: 12))
        coordinator.signal(SIGKILL)
        _ = coordinator.awaitExit()
        let before = try RunBook(out).queue.read {
            try Row.fetchAll($0, sql: "SELECT trial, params_json FROM trials ORDER BY trial")
        }
        .map { "\($0["trial"] as Int) \($0["params_json"] as String)" }
        let resumed = try ChildProcess(["resume", out.path, "--heartbeat", "250ms"])
        #expect(resumed.awaitExit() == 0, "\(resumed.stderrLines.joined(separator: "\n"))")
        let book = try RunBook(out)
        let after = try book.queue.read {
            try Row.fetchAll($0, sql: "SELECT trial, params_json FROM trials ORDER BY trial")
        }
        .map { "\($0["trial"] as Int) \($0["params_json"] as String)" }
        #expect(before.count >= 6)
        #expect(
            Array(after.prefix(before.count)) == before, "every suggestion recorded before the crash is kept as it was")
        #expect(after.count == 14, "the trials budget counts the suggestions made before the crash")
        #expect(try book.count("SELECT count(DISTINCT content_hash) FROM trials") == 14, "no configuration twice")
        try Self.checkBooks(out, tasks: 28)
    }

    @Test func aTornLastRecordIsToleratedAndCorruptionIsRefusedPlainly() throws {
        let (coordinator, endpoint, out) = try startCoordinator(Self.spec(trials: 8, sleep: 0.05), heartbeat: "250ms")
        let worker = try ChildProcess([
            "worker", "--connect", endpoint, "--slots", "2", "--name", "w", "--heartbeat", "250ms",
        ])
        defer { worker.stop() }
        #expect(RunBook.awaitCounted(out, atLeast: 6))
        coordinator.signal(SIGKILL)
        _ = coordinator.awaitExit()
        // Tear the tail of the write-ahead log, as a crash in the middle of a write would.
        let wal = out.appendingPathComponent("run.db-wal")
        let size = try #require(try FileManager.default.attributesOfItem(atPath: wal.path)[.size] as? NSNumber).intValue
        #expect(size > 100)
        #expect(truncate(wal.path, off_t(size - 37)) == 0)
        let resumed = try ChildProcess(["resume", out.path, "--heartbeat", "250ms"])
        #expect(resumed.awaitExit() == 0, "\(resumed.stderrLines.joined(separator: "\n"))")
        try Self.checkBooks(out, tasks: 24)

        // Now damage the middle of the (checkpointed) database file: resume must refuse, naming it.
        let database = out.appendingPathComponent("run.db")
        let handle = try FileHandle(forWritingTo: database)
        try handle.seek(toOffset: 4096)  // pages 2 to 4: b-tree pages of the sweep's tables
        handle.write(Data(repeating: 0xA5, count: 3 * 4096))
        try handle.close()
        let refused = try ChildProcess(["resume", out.path])
        #expect(refused.awaitExit() == 2)
        let message = refused.stderrLines.joined(separator: "\n")
        #expect(
            message.contains(database.path) && (message.contains("corrupt") || message.contains("damaged")),
            "\(message)")
    }

    @Test func aDrainingWorkerFinishesItsTaskAndASecondSignalHandsItBack() throws {
        let (coordinator, endpoint, out) = try startCoordinator(
            Self.spec(trials: 6, folds: 2, sleep: 0.6), heartbeat: "500ms")
        let steady = try ChildProcess([
            "worker", "--connect", endpoint, "--slots", "1", "--name", "steady", "--heartbeat", "500ms",
        ])
        defer { steady.stop() }
        let caches = try temporaryDirectory()
        let leaving = try ChildProcess([
            "worker", "--connect", endpoint, "--slots", "1", "--name", "leaving", "--heartbeat", "500ms",
            "--cache", caches.appendingPathComponent("leaving").path,
        ])
        #expect(Self.awaitTaskStarted(cache: caches.appendingPathComponent("leaving")))
        leaving.signal(SIGTERM)
        #expect(leaving.awaitExit(timeout: 30) == 0)
        #expect(coordinator.awaitLine(containing: "worker left: leaving on", timeout: 10) != nil)
        let impatient = try ChildProcess([
            "worker", "--connect", endpoint, "--slots", "1", "--name", "impatient", "--heartbeat", "500ms",
            "--cache", caches.appendingPathComponent("impatient").path,
        ])
        #expect(Self.awaitTaskStarted(cache: caches.appendingPathComponent("impatient")))
        impatient.signal(SIGTERM)
        #expect(impatient.awaitLine(containing: "draining") != nil)
        impatient.signal(SIGTERM)
        #expect(impatient.awaitExit(timeout: 30) == 0)
        // Heartbeats every 500 ms here (liveness 1.5 s): at 250 ms a coordinator starved of CPU by
        // the other suites could drop the worker as silent before its goodbye arrived.
        let left = try #require(
            coordinator.awaitLine(containing: "worker left: impatient", timeout: 10),
            "coordinator said: \(coordinator.stderrLines.suffix(15).joined(separator: "\n"))")
        #expect(left.contains("re-queued 1 tasks"), "the cancelled task goes back at once: \(left)")
        #expect(coordinator.awaitExit() == 0)
        try Self.checkBooks(out, tasks: 12)
        let rows = try readResults(out)
        #expect(
            rows.contains { $0["worker"] == "leaving" }, "the draining worker's running task was delivered and counted")
        #expect(!rows.contains { $0["worker"] == "impatient" })
    }

    @Test func aSendToADepartedWorkerIsAnErrorAndItsTasksGoBackAtOnce() throws {
        // Heartbeats every 2 s would take 6 s to notice silence; the failed send notices sooner.
        let (coordinator, endpoint, out) = try startCoordinator(
            Self.spec(trials: 6, folds: 2, sleep: 0.3), heartbeat: "2s")
        let survivor = try ChildProcess([
            "worker", "--connect", endpoint, "--slots", "1", "--name", "survivor", "--heartbeat", "2s",
        ])
        defer { survivor.stop() }
        let victim = try ChildProcess([
            "worker", "--connect", endpoint, "--slots", "1", "--name", "victim", "--heartbeat", "2s",
        ])
        #expect(victim.awaitLine(containing: "registered with the coordinator") != nil)
        victim.signal(SIGKILL)
        let lost = try #require(coordinator.awaitLine(containing: "worker lost: victim"))
        #expect(lost.contains("(disconnected)"), "\(lost)")
        #expect(coordinator.awaitExit() == 0)
        try Self.checkBooks(out, tasks: 12)
    }

    @Test func aRestartedWorkerSupersedesItsOldIncarnation() throws {
        let (coordinator, endpoint, out) = try startCoordinator(
            Self.spec(trials: 6, folds: 2, sleep: 0.3), heartbeat: "5s")
        let first = try ChildProcess([
            "worker", "--connect", endpoint, "--slots", "1", "--name", "same", "--heartbeat", "5s",
        ])
        #expect(first.awaitLine(containing: "registered with the coordinator") != nil)
        first.signal(SIGSTOP)  // alive but silent: its lease stays live for 15 s
        let second = try ChildProcess([
            "worker", "--connect", endpoint, "--slots", "1", "--name", "same", "--heartbeat", "5s",
        ])
        defer { first.signal(SIGKILL); second.stop() }
        let superseded = try #require(coordinator.awaitLine(containing: "worker lost: same"))
        #expect(superseded.contains("superseded by a new incarnation"))
        #expect(coordinator.awaitExit() == 0)
        try Self.checkBooks(out, tasks: 12)
    }

    /// Issue 12 item 3: a task still running from a stopped sweep must not hold the worker's
    /// slot in the next sweep on the same address (it is cancelled; its result is dropped).
    @Test func aNewSweepOnTheSameAddressIsNotBlockedByTheOldSweepsTask() throws {
        let (first, endpoint, _) = try startCoordinator(Self.spec(trials: 1, folds: 2, sleep: 30), heartbeat: "250ms")
        let caches = try temporaryDirectory()
        let worker = try ChildProcess([
            "worker", "--connect", endpoint, "--slots", "1", "--name", "w", "--heartbeat", "250ms",
            "--cache", caches.path,
        ])
        defer { worker.stop() }
        #expect(Self.awaitTaskStarted(cache: caches))
        first.signal(SIGINT)
        _ = first.awaitExit()
        let directory = try temporaryDirectory()
        try Self.spec(trials: 2, folds: 2, sleep: 0.1).write(
            to: directory.appendingPathComponent("spec.yaml"), atomically: true, encoding: .utf8)
        let out = directory.appendingPathComponent("out")
        let second = try ChildProcess(
            ["coordinator", "spec.yaml", "--bind", endpoint, "--out", out.path, "--heartbeat", "250ms"],
            directory: directory)
        #expect(second.awaitExit(timeout: 25) == 0, "\(second.stderrLines.suffix(10).joined(separator: "\n"))")
        try Self.checkBooks(out, tasks: 4)
        #expect(worker.awaitLine(containing: "cancelled 1 running tasks of sweep") != nil)
    }

    /// Issue 12 item 7: two live workers with the same name evicted each other ("superseded" 46
    /// times in 14 s). Now the older one is superseded once, then refused with a clear message.
    @Test func twoLiveWorkersWithOneNameDoNotEvictEachOther() throws {
        let (coordinator, endpoint, out) = try startCoordinator(
            Self.spec(trials: 8, folds: 2, sleep: 0.3), heartbeat: "250ms")
        let arguments = ["worker", "--connect", endpoint, "--slots", "1", "--name", "same", "--heartbeat", "250ms"]
        let first = try ChildProcess(arguments)
        defer { first.stop() }
        #expect(first.awaitLine(containing: "registered with the coordinator") != nil)
        let second = try ChildProcess(arguments)
        defer { second.stop() }
        let refused = try #require(first.awaitLine(containing: "the coordinator rejected us"))
        #expect(refused.contains("worker name 'same'"), "\(refused)")
        #expect(coordinator.awaitExit() == 0)
        try Self.checkBooks(out, tasks: 16)
        let superseded = coordinator.stderrLines.filter { $0.contains("superseded by a new incarnation") }
        #expect(superseded.count == 1, "\(superseded)")
    }
}
