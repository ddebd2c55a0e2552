import Foundation
import Testing

/// The built `sweep` binary when what it is given is wrong: a bad spec, a missing run directory,
/// a key file that cannot be used, a worker whose key is not allowed. Each ends with a fixed exit
/// status and a message that names what to fix; these tests pin both.
@Suite(.serialized)
struct CLIFailureClusterTests {
    static let badSpec = """
        name: bad
        cv: {folds: 0}
        trainer: {model: noop}
        space: {score: 1}
        objective: {metric: score}
        """

    static let goodSpec = """
        name: good
        cv: {folds: 2}
        trainer: {model: noop}
        space: {score: {values: [1, 2]}}
        objective: {metric: score, goal: maximize}
        """

    func project(_ spec: String) throws -> URL {
        let directory = try temporaryDirectory()
        try spec.write(to: directory.appendingPathComponent("spec.yaml"), atomically: true, encoding: .utf8)
        return directory
    }

    @Test(arguments: [
        ["validate", "spec.yaml"], ["run", "spec.yaml", "--out", "out"],
        ["coordinator", "spec.yaml", "--bind", "tcp://127.0.0.1:*", "--out", "out"],
    ])
    func aBadSpecExits2NamingTheFieldAndLine(_ arguments: [String]) throws {
        let directory = try project(Self.badSpec)
        let command = try FinishedCommand(arguments, directory: directory)
        #expect(command.status == 2, "\(command.transcript)")
        #expect(
            command.stderr.contains("spec.yaml: 1 problem\n  line 2: cv.folds: expected an integer ≥ 1, got 0"),
            "\(command.transcript)")
        #expect(command.stdout.isEmpty)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["spec.yaml"], "nothing written")
    }

    @Test func aMissingSpecFileExits2() throws {
        let command = try FinishedCommand(["validate", "nowhere.yaml"], directory: try temporaryDirectory())
        #expect(command.status == 2, "\(command.transcript)")
        #expect(command.stderr.contains("cannot read spec file 'nowhere.yaml'"), "\(command.transcript)")
    }

    @Test func aGoodSpecValidatesOnStandardOutput() throws {
        let command = try FinishedCommand(["validate", "spec.yaml"], directory: try project(Self.goodSpec))
        #expect(command.status == 0, "\(command.transcript)")
        #expect(command.stdout == "spec.yaml: ok — 'good': 2 trials × 2 folds = 4 tasks (grid)\n")
    }

    @Test(arguments: [["status"], ["status", "--json"], ["resume"], ["report"], ["report", "--format", "json"]])
    func aMissingRunDirectoryExits2(_ command: [String]) throws {
        let root = try temporaryDirectory()
        try FileManager.default.createDirectory(
            at: root.appendingPathComponent("empty"), withIntermediateDirectories: true)
        for directory in ["nowhere", "empty"] {
            let finished = try FinishedCommand(command.prefix(1) + [directory] + command.dropFirst(), directory: root)
            #expect(finished.status == 2, "\(finished.transcript)")
            #expect(
                finished.stderr.contains(
                    "error: \(directory) has no run.db: it is not a run directory of this version of sweep"),
                "\(finished.transcript)")
            #expect(finished.stdout.isEmpty)
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("empty").path).isEmpty)
        #expect(
            !FileManager.default.fileExists(atPath: root.appendingPathComponent("nowhere").path),
            "resume creates nothing")
    }

    @Test func aFinishedRunHasAStatusInTextAndJSON() throws {
        let directory = try project(Self.goodSpec)
        let run = try FinishedCommand(
            ["run", "spec.yaml", "--workers", "1", "--out", "out"], directory: directory, timeout: 120)
        #expect(run.status == 0, "\(run.transcript)")
        #expect(
            run.stdout.contains("best: trial 1 score=2 — score 2.0000 ± 0.0000 over 2 folds\n"), "\(run.transcript)")
        #expect(run.stdout.hasSuffix("run directory: out\n"))

        let text = try FinishedCommand(["status", "out"], directory: directory)
        #expect(text.status == 0, "\(text.transcript)")
        for phrase in [
            "sweep 'good': finished", "tasks: 4/4 counted (4 ok, 0 failed), 0 not yet; 2 trials",
            "best so far: trial 1 {\"score\": 2} — score 2.0000",
        ] {
            #expect(text.stdout.contains(phrase), "\(text.transcript)")
        }
        let json = try FinishedCommand(["status", "out", "--json"], directory: directory)
        #expect(json.status == 0, "\(json.transcript)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(object["state"] as? String == "finished")
        #expect(object["tasks"] as? Int == 4)
        #expect(object["succeeded"] as? Int == 4)
        let best = try #require(object["best"] as? [String: Any])
        #expect(best["trial"] as? Int == 1)
        #expect(best["metric"] as? String == "score")
    }

    @Test func keygenWritesAPairOnceAndNeverOverwrites() throws {
        let directory = try temporaryDirectory()
        let first = try FinishedCommand(["keygen", "--out", "keys", "--name", "box"], directory: directory)
        #expect(first.status == 0, "\(first.transcript)")
        let keys = directory.appendingPathComponent("keys").path
        #expect(
            first.stdout == "public key: \(keys)/box.key  (give it to the other side)\n"
                + "secret key: \(keys)/box.key_secret  (keep it on this host; mode 0600)\n")
        let secret = directory.appendingPathComponent("keys/box.key_secret").path
        let mode = try #require(try FileManager.default.attributesOfItem(atPath: secret)[.posixPermissions] as? Int)
        #expect(mode == 0o600)
        let again = try FinishedCommand(["keygen", "--out", "keys", "--name", "box"], directory: directory)
        #expect(again.status == 1, "\(again.transcript)")
        #expect(again.stderr.contains("exists; choose another --name or --out (keys are never overwritten)"))
    }

    @Test func anUnusableKeyFileExits2() throws {
        let directory = try project(Self.goodSpec)
        let missing = try FinishedCommand(
            [
                "coordinator", "spec.yaml", "--bind", "tcp://127.0.0.1:*", "--key", "none.key_secret",
                "--allow", "allowed",
            ], directory: directory)
        #expect(missing.status == 2, "\(missing.transcript)")
        #expect(missing.stderr.contains("error: cannot read key file none.key_secret"), "\(missing.transcript)")

        #expect(try FinishedCommand(["keygen", "--out", "keys", "--name", "c"], directory: directory).status == 0)
        let secret = directory.appendingPathComponent("keys/c.key_secret").path
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: secret)
        let open = try FinishedCommand(
            [
                "worker", "--connect", "tcp://127.0.0.1:1", "--key", "keys/c.key_secret",
                "--server-key", "keys/c.key",
            ], directory: directory)
        #expect(open.status == 2, "\(open.transcript)")
        #expect(
            open.stderr.contains("is readable by group or others (mode 644); fix it with: chmod 600 keys/c.key_secret"),
            "\(open.transcript)")
    }

    /// A worker whose key is not allowed: the coordinator refuses it and says whose key it was,
    /// the worker says which public key to allow, and the coordinator, stopped with nothing
    /// counted, exits 1 after writing its run directory.
    @Test func aWorkerWithAnUnlistedKeyIsRefusedAndSaysSo() throws {
        let directory = try project(Self.goodSpec)
        for name in ["coordinator", "good", "stranger"] {
            #expect(try FinishedCommand(["keygen", "--out", "keys", "--name", name], directory: directory).status == 0)
        }
        let allowed = directory.appendingPathComponent("allowed")
        try FileManager.default.createDirectory(at: allowed, withIntermediateDirectories: true)
        try FileManager.default.copyItem(
            at: directory.appendingPathComponent("keys/good.key"), to: allowed.appendingPathComponent("good.key"))
        let coordinator = try ChildProcess(
            [
                "coordinator", "spec.yaml", "--bind", "tcp://127.0.0.1:*", "--out", "out",
                "--key", "keys/coordinator.key_secret", "--allow", "allowed", "--heartbeat", "250ms",
            ],
            directory: directory)
        defer { coordinator.stop() }
        let serving = try #require(coordinator.awaitLine(containing: "serving sweep"), "\(coordinator.stderrLines)")
        let endpoint = String(try #require(serving.split(separator: " ").first { $0.hasPrefix("tcp://") }).dropLast())
        let stranger = try ChildProcess(
            [
                "worker", "--connect", endpoint, "--name", "stranger", "--heartbeat", "250ms",
                "--key", "keys/stranger.key_secret", "--server-key", "keys/coordinator.key",
                "--cache", "cache",
            ], directory: directory)
        defer { stranger.stop() }

        let keyFile = try String(contentsOf: directory.appendingPathComponent("keys/stranger.key"), encoding: .utf8)
        let publicKey = try #require(keyFile.components(separatedBy: "\"").first { $0.count == 40 })
        let said = stranger.awaitLine(containing: "refused this worker's key")
        #expect(
            said?.contains(
                "the coordinator at \(endpoint) refused this worker's key; ask its operator to allow public key \(publicKey)"
            )
                == true, "\(stranger.stderrLines.joined(separator: "\n"))")
        let refusal = coordinator.awaitLine(containing: "refused a worker from 127.0.0.1")
        #expect(
            refusal?.contains("is not in the allowed keys") == true,
            "\(coordinator.stderrLines.joined(separator: "\n"))")
        #expect(coordinator.awaitLine(containing: "worker joined", timeout: 0) == nil)

        coordinator.signal(SIGTERM)
        #expect(coordinator.awaitExit() == 1, "\(coordinator.stderrLines.joined(separator: "\n"))")
        #expect(
            coordinator.awaitStdout(containing: "no trial succeeded; see out/report.md", timeout: 10),
            "\(coordinator.stdout)")
        #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent("out/run.db").path))
    }

    @Test func aPredictionWithoutAModelExits2() throws {
        let command = try FinishedCommand(["predict", "model.json", "rows.csv"], directory: try temporaryDirectory())
        #expect(command.status == 2, "\(command.transcript)")
        #expect(command.stderr.contains("error: cannot read model file model.json"))
    }
}
