import Foundation
import Glibc
import Testing

/// What a worker leaves on its host: no trainer descendant outlives it, even when it is killed
/// with SIGKILL, and task directories go once their results are delivered.
@Suite(.serialized)
struct TrainerProcessClusterTests {
    /// True once `pid` is gone or a zombie (bounded wait for a failing test).
    static func awaitGone(_ pid: pid_t, within seconds: Double = 10) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                let close = stat.lastIndex(of: ")")
            else { return true }
            let state = stat[stat.index(close, offsetBy: 2)]
            if state == "Z" || state == "X" { return true }
            usleep(10_000)
        }
        return false
    }

    /// The worker is killed (SIGKILL), or told twice to stop (the second SIGTERM exits at once).
    @Test(arguments: [[SIGKILL], [SIGTERM, SIGTERM]])
    func noTrainerDescendantOutlivesAKilledWorker(signals: [Int32]) throws {
        let pids = try temporaryDirectory().appendingPathComponent("pids")
        let project = try CommandClusterTests().makeProject(
            script: """
                echo $$ >> "$PIDS"
                sleep 300 &
                echo $! >> "$PIDS"
                setsid sh -c 'echo $$ >> "$PIDS"; exec sleep 300' &
                ( ( sleep 300 & echo $! >> "$PIDS" ) & )
                sleep 300
                """,
            spec: """
                cv: {folds: 2}
                trainer: {command: [sh, train.sh], workdir: code, env: {PIDS: "\(pids.path)"}}
                space: {x: 1}
                objective: {metric: score, goal: maximize}
                """)
        let (coordinator, endpoint) = try CommandClusterTests().coordinator(
            project, out: project.appendingPathComponent("run").path)
        defer { coordinator.stop() }
        let worker = try ChildProcess([
            "worker", "--connect", endpoint, "--slots", "2", "--name", "doomed", "--heartbeat", "250ms",
            "--cache", project.appendingPathComponent("cache").path,
        ])
        defer { worker.stop() }
        // Two tasks, four processes each.
        let deadline = Date().addingTimeInterval(60)
        var started: [pid_t] = []
        while started.count < 8 && Date() < deadline {
            started = ((try? String(contentsOf: pids, encoding: .utf8)) ?? "").split(separator: "\n").compactMap {
                pid_t($0)
            }
            usleep(10_000)
        }
        #expect(started.count == 8, "the trainers did not start: \(started)")
        if signals.count > 1 {
            worker.signal(signals[0])
            #expect(worker.awaitLine(containing: "draining") != nil)
        }
        worker.signal(signals.last!)
        #expect(worker.awaitExit() != nil)
        for pid in started { #expect(Self.awaitGone(pid), "trainer process \(pid) outlived its killed worker") }
    }

    /// A two-trial sweep on one worker; the worker's task directories afterwards.
    func taskDirectories(keep: Bool) throws -> [String] {
        let project = try CommandClusterTests().makeProject(
            script: "echo \"@sweep {\\\"score\\\": $(wc -l < \"$SWEEP_TRAIN_CSV\")}\"",
            spec: """
                data: {path: data.csv, target: label, task: classification}
                cv: {folds: 3}
                trainer: {command: [sh, train.sh], workdir: code}
                space: {x: {values: [1, 2]}}
                objective: {metric: score, goal: maximize}
                """)
        let (coordinator, endpoint) = try CommandClusterTests().coordinator(
            project, out: project.appendingPathComponent("run").path)
        let cache = project.appendingPathComponent("cache")
        let worker = try ChildProcess(
            [
                "worker", "--connect", endpoint, "--slots", "2", "--name", "tidy", "--heartbeat", "250ms",
                "--cache", cache.path,
            ] + (keep ? ["--keep-task-dirs"] : []))
        defer { worker.stop() }
        #expect(coordinator.awaitExit() == 0, "\(coordinator.stderrLines.joined(separator: "\n"))")
        #expect(worker.awaitLine(containing: "finished; waiting for the next one") != nil)
        let tasks = cache.appendingPathComponent("tasks")
        let deadline = Date().addingTimeInterval(30)
        var left = try FileManager.default.contentsOfDirectory(atPath: tasks.path)
        while !keep && !left.isEmpty && Date() < deadline {
            usleep(10_000)
            left = try FileManager.default.contentsOfDirectory(atPath: tasks.path)
        }
        return left
    }

    @Test func taskDirectoriesGoOnceTheirResultsAreDelivered() throws {
        #expect(try taskDirectories(keep: false) == [])
        #expect(try taskDirectories(keep: true).count == 6)
    }

    @Test func sweepRunKeepsTaskDirectoriesOnlyWhenAsked() throws {
        for keep in [false, true] {
            let project = try CommandClusterTests().makeProject(
                script: "echo '@sweep {\"score\": 1}'",
                spec: """
                    cv: {folds: 3}
                    trainer: {command: [sh, train.sh], workdir: code}
                    space: {x: {values: [1, 2]}}
                    objective: {metric: score, goal: maximize}
                    """)
            let cache = project.appendingPathComponent("cache")
            let run = try FinishedCommand(
                ["run", "spec.yaml", "--workers", "1", "--out", "out"] + (keep ? ["--keep-task-dirs"] : []),
                directory: project, environment: ["SWEEP_CACHE": cache.path])
            #expect(run.status == 0, "\(run.transcript)")
            let left = try FileManager.default.contentsOfDirectory(atPath: cache.appendingPathComponent("tasks").path)
            #expect(left.count == (keep ? 6 : 0), "keep: \(keep), left: \(left)")
        }
    }
}
