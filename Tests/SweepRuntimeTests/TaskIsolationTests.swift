import Foundation
import Glibc
import Testing

@testable import SweepCore
@testable import SweepProtocol
@testable import SweepRuntime

/// What a command task may and may not reach: the workdir it shares with other tasks, the wire's
/// limits, processes it leaves behind, and the order of its metric reports.
struct TaskIsolationTests {
    let trainer = CommandTrainerTests()

    /// Every file under `directory`, with its contents.
    func snapshot(_ directory: URL) -> [String: String] {
        var files: [String: String] = [:]
        for case let path as String in FileManager.default.enumerator(atPath: directory.path) ?? .init() {
            let url = directory.appendingPathComponent(path)
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), !isDirectory.boolValue {
                files[path] = (try? String(contentsOf: url, encoding: .utf8)) ?? "?"
            }
        }
        return files
    }

    @Test func workdirFilesNamedLikeTaskFilesAreNeitherReadNorChanged() throws {
        let data = try CommandData(
            csv: "a,label\n1,x\n2,y\n3,x\n4,y\n",
            plan: FoldPlan(scheme: .partition, foldsPerRepeat: 2, assignments: [[0, 1, 0, 1]]))
        let shipped = [
            "train.csv": "the user's own file\n", "valid.csv": "also the user's\n", "metrics.jsonl": "",
            "data/keep.txt": "shipped\n",
        ]
        let (result, task) = try trainer.run(
            """
            set -e
            [ "$(cat train.csv)" = "the user's own file" ]
            [ "$(cat "$SWEEP_TRAIN_CSV")" = "$(printf 'a,label\\n1,x\\n3,x')" ]
            echo new > out.txt
            echo new > data/new.txt
            echo '{"score": 1}' >> "$SWEEP_METRICS"
            """, data: data, files: shipped)
        #expect(result.succeeded, "\(result.error) \(result.log)")
        let workdir = task.deletingLastPathComponent().appendingPathComponent("code")
        var expected = shipped
        expected["train.sh"] = snapshot(workdir)["train.sh"]
        #expect(snapshot(workdir) == expected, "the shared workdir was changed by a task")
        #expect(snapshot(task.appendingPathComponent("work"))["data/new.txt"] == "new\n")
    }

    @Test func aStepReportInTheFileNeverOverwritesAFinalAndFileReportsAreLive() throws {
        let progress = CommandTrainerTests.Progress()
        let go = FileManager.default.temporaryDirectory.appendingPathComponent("sweep-go-\(UUID().uuidString)")
        // The program goes on only once its file report has arrived as progress.
        let watcher = Thread {
            while progress.lock.withLock({ progress.reports.isEmpty }) { usleep(1000) }
            _ = FileManager.default.createFile(atPath: go.path, contents: nil)
        }
        watcher.start()
        let (result, _) = try trainer.run(
            """
            echo '{"step": 1, "score": 0.5}' >> "$SWEEP_METRICS"
            while [ ! -e '\(go.path)' ]; do sleep 0.01; done
            echo '@sweep {"score": 3}'
            echo '{"step": 100, "score": 0}' >> "$SWEEP_METRICS"
            """, timeout: 60, progress: progress)
        #expect(result.succeeded, "\(result.error)")
        #expect(result.metrics["score"] == 3)
        #expect(progress.reports.map(\.0) == [1, 100])
    }

    @Test func aMetricsFileRewrittenEvenToTheSameSizeIsReadAgain() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("sweep-metrics-\(UUID().uuidString)")
        var follower = MetricsFileFollower(path: url.path)
        #expect(follower.newLines().isEmpty, "no file yet")
        try Data("{\"step\": 1, \"loss\": 5}\n".utf8).write(to: url)
        #expect(follower.newLines() == ["{\"step\": 1, \"loss\": 5}"])
        try Data("{\"step\": 2, \"loss\": 4}\n".utf8).write(to: url)  // rewritten (`>`), same size
        #expect(follower.newLines() == ["{\"step\": 2, \"loss\": 4}"])
        let handle = try FileHandle(forWritingTo: url)
        _ = try handle.seekToEnd()
        handle.write(Data("{\"score\": 3}".utf8))
        try handle.close()
        #expect(follower.newLines().isEmpty, "a line is taken once complete")
        #expect(follower.newLines(atEnd: true) == ["{\"score\": 3}"])
    }

    @Test func onlyReportsWithoutAStepAreFinal() throws {
        let (result, _) = try trainer.run(
            """
            echo '@sweep {"step": 1, "score": 1, "loss": 9}'
            echo '{"step": 2, "score": 2}' > "$SWEEP_METRICS"
            echo '@sweep {"score": 3, "loss": 0.5}'
            """)
        #expect(result.metrics == ["score": 3, "loss": 0.5])
    }

    /// A program that exits 0 after intermediate reports alone has not finished its work (the campaign's
    /// seed 42684 counted a step's half value): that is a failed attempt that says why.
    @Test func anObjectiveReportedOnlyWithAStepIsNotAFinal() throws {
        let (result, _) = try trainer.run(
            """
            echo '@sweep {"step": 1, "score": 0.5}'
            """)
        #expect(!result.succeeded)
        #expect(result.error.contains("only with a \"step\""), "\(result.error)")
    }

    @Test func whatTheWireCannotCarryIsCutAndSaid() throws {
        let long = String(repeating: "n", count: 300)
        let (result, _) = try trainer.run(
            """
            line=$(head -c 30000 /dev/zero | tr '\\0' x)
            for i in $(seq 1 50); do echo "$i $line" >&2; done
            echo '@sweep {"score": 3, "\(long)": 1}'
            """)
        #expect(result.succeeded, "\(result.error)")
        #expect(result.metrics == ["score": 3])
        #expect(result.log.utf8.count <= WireLimits.logBytes)
        let notes = result.log.split(separator: "\n").prefix(2)
        #expect(notes.first?.hasPrefix("[sweep: dropped 1 metrics whose names exceed 256 bytes: 'nnnn") == true)
        #expect(notes.last?.hasPrefix("[sweep: output cut to its last bytes") == true)
        #expect(result.log.hasSuffix("50 " + String(repeating: "x", count: 30000)))
    }

    @Test func nothingTheProgramStartedOutlivesATimeoutNotEvenInANewSession() throws {
        let pidFile = FileManager.default.temporaryDirectory.appendingPathComponent("sweep-pids-\(UUID().uuidString)")
        let (result, _) = try trainer.run(
            """
            touch "$PIDS"
            sleep 300 &
            echo $! >> "$PIDS"
            setsid sh -c 'echo $$ >> "$PIDS"; exec sleep 300' &
            ( ( sleep 300 & echo $! >> "$PIDS" ) & )
            while [ "$(wc -l < "$PIDS")" -lt 3 ]; do sleep 0.01; done
            echo ready >> "$PIDS"
            sleep 300
            """, env: ["PIDS": pidFile.path], timeout: 1)
        #expect(result.error.hasPrefix("timed out"))
        let pids = try String(contentsOf: pidFile, encoding: .utf8)
            .split(separator: "\n").compactMap { pid_t($0) }
        #expect(pids.count == 3)
        for pid in pids { #expect(awaitDeath(pid), "\(pid) outlived its task") }
    }

    @Test func nothingTheProgramStartedOutlivesItsSuccessNotEvenInANewSession() throws {
        let pidFile = FileManager.default.temporaryDirectory.appendingPathComponent("sweep-pids-\(UUID().uuidString)")
        let (result, _) = try trainer.run(
            """
            touch "$PIDS"
            setsid sh -c 'echo $$ >> "$PIDS"; exec sleep 300' &
            ( ( sleep 300 & echo $! >> "$PIDS" ) & )
            while [ "$(wc -l < "$PIDS")" -lt 2 ]; do sleep 0.01; done
            echo '@sweep {"score": 1}'
            """, env: ["PIDS": pidFile.path])
        #expect(result.succeeded, "\(result.error)")
        let pids = try String(contentsOf: pidFile, encoding: .utf8)
            .split(separator: "\n").compactMap { pid_t($0) }
        #expect(pids.count == 2)
        for pid in pids { #expect(awaitDeath(pid), "\(pid) outlived its task") }
    }
}
