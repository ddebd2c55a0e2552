import Foundation
import GRDB
import Testing

/// `sweep retrain` refusing bad input with a clear error and exit status 2 (64 for a bad option
/// value), writing nothing and leaving the previous run as it was; and a command trainer's run,
/// which has no model file, compared by configurations.
@Suite(.serialized)
struct RetrainBadInputClusterTests {
    /// A project of its own: the other suite's retrains write beside its previous run.
    static let project = Result { try RetrainClusterTests.makeProject() }

    /// The retrain's directory listing of runs/ and the previous run's files, before and after.
    func refuses(_ arguments: [String], status: Int32 = 2, saying message: String) throws {
        let directory = try Self.project.get()
        let runs = directory.appendingPathComponent("runs")
        let listing = try FileManager.default.contentsOfDirectory(atPath: runs.path).sorted()
        let old = try RetrainClusterTests.snapshot(runs.appendingPathComponent("old"))
        let command = try RetrainClusterTests.retrain(arguments, in: directory)
        #expect(command.status == status, "\(command.transcript)")
        #expect(command.stderr.contains(message), "\(command.transcript)")
        #expect(!command.stderr.contains("Fatal error") && !command.stderr.contains("Stack"), "\(command.transcript)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: runs.path).sorted() == listing, "nothing written")
        #expect(try RetrainClusterTests.snapshot(runs.appendingPathComponent("old")) == old)
    }

    @Test func aDirectoryThatIsNoRunIsRefused() throws {
        try refuses(["runs", "--data", "new.csv"], saying: "runs is not a run directory: it has no run.db")
    }

    @Test func missingOrNarrowDataIsRefusedNamingWhatLacks() throws {
        let directory = try Self.project.get()
        try refuses(["runs/old", "--data", "gone.csv"], saying: "cannot read the new data gone.csv: no such file")
        try refuses(["runs/old", "--data", "runs"], saying: "the new data runs is a directory: give a CSV file")
        try refuses(["runs/old", "--data", "/dev/null"], saying: "the new data /dev/null is not a regular file")
        try "a,y\n1,yes\n2,no\n".write(
            to: directory.appendingPathComponent("narrow.csv"), atomically: true, encoding: .utf8)
        try refuses(
            ["runs/old", "--data", "narrow.csv"],
            saying: "the new data narrow.csv lacks a column the previous run used: b (the new data has: a, y)")
    }

    @Test func anUnfinishedSweepIsRefusedAskingForAResume() throws {
        let directory = try Self.project.get()
        let copy = directory.appendingPathComponent("runs/unfinished")
        if !FileManager.default.fileExists(atPath: copy.path) {
            try FileManager.default.copyItem(at: directory.appendingPathComponent("runs/old"), to: copy)
            try DatabaseQueue(path: copy.appendingPathComponent("run.db").path).write { db in
                try db.execute(sql: "UPDATE sweep SET status = 'running', coordinator_pid = 1, finished_at = NULL")
            }
        }
        try refuses(["runs/unfinished", "--data", "new.csv"], saying: "has not finished (it is interrupted)")
        try refuses(["runs/unfinished", "--data", "new.csv"], saying: "`sweep resume")
    }

    @Test func aModelFileOfAnotherVersionIsRefused() throws {
        let directory = try Self.project.get()
        let copy = directory.appendingPathComponent("runs/future")
        if !FileManager.default.fileExists(atPath: copy.path) {
            try FileManager.default.copyItem(at: directory.appendingPathComponent("runs/old"), to: copy)
            let model = copy.appendingPathComponent("model.json")
            let text = try String(contentsOf: model, encoding: .utf8)
            try text.replacingOccurrences(of: "\"version\":1", with: "\"version\":99").write(
                to: model, atomically: true, encoding: .utf8)
        }
        try refuses(["runs/future", "--data", "new.csv"], saying: "is a version 99 model file")
    }

    @Test func badOptionsAreRefused() throws {
        let directory = try Self.project.get()
        try refuses(["runs/old", "--data", "new.csv", "--top", "0"], status: 64, saying: "--top must be between 1 and")
        try refuses(
            ["runs/old", "--data", "new.csv", "--trials", "9223372036854775807"], status: 64,
            saying: "--trials must be between 0 and 999995 (a sweep runs at most 1000000 trials, --top 5 of them)")
        try refuses(
            ["runs/old", "--data", "new.csv", "--promote-to", "runs"],
            saying: "--promote-to runs is a directory: give the path of the model file itself")
        let full = directory.appendingPathComponent("full")
        try FileManager.default.createDirectory(at: full, withIntermediateDirectories: true)
        try "x".write(to: full.appendingPathComponent("keep"), atomically: true, encoding: .utf8)
        try refuses(
            ["runs/old", "--data", "new.csv", "--out", "full"],
            saying: "--out full exists and is not an empty directory")
        #expect(try FileManager.default.contentsOfDirectory(atPath: full.path) == ["keep"])
        try refuses(["runs/old", "--data", "new.csv", "--out", "runs/old/again"], saying: "is inside the previous run")
        try refuses(
            ["runs/old", "--data", "new.csv", "--promote-to", "runs/old/./model.json"],
            saying: "--promote-to runs/old/./model.json is inside the previous run")
    }

    /// A command trainer leaves no model file: the previous best configuration, evaluated again
    /// on the new data, is the baseline; --promote-to is refused up front.
    @Test func aCommandTrainerIsComparedByConfigurations() throws {
        let directory = try temporaryDirectory()
        let spec = """
            name: command
            data: {path: old.csv, target: y, task: classification}
            cv: {folds: 2}
            trainer: {command: [sh, -c, 'echo "@sweep {{\\"accuracy\\": 0.{x}}}"']}
            search: {algorithm: grid}
            space: {x: {values: [3, 5, 7]}}
            objective: {metric: accuracy}
            """
        try spec.write(to: directory.appendingPathComponent("spec.yaml"), atomically: true, encoding: .utf8)
        for (name, seed) in [("old.csv", UInt64(1)), ("new.csv", 2)] {
            try RetrainClusterTests.csv(rows: 40, seed: seed, boundary: "a").write(
                to: directory.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        let run = try FinishedCommand(
            ["run", "spec.yaml", "--workers", "1", "--out", "runs/old"], directory: directory)
        #expect(run.status == 0, "\(run.transcript)")
        let refused = try RetrainClusterTests.retrain(
            ["runs/old", "--data", "new.csv", "--promote-to", "model.json"], in: directory)
        #expect(refused.status == 2 && refused.stderr.contains("has none (a command trainer"), "\(refused.transcript)")
        let again = try RetrainClusterTests.retrain(["runs/old", "--data", "new.csv", "--top", "2"], in: directory)
        #expect(again.status == 0, "\(again.transcript)")
        let record = try RetrainClusterTests.record(directory.appendingPathComponent("runs/old-retrain-1"))
        let baseline = try #require(record["baseline"] as? [String: Any])
        #expect(baseline["kind"] as? String == "configuration" && baseline["trial"] as? Int == 0)
        #expect(baseline["score"] as? Double == 0.7 && record["promoted"] as? Bool == false, "\(record)")
        #expect(
            try RetrainClusterTests.params(directory.appendingPathComponent("runs/old-retrain-1")) == [
                "{\"x\": 7}", "{\"x\": 5}",
            ])
    }
}
