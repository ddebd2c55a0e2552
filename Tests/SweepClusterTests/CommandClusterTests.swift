import Foundation
import Testing

/// Command trainers across separately started processes: files shipped by hash into a worker's own
/// cache (no shared filesystem), reused by the next sweep, and GPU ids never shared.
@Suite(.serialized)
struct CommandClusterTests {
    /// A spec directory with data and a workdir holding the program.
    func makeProject(script: String, spec: String) throws -> URL {
        let directory = try temporaryDirectory()
        let code = directory.appendingPathComponent("code")
        try FileManager.default.createDirectory(at: code, withIntermediateDirectories: true)
        try script.write(to: code.appendingPathComponent("train.sh"), atomically: true, encoding: .utf8)
        let rows = (0..<30).map { "\($0),\($0 % 2 == 0 ? "even" : "odd")" }.joined(separator: "\n")
        try ("n,label\n" + rows + "\n").write(
            to: directory.appendingPathComponent("data.csv"), atomically: true, encoding: .utf8)
        try spec.write(to: directory.appendingPathComponent("spec.yaml"), atomically: true, encoding: .utf8)
        return directory
    }

    func coordinator(_ project: URL, out: String) throws -> (ChildProcess, String) {
        let process = try ChildProcess(
            [
                "coordinator", "spec.yaml", "--bind", "tcp://127.0.0.1:*", "--out", out,
                "--heartbeat", "250ms",
            ], directory: project)
        let serving = try #require(process.awaitLine(containing: "serving sweep"))
        let endpoint = try #require(serving.split(separator: " ").first { $0.hasPrefix("tcp://") }).dropLast()
        return (process, String(endpoint))
    }

    @Test func dataAndWorkdirAreShippedOnceAndReusedByTheNextSweep() throws {
        let project = try makeProject(
            script: """
                rows=$(($(wc -l < "$SWEEP_VALID_CSV") - 1))
                echo "@sweep {\\"rows\\": $rows, \\"x\\": $1}"
                """,
            spec: """
                data: {path: data.csv, target: label, task: classification}
                cv: {folds: 3}
                trainer: {command: [sh, train.sh, "{x}"], workdir: code}
                space: {x: {values: [1, 2]}}
                objective: {metric: rows, goal: maximize}
                """)
        // The worker runs elsewhere, with its own empty cache: nothing is shared but the socket.
        let elsewhere = try temporaryDirectory()
        let (first, endpoint) = try coordinator(project, out: project.appendingPathComponent("run1").path)
        let worker = try ChildProcess(
            [
                "worker", "--connect", endpoint, "--slots", "2", "--name", "remote",
                "--cache", elsewhere.appendingPathComponent("cache").path, "--heartbeat", "250ms",
            ],
            directory: elsewhere)
        defer { worker.stop() }
        #expect(first.awaitExit() == 0, "\(first.stderrLines.joined(separator: "\n"))")
        let rows = try readResults(project.appendingPathComponent("run1"))
        #expect(rows.count == 6)
        #expect(rows.allSatisfy { $0["status"] == "ok" })
        // Stratified 3 folds of 30 rows: 10 validation rows each.
        #expect(rows.allSatisfy { $0["rows"] == "10.0" })
        #expect(worker.stderrLines.filter { $0.contains("fetching file") }.count == 2)

        // The same files again, from a second coordinator on the same port: taken from the cache.
        let port = String(endpoint.split(separator: ":").last!)
        let second = try ChildProcess(
            [
                "coordinator", "spec.yaml", "--bind", "tcp://127.0.0.1:\(port)", "--out", "run2",
                "--heartbeat", "250ms",
            ], directory: project)
        #expect(second.awaitExit() == 0, "\(second.stderrLines.joined(separator: "\n"))")
        #expect(worker.stderrLines.filter { $0.contains("using cached file") }.count == 2)
        #expect(worker.stderrLines.filter { $0.contains("fetching file") }.count == 2, "no second transfer")
    }

