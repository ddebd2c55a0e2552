import Foundation
import Testing

/// Plain hyperparameter optimisation through the `sweep` binary: a command trainer without data
/// runs once per trial and gets its parameters through `{args}`; a built-in model validates on a
/// holdout share with `cv: {folds: 1, test_size: …}`; a target and a trial cap end a search early.
@Suite(.serialized)
struct PlainHPOClusterTests {
    static let script = """
        echo "$SWEEP_TRIAL $SWEEP_FOLD $SWEEP_FOLDS $*" >> "$RUN_LOG"
        echo "@sweep {\\"loss\\": $SWEEP_TRIAL}"
        """

    static let spec = """
        name: plain
        trainer: {command: [sh, train.sh, "{args}"], workdir: code}
        search: {algorithm: random, trials: 5, seed: 3}
        space:
          width: {int: [16, 64], step: 16}
          lr: {uniform: [0, 1], step: 0.25}
        objective: {metric: loss, goal: minimize}
        """

    func project(_ spec: String) throws -> URL {
        let directory = try temporaryDirectory()
        let code = directory.appendingPathComponent("code")
        try FileManager.default.createDirectory(at: code, withIntermediateDirectories: true)
        try Self.script.write(to: code.appendingPathComponent("train.sh"), atomically: true, encoding: .utf8)
        try spec.write(to: directory.appendingPathComponent("spec.yaml"), atomically: true, encoding: .utf8)
        return directory
    }

    /// Each run of the program: trial, SWEEP_FOLD, SWEEP_FOLDS and its arguments.
    func runs(_ log: URL) throws -> [[String]] {
        try String(contentsOf: log, encoding: .utf8).split(separator: "\n").map {
            $0.split(separator: " ").map(String.init)
        }
    }

    @Test func aCommandWithoutDataRunsOncePerTrialWithEveryParameterAsAnArgument() throws {
        let directory = try project(Self.spec)
        let validate = try FinishedCommand(["validate", "spec.yaml"], directory: directory)
        #expect(
            validate.stdout
                == "spec.yaml: ok — 'plain': 5 trials × 1 task = 5 tasks (random); no data: one run of your program per trial (SWEEP_FOLD=0, SWEEP_FOLDS=1)\n",
            "\(validate.transcript)")
        let log = directory.appendingPathComponent("runs.log")
        let run = try FinishedCommand(
            ["run", "spec.yaml", "--workers", "2", "--out", "out"], directory: directory,
            environment: ["RUN_LOG": log.path], timeout: 120)
        #expect(run.status == 0, "\(run.transcript)")
        let runs = try runs(log)
        #expect(runs.count == 5, "exactly one task per trial: \(runs)")
        #expect(Set(runs.map { $0[0] }) == ["0", "1", "2", "3", "4"])
        #expect(runs.allSatisfy { $0[1] == "0" && $0[2] == "1" }, "SWEEP_FOLD=0, SWEEP_FOLDS=1")
        for arguments in runs.map({ Array($0.dropFirst(3)) }) {
            #expect(arguments.count == 2 && arguments[0].hasPrefix("--lr=") && arguments[1].hasPrefix("--width="))
            #expect(["0.0", "0.25", "0.5", "0.75", "1.0"].contains(arguments[0].dropFirst(5)), "\(arguments)")
            #expect(["16", "32", "48", "64"].contains(arguments[1].dropFirst(8)), "\(arguments)")
        }
        #expect(Set(runs.map { Array($0.dropFirst(3)) }).count == 5, "no configuration twice")
        let out = directory.appendingPathComponent("out")
        #expect(try readResults(out).count == 5)
        #expect(run.stdout.contains("— loss 0.0000\n"), "one fold: a mean and no ± spread\n\(run.transcript)")
        let report = try String(contentsOf: out.appendingPathComponent("report.md"), encoding: .utf8)
        #expect(
            report.contains("(one task per trial)") && report.contains("loss = **0** (runner-up")
                && !report.contains("nan"))
        let best = try String(contentsOf: out.appendingPathComponent("best.json"), encoding: .utf8)
        #expect(best.contains("\"std\" : null"), "\(best)")
    }

    @Test func aTargetEndsTheSearchAndTheCapKeepsOneTrialOpen() throws {
        let spec = Self.spec.replacingOccurrences(
            of: "objective: {metric: loss, goal: minimize}",
            with: "objective: {metric: loss, goal: minimize, target: 0}\nlimits: {max_parallel_trials: 1}")
        let directory = try project(spec)
        let log = directory.appendingPathComponent("runs.log")
        let run = try FinishedCommand(
            ["run", "spec.yaml", "--workers", "3", "--out", "out"], directory: directory,
            environment: ["RUN_LOG": log.path], timeout: 120)
        #expect(run.status == 0, "\(run.transcript)")
        // Trial 0 scores 0, the target; the cap kept every other trial from starting meanwhile.
        #expect(try runs(log).map { $0[0] } == ["0"])
        let report = try String(
            contentsOf: directory.appendingPathComponent("out/report.md"), encoding: .utf8)
        #expect(report.contains("ended because the target (0) was reached by trial 0"), "\(report)")
    }

    @Test func aBuiltInModelValidatesOnAHoldoutShare() throws {
        let iris = SweepClusterTests.repository.appendingPathComponent("examples/datasets/iris.csv").path
        let directory = try project(
            """
            name: holdout
            data: {path: \(iris), target: target, task: classification}
            cv: {folds: 1, test_size: 0.25, seed: 1}
            trainer: {model: knn}
            space: {k: {int: [1, 21], step: 4}}
            objective: {metric: accuracy}
            """)
        let validate = try FinishedCommand(["validate", "spec.yaml"], directory: directory)
        #expect(
            validate.stdout.contains(
                "6 trials × 1 task = 6 tasks (grid), 150 rows × 4 features; holdout validation: each trial trains on the other rows and is validated on 25 % of them"
            ), "\(validate.transcript)")
        let run = try FinishedCommand(
            ["run", "spec.yaml", "--workers", "2", "--out", "out"], directory: directory, timeout: 120)
        #expect(run.status == 0, "\(run.transcript)")
        let out = directory.appendingPathComponent("out")
        let results = try readResults(out)
        #expect(results.count == 6 && results.allSatisfy { $0["fold"] == "0" && $0["status"] == "ok" })
        #expect(Set(results.compactMap { $0["k"] }) == ["1", "5", "9", "13", "17", "21"])
        #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("model.json").path))
        let best = try String(contentsOf: out.appendingPathComponent("best.json"), encoding: .utf8)
        #expect(best.contains("\"holdout\" : null"), "the validation share is not a final test share: \(best)")
    }
}
