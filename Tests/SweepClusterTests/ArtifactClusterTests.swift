import Foundation
import Glibc
import Testing

/// Files a command trainer leaves under $SWEEP_ARTIFACTS come back to the run directory by
/// content hash, by the policy `trainer.artifacts`; bad trees are refused without losing results.
@Suite(.serialized)
struct ArtifactClusterTests {
    /// A program that leaves a note and 1.5 MiB of random bytes (several chunks), and writes the
    /// bytes' SHA-256 as computed where it ran, for the test to compare with what arrived.
    static let writer = """
        mkdir -p "$SWEEP_ARTIFACTS/weights"
        head -c 1572864 /dev/urandom > "$SWEEP_ARTIFACTS/weights/w.bin"
        sha256sum "$SWEEP_ARTIFACTS/weights/w.bin" | cut -d' ' -f1 > "$SWEEP_ARTIFACTS/w.sha256"
        echo "@sweep {\\"score\\": $1}"
        """

    static func spec(policy: String, extra: String = "") -> String {
        """
        name: artifacts
        cv: {folds: 2}
        trainer: {command: [sh, train.sh, "{x}"], workdir: code, artifacts: \(policy)}
        search: {algorithm: grid}
        space: {x: {values: [1, 3, 2]}}
        objective: {metric: score, goal: maximize}
        \(extra)
        """
    }

    static func project(script: String, spec: String) throws -> URL {
        let directory = try temporaryDirectory()
        let code = directory.appendingPathComponent("code")
        try FileManager.default.createDirectory(at: code, withIntermediateDirectories: true)
        try script.write(to: code.appendingPathComponent("train.sh"), atomically: true, encoding: .utf8)
        try spec.write(to: directory.appendingPathComponent("spec.yaml"), atomically: true, encoding: .utf8)
        return directory
    }

    /// The trial-T-fold-F directories of a run's artifacts.
    static func taskDirectories(_ run: URL) -> [String] {
        let names = try? FileManager.default.contentsOfDirectory(atPath: run.appendingPathComponent("artifacts").path)
        return (names ?? []).filter { $0.hasPrefix("trial-") }.sorted()
    }

