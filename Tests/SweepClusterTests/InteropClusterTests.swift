import Foundation
import GRDB
import Testing

/// `sweep export` read by the real libraries: real sweeps (a command trainer with failed and
/// ASHA-stopped trials and a conditional parameter; a built-in logistic regression on iris),
/// exported with the `sweep` binary, then read by optuna, pandas, numpy, scipy and scikit-learn
/// from a venv outside the repository (see `InteropPython`). Skipped, with the reason, where
/// that venv is not there.
@Suite(
    .serialized,
    .enabled(if: InteropPython.unavailableReason == nil, "\(InteropPython.unavailableReason ?? "")"))
struct InteropClusterTests {
    /// The iris dataset of the examples.
    static let iris = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("examples/datasets/iris.csv")

    func sweep(_ spec: String, in project: URL) throws -> URL {
        try spec.write(to: project.appendingPathComponent("spec.yaml"), atomically: true, encoding: .utf8)
        let run = try ChildProcess(
            ["run", "spec.yaml", "--workers", "1", "--slots", "2", "--out", "out"], directory: project)
        #expect(run.awaitExit(timeout: 240) == 0, "\(run.stderrLines.suffix(20).joined(separator: "\n"))")
        return project.appendingPathComponent("out")
    }

    func python(_ script: String, _ arguments: [String], in project: URL) throws -> String {
        let file = project.appendingPathComponent("check-\(UUID().uuidString).py")
        try script.write(to: file, atomically: true, encoding: .utf8)
        let result = InteropPython.run([file.path] + arguments, directory: project)
        #expect(result.status == 0, "\(result.output)")
        return result.output
    }

    @Test(.timeLimit(.minutes(5)))
    func aCommandSweepWithFailedAndPrunedTrialsReadsBackInOptunaAndPandas() throws {
        let project = try temporaryDirectory()
        try InteropPython.trainer.write(
            to: project.appendingPathComponent("train.py"), atomically: true, encoding: .utf8)
        let out = try sweep(
            """
            name: interop-command
            cv: {folds: 2}
            trainer: {command: ["\(InteropPython.python)", "\(project.path)/train.py"]}
            search: {algorithm: random, trials: 12, seed: 3}
            space:
              kind: {values: [good, fair, broken]}
              lr: {loguniform: [0.001, 1]}
              layers: {int: [1, 4]}
              width: {int: [8, 64], log: true, when: {kind: good}}
              batch: {int: [16, 64], step: 16}
              dropout: {uniform: [0, 0.5], step: 0.1}
              momentum: 0.9
            early_stopping: {rule: asha, resource: step, min_resource: 1, max_resource: 9, reduction_factor: 3}
            objective: {metric: score, goal: maximize}
            limits: {max_attempts: 1}
            """, in: project)
        let book = try RunBook(out)
        let trialsCSV = try String(contentsOf: out.appendingPathComponent("trials.csv"), encoding: .utf8)
        #expect(trialsCSV.contains(",failed,"), "the sweep has a failed trial")
        #expect(try book.count("SELECT count(*) FROM decisions WHERE rule = 'asha'") >= 1, "and a pruned one")
        let storage = "sqlite:///study.db"
        let export = try FinishedCommand(["export", "out", "--to", "optuna", storage], directory: project)
        #expect(export.status == 0, "\(export.transcript)")
        #expect(export.stdout.contains("wrote study 'interop-command' (12 trials)"))
        let optuna = try python(
            InteropPython.checkOptuna, [storage, "interop-command", out.path, "score"], in: project)
        #expect(optuna.contains("optuna ok:"), "\(optuna)")
        for state in ["COMPLETE", "PRUNED", "FAIL"] {
            #expect(optuna.contains("'\(state)': ") && !optuna.contains("'\(state)': 0"), "\(optuna)")
        }
        // The same sweep again under another name, into the same storage; the same name is refused.
        let again = try FinishedCommand(["export", "out", "--to", "optuna", storage], directory: project)
        #expect(again.status == 2 && again.stderr.contains("already has a study named 'interop-command'"))
        let renamed = try FinishedCommand(
            ["export", "out", "--to", "optuna", storage, "--study-name", "second"], directory: project)
        #expect(renamed.status == 0, "\(renamed.transcript)")
        _ = try python(InteropPython.checkOptuna, [storage, "second", out.path, "score"], in: project)
        let csv = try FinishedCommand(["export", "out", "--to", "cv-results", "cv.csv"], directory: project)
        #expect(csv.status == 0, "\(csv.transcript)")
        let pandas = try python(InteropPython.checkCVResults, ["cv.csv", "maximize"], in: project)
        #expect(pandas.contains("cv-results ok: 12 rows"), "\(pandas)")
    }