    @Test func tasksGetTheirOwnGPUsAndWaitWhenNoWorkerHasEnough() throws {
        let log = try temporaryDirectory().appendingPathComponent("gpus.log")
        let project = try makeProject(
            script: """
                echo "start $SWEEP_GPUS" >> "$GPU_LOG"
                sleep 0.2
                echo "end $SWEEP_GPUS" >> "$GPU_LOG"
                echo '@sweep {"score": 1}'
                """,
            spec: """
                cv: {folds: 2}
                trainer: {command: [sh, train.sh], workdir: code, env: {GPU_LOG: "\(log.path)"}, resources: {gpus: 2}}
                space: {x: {values: [1, 2, 3, 4]}}
                objective: {metric: score, goal: maximize}
                """)
        let (coordinator, endpoint) = try coordinator(project, out: project.appendingPathComponent("run").path)
        let small = try ChildProcess([
            "worker", "--connect", endpoint, "--slots", "4", "--gpus", "7", "--name", "small",
            "--heartbeat", "250ms", "--cache", project.appendingPathComponent("cache-small").path,
        ])
        defer { small.stop() }
        #expect(coordinator.awaitLine(containing: "waiting: needs 2 GPUs, largest worker has 1") != nil)
        let big = try ChildProcess([
            "worker", "--connect", endpoint, "--slots", "4", "--gpus", "0,1,2,3,4", "--name", "big",
            "--heartbeat", "250ms", "--cache", project.appendingPathComponent("cache-big").path,
        ])
        defer { big.stop() }
        #expect(coordinator.awaitExit() == 0, "\(coordinator.stderrLines.joined(separator: "\n"))")
        let rows = try readResults(project.appendingPathComponent("run"))
        #expect(rows.count == 8 && rows.allSatisfy { $0["worker"] == "big" })
        // Replay the log: a GPU id is never held by two running tasks at once, and at most two
        // tasks (2 GPUs each of 5) ran together.
        var held = Set<String>()
        var concurrent = 0, most = 0
        for line in try String(contentsOf: log, encoding: .utf8).split(separator: "\n") {
            let parts = line.split(separator: " ")
            let ids = parts[1].split(separator: ",").map(String.init)
            #expect(ids.count == 2)
            if parts[0] == "start" {
                #expect(held.isDisjoint(with: ids), "GPU shared: \(ids) while \(held) held")
                held.formUnion(ids)
                concurrent += 1
                most = max(most, concurrent)
            } else {
                held.subtract(ids)
                concurrent -= 1
            }
        }
        #expect(most == 2)
    }

    @Test func failuresKeepTheirStderrTailInTheRunDirectory() throws {
        let project = try makeProject(
            script: """
                echo "preparing fold $SWEEP_FOLD" >&2
                echo "CUDA out of memory (pretend)" >&2
                exit 2
                """,
            spec: """
                cv: {folds: 2}
                trainer: {command: [sh, train.sh], workdir: code}
                space: {x: 1}
                objective: {metric: score, goal: maximize}
                limits: {max_attempts: 2}
                """)
        let run = try ChildProcess(["run", "spec.yaml", "--workers", "1", "--out", "out"], directory: project)
        #expect(run.awaitExit() == 1, "no trial succeeded")
        let out = project.appendingPathComponent("out")
        let rows = try readResults(out)
        #expect(rows.count == 2 && rows.allSatisfy { $0["status"] == "failed" && $0["attempt"] == "2" })
        #expect(rows.allSatisfy { $0["error"] == "exited with status 2" })
        let log = try String(
            contentsOf: out.appendingPathComponent("logs/trial-0-fold-1-attempt-2.log"), encoding: .utf8)
        #expect(log.contains("preparing fold 1\nCUDA out of memory (pretend)"))
        let report = try String(contentsOf: out.appendingPathComponent("report.md"), encoding: .utf8)
        #expect(report.contains("exited with status 2"))
    }
}