    /// Rows of run.db's artifacts table: "trial|fold|path|state|reason".
    static func recorded(_ run: URL) throws -> [String] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        process.arguments = [
            run.appendingPathComponent("run.db").path,
            "SELECT trial, fold, path, state, reason FROM artifacts ORDER BY trial, fold, path",
        ]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return text.split(separator: "\n").map(String.init)
    }

    @Test(
        .enabled(if: NetnsHosts.unavailableReason == nil, "\(NetnsHosts.unavailableReason ?? "")"),
        .timeLimit(.minutes(5)))
    func theBestTrialsArtifactsArriveIntactFromAnotherHost() throws {
        let hosts = try NetnsHosts(hosts: 2)
        let root = try Self.project(script: Self.writer, spec: Self.spec(policy: "best"))
        let out = root.appendingPathComponent("out")
        let endpoint = "tcp://\(hosts.address(1)):5555"
        let coordinator = try hosts.sweep(
            on: 1,
            ["coordinator", "spec.yaml", "--bind", endpoint, "--out", out.path, "--insecure", "--heartbeat", "250ms"],
            directory: root)
        defer { coordinator.stop() }
        #expect(coordinator.awaitLine(containing: "serving sweep") != nil)
        let worker = try hosts.sweep(
            on: 2,
            [
                "worker", "--connect", endpoint, "--slots", "2", "--name", "far", "--heartbeat", "250ms",
                "--cache", root.appendingPathComponent("worker-cache").path, "--insecure",
            ])
        defer { worker.stop() }
        #expect(coordinator.awaitExit() == 0, "\(coordinator.stderrLines.suffix(30).joined(separator: "\n"))")
        // x = 3 (trial 1) is best: only its two folds are kept, every byte as the worker wrote it.
        #expect(Self.taskDirectories(out) == ["trial-1-fold-0", "trial-1-fold-1"])
        for fold in 0..<2 {
            let task = out.appendingPathComponent("artifacts/trial-1-fold-\(fold)")
            let written = try String(contentsOf: task.appendingPathComponent("w.sha256"), encoding: .utf8)
            let weights = task.appendingPathComponent("weights/w.bin")
            #expect(try systemSHA256(weights) == written.trimmingCharacters(in: .whitespacesAndNewlines))
            #expect((try FileManager.default.attributesOfItem(atPath: weights.path)[.size] as? Int) == 1_572_864)
        }
        let rows = try Self.recorded(out)
        #expect(rows.filter { $0.hasPrefix("1|") }.allSatisfy { $0.contains("|arrived|") })
        #expect(rows.filter { !$0.hasPrefix("1|") }.allSatisfy { $0.contains("|dropped|") })
        #expect(rows.count == 12)
        #expect(!FileManager.default.fileExists(atPath: out.appendingPathComponent("artifacts/.blobs").path))
    }

    @Test func policyAllKeepsEveryTaskAndNoneKeepsNothing() throws {
        let all = try Self.project(script: Self.writer, spec: Self.spec(policy: "all", extra: "refit: false"))
        let run = try ChildProcess(["run", "spec.yaml", "--workers", "2", "--out", "out"], directory: all)
        #expect(run.awaitExit() == 0, "\(run.stderrLines.suffix(30).joined(separator: "\n"))")
        let out = all.appendingPathComponent("out")
        #expect(Self.taskDirectories(out).count == 6)
        #expect(try Self.recorded(out).allSatisfy { $0.contains("|arrived|") })

        let none = try Self.project(script: Self.writer, spec: Self.spec(policy: "none", extra: "refit: false"))
        let quiet = try ChildProcess(["run", "spec.yaml", "--workers", "2", "--out", "out"], directory: none)
        #expect(quiet.awaitExit() == 0, "\(quiet.stderrLines.suffix(30).joined(separator: "\n"))")
        #expect(!FileManager.default.fileExists(atPath: none.appendingPathComponent("out/artifacts").path))
    }

    /// A symbolic link and a tree over limits.max_artifact_size are refused and reported; the
    /// results count as they are, and the acceptable files of a tree still arrive.
    @Test func badTreesAreRefusedAndTheResultsKept() throws {
        let script = """
            echo "kept" > "$SWEEP_ARTIFACTS/note.txt"
            ln -s /etc/passwd "$SWEEP_ARTIFACTS/passwd"
            if [ "$1" = 2 ]; then head -c 8192 /dev/zero > "$SWEEP_ARTIFACTS/big.bin"; fi
            echo "@sweep {\\"score\\": $1}"
            """
        let project = try Self.project(
            script: script, spec: Self.spec(policy: "all", extra: "limits: {max_artifact_size: 4KiB}\nrefit: false"))
        let run = try ChildProcess(["run", "spec.yaml", "--workers", "1", "--out", "out"], directory: project)
        #expect(run.awaitExit() == 0, "\(run.stderrLines.suffix(30).joined(separator: "\n"))")
        let out = project.appendingPathComponent("out")
        #expect(try readResults(out).allSatisfy { $0["status"] == "ok" })
        let rows = try Self.recorded(out)
        // Trials 0 and 1 (x = 1, 3): the note arrives, the link is refused.
        for trial in [0, 1] {
            #expect(rows.contains("\(trial)|0|note.txt|arrived|"))
            #expect(rows.contains { $0.hasPrefix("\(trial)|0||refused|refused symbolic link 'passwd'") })
            let note = out.appendingPathComponent("artifacts/trial-\(trial)-fold-0/note.txt")
            #expect((try? String(contentsOf: note, encoding: .utf8)) == "kept\n")
        }
        // Trial 2 (x = 2): 8 KiB over the 4 KiB limit, so nothing of it travels.
        #expect(rows.contains { $0.hasPrefix("2|1||refused|") && $0.contains("over limits.max_artifact_size (4 KiB)") })
        #expect(!rows.contains { $0.hasPrefix("2|") && $0.contains("|arrived|") })
        #expect(run.stderrLines.contains { $0.contains("refused symbolic link 'passwd'") })
        let report = try String(contentsOf: out.appendingPathComponent("report.md"), encoding: .utf8)
        #expect(report.contains("## Artifacts"), "\(report)")
        #expect(report.contains("- `artifacts/trial-0-fold-0/`: 1 file, 5 bytes"), "\(report)")
        #expect(report.contains("- trial 2 fold 0 refused: refused symbolic link 'passwd'"), "\(report)")
        let html = try String(contentsOf: out.appendingPathComponent("report.html"), encoding: .utf8)
        #expect(html.contains("<li><code>artifacts/trial-0-fold-0/</code>: 1 file, 5 bytes</li>"))
    }

    /// A worker told to drain (SIGTERM) while its last task runs stays until the coordinator has
    /// fetched that task's files: its artifacts are not lost with it.
    @Test func aDrainedWorkersLastArtifactsStillArrive() throws {
        let root = try temporaryDirectory()
        let started = root.appendingPathComponent("started"), go = root.appendingPathComponent("go")
        let script = """
            head -c 3145728 /dev/urandom > "$SWEEP_ARTIFACTS/w.bin"
            sha256sum "$SWEEP_ARTIFACTS/w.bin" | cut -d' ' -f1 > "$SWEEP_ARTIFACTS/w.sha256"
            echo "$SWEEP_FOLD" >> "\(started.path)"
            while [ ! -e "\(go.path)" ]; do sleep 0.05; done
            echo "@sweep {\\"score\\": 1}"
            """
        let project = try Self.project(
            script: script,
            spec: """
                cv: {folds: 2}
                trainer: {command: [sh, train.sh], workdir: code}
                space: {x: {values: [1]}}
                objective: {metric: score, goal: maximize}
                """)
        let out = project.appendingPathComponent("out")
        let coordinator = try ChildProcess(
            ["coordinator", "spec.yaml", "--bind", "tcp://127.0.0.1:*", "--out", out.path, "--heartbeat", "250ms"],
            directory: project)
        defer { coordinator.stop() }
        let serving = try #require(coordinator.awaitLine(containing: "serving sweep"))
        let endpoint = String(try #require(serving.split(separator: " ").first { $0.hasPrefix("tcp://") }).dropLast())
        func worker(_ name: String) throws -> ChildProcess {
            try ChildProcess(
                [
                    "worker", "--connect", endpoint, "--slots", "1", "--name", name, "--heartbeat", "250ms",
                    "--cache", root.appendingPathComponent("cache-\(name)").path,
                ], directory: root)
        }
        let leaving = try worker("leaving")
        defer { leaving.stop() }
        #expect(awaitCondition(timeout: 60) { FileManager.default.fileExists(atPath: started.path) })
        leaving.signal(SIGTERM)
        try Data().write(to: go)
        #expect(leaving.awaitExit() == 0, "\(leaving.stderrLines.joined(separator: "\n"))")
        let staying = try worker("staying")
        defer { staying.stop() }
        #expect(coordinator.awaitExit() == 0, "\(coordinator.stderrLines.suffix(30).joined(separator: "\n"))")
        for fold in 0..<2 {
            let task = out.appendingPathComponent("artifacts/trial-0-fold-\(fold)")
            let written = try String(contentsOf: task.appendingPathComponent("w.sha256"), encoding: .utf8)
            #expect(
                try systemSHA256(task.appendingPathComponent("w.bin"))
                    == written.trimmingCharacters(in: .whitespacesAndNewlines))
        }
    }
}