    @Test(.timeLimit(.minutes(5)))
    func anIrisGridHasGridSearchCVsColumnsAndReadsBackInOptuna() throws {
        let project = try temporaryDirectory()
        let out = try sweep(
            """
            name: iris-grid
            data: {path: \(Self.iris.path), target: target, task: classification}
            cv: {folds: 3, stratified: true, shuffle: true, seed: 0}
            trainer: {model: logistic_regression}
            search: {algorithm: grid}
            space:
              C: {values: [0.01, 0.1, 1.0, 10.0]}
              max_iter: 200
            objective: {metric: accuracy, goal: maximize}
            """, in: project)
        let csv = try FinishedCommand(["export", out.path, "--to", "cv-results", "cv.csv"], directory: project)
        #expect(csv.status == 0, "\(csv.transcript)")
        let pandas = try python(InteropPython.checkCVResults, ["cv.csv", "maximize", Self.iris.path], in: project)
        #expect(pandas.contains("cv-results ok: 4 rows"), "\(pandas)")
        let export = try FinishedCommand(
            ["export", "out", "--to", "optuna", "sqlite:///\(project.path)/iris.db"], directory: project)
        #expect(export.status == 0, "\(export.transcript)")
        let optuna = try python(
            InteropPython.checkOptuna, ["sqlite:///\(project.path)/iris.db", "iris-grid", out.path, "accuracy"],
            in: project)
        #expect(optuna.contains("'COMPLETE': 4"), "\(optuna)")
    }

    /// A multi-objective, constrained sweep: optuna's directions, values and constraints, and
    /// its `best_trials` are exactly best.json's Pareto front; `plot_pareto_front` draws it.
    @Test(.timeLimit(.minutes(5)))
    func aMultiObjectiveSweepHasTheSameFrontInOptuna() throws {
        let project = try temporaryDirectory()
        let out = try sweep(
            """
            name: tradeoff
            cv: {folds: 2}
            trainer:
              command: ["\(InteropPython.python)", -c, "import sys, json; x = float(sys.argv[1]); print('@sweep ' + json.dumps(dict(accuracy=x, seconds=abs(x - 0.3), latency_ms=20 * x)))", "{x}"]
            space: {x: {uniform: [0, 1]}}
            search: {algorithm: random, trials: 14, seed: 11}
            objectives: [{metric: accuracy, goal: maximize}, {metric: seconds, goal: minimize}]
            constraints: [{metric: latency_ms, max: 12}]
            """, in: project)
        let export = try FinishedCommand(["export", "out", "--to", "optuna", "sqlite:///multi.db"], directory: project)
        #expect(export.status == 0, "\(export.transcript)")
        let optuna = try python(
            InteropPython.checkParetoFront, ["sqlite:///multi.db", "tradeoff", out.path], in: project)
        #expect(optuna.contains("pareto ok:"), "\(optuna)")
    }
}

/// `sweep export`'s refusals, which need no Python.
@Suite struct ExportCLIClusterTests {
    @Test func otherStoragesAndUnknownTargetsAreRefusedWithWhatToDo() throws {
        let project = try temporaryDirectory()
        try noopSpec(trials: 2, sleep: 0).write(
            to: project.appendingPathComponent("spec.yaml"), atomically: true, encoding: .utf8)
        let run = try ChildProcess(["run", "spec.yaml", "--workers", "1", "--out", "out"], directory: project)
        #expect(run.awaitExit() == 0, "\(run.stderrLines.suffix(20).joined(separator: "\n"))")
        let out = project.appendingPathComponent("out")
        let postgres = try FinishedCommand(["export", out.path, "--to", "optuna", "postgresql://localhost/optuna"])
        #expect(postgres.status == 2, "\(postgres.transcript)")
        #expect(postgres.stderr.contains("SQLite only"), "\(postgres.transcript)")
        let unknown = try FinishedCommand(["export", out.path, "--to", "mlflow", "x"])
        #expect(unknown.status == 64 && unknown.stderr.contains("optuna"), "\(unknown.transcript)")
        let misplaced = try FinishedCommand(["export", out.path, "--to", "cv-results", "x.csv", "--study-name", "s"])
        #expect(misplaced.status == 64 && misplaced.stderr.contains("--to optuna"), "\(misplaced.transcript)")
    }

    /// A sweep still running is exported as it stands, without making its coordinator wait:
    /// finished trials COMPLETE, the rest RUNNING or WAITING; the sweep then ends as usual.
    @Test(.timeLimit(.minutes(2)))
    func aRunningSweepIsExportedAsItStands() throws {
        let project = try temporaryDirectory()
        try noopSpec(trials: 8, sleep: 0.4).write(
            to: project.appendingPathComponent("spec.yaml"), atomically: true, encoding: .utf8)
        let run = try ChildProcess(
            ["run", "spec.yaml", "--workers", "1", "--slots", "1", "--out", "out"], directory: project)
        let out = project.appendingPathComponent("out")
        #expect(RunBook.awaitCounted(out, atLeast: 4))
        let export = try FinishedCommand(["export", "out", "--to", "optuna", "sqlite:///live.db"], directory: project)
        #expect(export.status == 0, "\(export.transcript)")
        let csv = try FinishedCommand(["export", "out", "--to", "cv-results", "live.csv"], directory: project)
        #expect(csv.status == 0, "\(csv.transcript)")
        #expect(run.awaitExit() == 0, "\(run.stderrLines.suffix(20).joined(separator: "\n"))")
        let states = try DatabaseQueue(path: project.appendingPathComponent("live.db").path).read { db in
            try String.fetchAll(db, sql: "SELECT state FROM trials ORDER BY number")
        }
        #expect(states.first == "COMPLETE", "\(states)")
        #expect(states.contains { $0 == "RUNNING" || $0 == "WAITING" }, "exported mid-sweep: \(states)")
        #expect(states.allSatisfy { ["COMPLETE", "RUNNING", "WAITING"].contains($0) }, "\(states)")
    }
}
