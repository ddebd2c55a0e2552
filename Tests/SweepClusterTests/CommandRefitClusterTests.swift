import Foundation
import Glibc
import Testing

/// `refit: true` with a command trainer: the program runs once more on every search row
/// (SWEEP_REFIT=1, SWEEP_FOLD=-1, no validation file) and what it saves becomes RUN/model/.
@Suite(.serialized)
struct CommandRefitClusterTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    @Test func theRefitSeesEverySearchRowAndItsFilesBecomeTheModel() throws {
        let script = """
            if [ "$SWEEP_REFIT" = 1 ]; then
              echo "$SWEEP_FOLD ${SWEEP_VALID_CSV:-none} $(($(wc -l < "$SWEEP_TRAIN_CSV") - 1)) $1" > "$SWEEP_ARTIFACTS/env.txt"
              exit 0
            fi
            echo "@sweep {\\"score\\": $1}"
            """
        let project = try ArtifactClusterTests.project(
            script: script,
            spec: """
                data: {path: data.csv, target: label, task: classification}
                cv: {folds: 3, test_size: 0.2}
                trainer: {command: [sh, train.sh, "{x}"], workdir: code}
                space: {x: {values: [1, 3, 2]}}
                objective: {metric: score, goal: maximize}
                refit: true
                """)
        let rows = (0..<30).map { "\($0),\($0 % 2 == 0 ? "even" : "odd")" }.joined(separator: "\n")
        try ("n,label\n" + rows + "\n").write(
            to: project.appendingPathComponent("data.csv"), atomically: true, encoding: .utf8)
        let run = try ChildProcess(["run", "spec.yaml", "--workers", "1", "--out", "out"], directory: project)
        #expect(run.awaitExit() == 0, "\(run.stderrLines.suffix(30).joined(separator: "\n"))")
        let out = project.appendingPathComponent("out")
        // 30 rows, 6 held out: the refit trains on the 24 search rows with the best x.
        let env = try String(contentsOf: out.appendingPathComponent("model/env.txt"), encoding: .utf8)
        #expect(env == "-1 none 24 3\n")
        let best = try String(contentsOf: out.appendingPathComponent("best.json"), encoding: .utf8)
        #expect(best.contains("\"model\" : \"model/\"") || best.contains("\"model\":\"model/\""), "\(best)")
    }

    @Test func aFailedRefitLeavesTheSweepsResultAndSaysWhy() throws {
        let script = """
            if [ "$SWEEP_REFIT" = 1 ]; then echo "no memory left" >&2; exit 3; fi
            echo "@sweep {\\"score\\": $1}"
            """
        let project = try ArtifactClusterTests.project(
            script: script, spec: ArtifactClusterTests.spec(policy: "best", extra: "refit: true"))
        let run = try ChildProcess(["run", "spec.yaml", "--workers", "1", "--out", "out"], directory: project)
        #expect(run.awaitExit() == 0, "\(run.stderrLines.suffix(30).joined(separator: "\n"))")
        let out = project.appendingPathComponent("out")
        #expect(try readResults(out).allSatisfy { $0["status"] == "ok" })
        #expect(!FileManager.default.fileExists(atPath: out.appendingPathComponent("model").path))
        let report = try String(contentsOf: out.appendingPathComponent("report.md"), encoding: .utf8)
        #expect(report.contains("the refit failed: exited with status 3"), "\(report)")
    }

    /// Ctrl-C during a long refit stops its program; the sweep's result stands.
    @Test func aSignalStopsALongRefit() throws {
        let root = try temporaryDirectory()
        let marker = root.appendingPathComponent("refitting")
        let script = """
            if [ "$SWEEP_REFIT" = 1 ]; then
              touch "\(marker.path)"
              while true; do sleep 0.05; done
            fi
            echo "@sweep {\\"score\\": $1}"
            """
        let project = try ArtifactClusterTests.project(
            script: script, spec: ArtifactClusterTests.spec(policy: "best", extra: "refit: true"))
        let run = try ChildProcess(["run", "spec.yaml", "--workers", "1", "--out", "out"], directory: project)
        defer { run.stop() }
        #expect(awaitCondition(timeout: 60) { FileManager.default.fileExists(atPath: marker.path) })
        run.signal(SIGINT)
        #expect(run.awaitExit() == 0, "\(run.stderrLines.suffix(30).joined(separator: "\n"))")
        let report = try String(
            contentsOf: project.appendingPathComponent("out/report.md"), encoding: .utf8)
        #expect(report.contains("No model file: the refit was stopped by a signal"), "\(report)")
    }

    @Test(.enabled(if: InteropPython.unavailableReason == nil, "\(InteropPython.unavailableReason ?? "")"))
    func thePythonSklearnExampleRefitsAPipelinePythonCanLoad() throws {
        let example = Self.repository.appendingPathComponent("examples/python-sklearn")
        let data = Self.repository.appendingPathComponent("examples/datasets/breast_cancer.csv")
        let project = try temporaryDirectory()
        try """
        name: breast-cancer-refit
        data: {path: \(data.path), target: target, task: classification}
        cv: {folds: 3, stratified: true, shuffle: true, seed: 0}
        trainer: {command: ["\(InteropPython.python)", "train.py"], workdir: \(example.path)}
        search: {algorithm: random, trials: 2, seed: 0}
        space:
          learning_rate: {values: [0.1]}
          max_depth: {values: [1, 2]}
          n_estimators: {values: [50]}
        objective: {metric: accuracy, goal: maximize}
        refit: true
        """.write(to: project.appendingPathComponent("spec.yaml"), atomically: true, encoding: .utf8)
        let run = try ChildProcess(["run", "spec.yaml", "--workers", "2", "--out", "out"], directory: project)
        #expect(run.awaitExit(timeout: 600) == 0, "\(run.stderrLines.suffix(30).joined(separator: "\n"))")
        let out = project.appendingPathComponent("out")
        #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("model/model.pkl").path))
        // The best trial's folds brought their own pickles back too (policy best, the default).
        let folds = ArtifactClusterTests.taskDirectories(out)
        #expect(Set(folds.map { $0.prefix { $0 != "f" } }).count == 1 && folds.count == 3, "\(folds)")
        for fold in folds {
            #expect(
                FileManager.default.fileExists(atPath: out.appendingPathComponent("artifacts/\(fold)/model.pkl").path))
        }
        let check = InteropPython.run(
            [
                "-c",
                """
                import pickle, pandas
                saved = pickle.load(open("out/model/model.pkl", "rb"))
                frame = pandas.read_csv("\(data.path)")
                predicted = saved["pipeline"].predict(frame[saved["features"]].values.tolist())
                accuracy = (predicted.astype(str) == frame["target"].astype(str)).mean()
                print(accuracy)
                assert accuracy > 0.9, accuracy
                """,
            ], directory: project)
        #expect(check.status == 0, "\(check.output)")
    }
}
