import Foundation
import Testing

/// Early stopping with real worker processes: racing eliminates a clearly losing configuration
/// after its first folds (queued folds never run, running ones' programs are stopped), and ASHA
/// stops trials from a command trainer's step reports.
@Suite(.serialized)
struct EarlyStoppingClusterTests {
    /// Runs `sweep run` on a spec whose trainer is `sh train.sh {param}` (TRAINER in the spec), on
    /// one local worker with `slots` slots, and returns the run directory once it succeeded.
    func run(script: String, spec: String, slots: Int, in project: URL) throws -> URL {
        let train = project.appendingPathComponent("train.sh")
        try script.write(to: train, atomically: true, encoding: .utf8)
        try spec.replacingOccurrences(of: "TRAINER", with: "[sh, \(train.path)")
            .write(to: project.appendingPathComponent("spec.yaml"), atomically: true, encoding: .utf8)
        let run = try ChildProcess(
            ["run", "spec.yaml", "--workers", "1", "--slots", "\(slots)", "--out", "out"], directory: project)
        #expect(run.awaitExit() == 0, "\(run.stderrLines.suffix(20).joined(separator: "\n"))")
        return project.appendingPathComponent("out")
    }

    @Test(.timeLimit(.minutes(1)))
    func aLosingTrialIsRacedOutAndItsRunningFoldsReallyStop() throws {
        let project = try temporaryDirectory()
        let pids = project.appendingPathComponent("pids")
        try FileManager.default.createDirectory(at: pids, withIntermediateDirectories: true)
        // The good configuration answers at once. The bad one answers its first three folds at
        // once, badly; its later folds write their pid and hang (as a slow fit would) until stopped.
        let out = try run(
            script: """
                if [ "$1" = good ]; then echo "@sweep {\\"score\\": 0.9$SWEEP_FOLD}"; exit 0; fi
                if [ "$SWEEP_FOLD" -lt 3 ]; then echo "@sweep {\\"score\\": 0.5$SWEEP_FOLD}"; exit 0; fi
                echo $$ > "\(pids.path)/fold-$SWEEP_FOLD"
                exec sleep 300
                """,
            spec: """
                cv: {folds: 8}
                trainer: {command: TRAINER, "{config}"]}
                space: {config: {values: [good, bad]}}
                early_stopping: {rule: racing, min_folds: 3}
                objective: {metric: score, goal: maximize}
                """, slots: 8, in: project)
        let book = try RunBook(out)
        #expect(try book.count("SELECT count(*) FROM decisions WHERE trial = 1 AND rule = 'racing'") == 1)
        #expect(
            try book.count("SELECT count(*) FROM decisions WHERE trial = 0") == 0, "the incumbent is never raced out")
        let pruned = try book.count(
            "SELECT count(*) FROM results WHERE trial = 1 AND status = 'pruned' AND counted = 1")
        #expect(pruned == 5, "folds 3 to 7 of the losing trial were dropped or cancelled")
        // Every fold program that started is gone: cancelled on the worker, not left running.
        let started = try FileManager.default.contentsOfDirectory(atPath: pids.path)
        for file in started {
            let pid = try #require(
                Int32(
                    String(contentsOf: pids.appendingPathComponent(file), encoding: .utf8)
                        .trimmingCharacters(in: .whitespacesAndNewlines)))
            #expect(kill(pid, 0) != 0, "the program of \(file) (pid \(pid)) must have been stopped")
        }
        let report = try String(contentsOf: out.appendingPathComponent("report.md"), encoding: .utf8)
        #expect(report.contains("## Stopped early"))
        #expect(report.contains("| 1 | racing | `config=bad` | 3 |"))
        #expect(report.contains("5 of their 8 fold fits saved"))
    }

    @Test(.timeLimit(.minutes(1)))
    func ashaStopsTrialsFromACommandTrainersStepReports() throws {
        let project = try temporaryDirectory()
        // Nine steps; the score is the configuration's quality, known at every step. One trial at
        // a time (2 folds on 2 slots), best first: each later trial is worse at rung 0.
        let out = try run(
            script: """
                step=1
                while [ $step -le 9 ]; do
                  echo "@sweep {\\"step\\": $step, \\"score\\": 0.$1}"
                  step=$((step + 1))
                  sleep 0.05
                done
                echo "@sweep {\\"score\\": 0.$1}"
                """,
            spec: """
                cv: {folds: 2}
                trainer: {command: TRAINER, "{q}"]}
                space: {q: {values: [9, 7, 5, 3]}}
                early_stopping: {rule: asha, resource: step, min_resource: 1, max_resource: 9, reduction_factor: 3}
                objective: {metric: score, goal: maximize}
                """, slots: 2, in: project)
        let book = try RunBook(out)
        #expect(try book.count("SELECT count(*) FROM decisions WHERE rule = 'asha'") == 3)
        #expect(try book.count("SELECT count(*) FROM decisions WHERE trial = 0") == 0, "the best trial runs to the end")
        #expect(try book.count("SELECT min(step) FROM decisions") == 1, "judged at the first rung")
        #expect(
            try book.count("SELECT count(*) FROM reports WHERE fold = 0") >= 9,
            "intermediate values are recorded for resume")
        #expect(try book.count("SELECT count(*) FROM results WHERE status = 'ok' AND counted = 1 AND trial = 0") == 2)
        let report = try String(contentsOf: out.appendingPathComponent("report.md"), encoding: .utf8)
        #expect(report.contains("| 1 | asha | `q=7` |"))
        #expect(report.contains("rung 0 (step 1)"))
    }

    /// ASHA on a built-in model: gradient boosting reports each iteration's validation loss while it
    /// fits, and trials worse at the first rung are stopped.
    @Test(.timeLimit(.minutes(1)))
    func ashaStopsBuiltinBoostingFromItsIterationReports() throws {
        let project = try temporaryDirectory()
        let rows = (0..<200).map { "\(Double($0 % 17) / 17),\(Double($0 % 5)),\($0 % 17 < 8 ? "a" : "b")" }
        try ("x,z,label\n" + rows.joined(separator: "\n")).write(
            to: project.appendingPathComponent("data.csv"), atomically: true, encoding: .utf8)
        try """
        data: {path: data.csv, target: label, task: classification}
        cv: {folds: 2}
        trainer: {model: gradient_boosting}
        space: {learning_rate: {values: [0.3, 0.03, 0.003]}, max_iter: 30, min_samples_leaf: 5}
        early_stopping: {rule: asha, resource: iterations, min_resource: 1, max_resource: 30, reduction_factor: 3}
        objective: {metric: log_loss}
        """.write(to: project.appendingPathComponent("spec.yaml"), atomically: true, encoding: .utf8)
        let run = try ChildProcess(
            ["run", "spec.yaml", "--workers", "1", "--slots", "2", "--out", "out"], directory: project)
        #expect(run.awaitExit() == 0, "\(run.stderrLines.suffix(20).joined(separator: "\n"))")
        let book = try RunBook(project.appendingPathComponent("out"))
        #expect(
            try book.count("SELECT count(*) FROM decisions WHERE rule = 'asha'") == 2,
            "the slower learners lose at the first rung")
        #expect(try book.count("SELECT count(*) FROM decisions WHERE trial = 0") == 0, "the best trial runs to the end")
        #expect(
            try book.count("SELECT count(*) FROM reports WHERE trial = 0 AND fold = 0") == 30,
            "one report per iteration")
        #expect(try book.count("SELECT count(*) FROM results WHERE status = 'ok' AND counted = 1 AND trial = 0") == 2)
    }
}
