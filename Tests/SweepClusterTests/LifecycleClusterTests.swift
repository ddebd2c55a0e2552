import Foundation
import GRDB
import Testing

/// The search lifecycle with real processes: a finished sweep given more trials continues as an
/// uninterrupted one would, and failed trials run again after the cause is fixed.
@Suite(.serialized)
struct LifecycleClusterTests {
    static func tpeSpec(trials: Int) -> String {
        """
        name: extend-test
        cv: {folds: 2}
        trainer: {model: noop}
        search: {algorithm: tpe, trials: \(trials), seed: 5, tpe: {n_startup_trials: 4}}
        space:
          score: {uniform: [0, 10]}
          other: {int: [1, 50]}
        objective: {metric: score, goal: maximize}
        """
    }

    /// `sweep run` with one worker of one slot (a deterministic order) in a fresh directory.
    func run(_ spec: String) throws -> URL {
        let directory = try temporaryDirectory()
        try spec.write(to: directory.appendingPathComponent("spec.yaml"), atomically: true, encoding: .utf8)
        let run = try ChildProcess(
            ["run", "spec.yaml", "--workers", "1", "--slots", "1", "--out", "out", "--heartbeat", "250ms"],
            directory: directory)
        #expect(run.awaitExit() == 0, "\(run.stderrLines.joined(separator: "\n"))")
        return directory.appendingPathComponent("out")
    }

    func params(_ out: URL) throws -> [String] {
        try RunBook(out).queue.read { try String.fetchAll($0, sql: "SELECT params_json FROM trials ORDER BY trial") }
    }

    @Test func aFinishedTPESweepExtendedTo20TrialsMatchesAStraight20TrialSweep() throws {
        let straight = try run(Self.tpeSpec(trials: 20))
        let out = try run(Self.tpeSpec(trials: 10))
        #expect(try params(out).count == 10)

        let tooFew = try FinishedCommand(["resume", out.path, "--trials", "10"])
        #expect(tooFew.status == 2 && tooFew.stderr.contains("the sweep has 10 trials; --trials must be above 10"))
        let extended = try ChildProcess(["resume", out.path, "--trials", "20", "--heartbeat", "250ms"])
        #expect(extended.awaitExit() == 0, "\(extended.stderrLines.joined(separator: "\n"))")
        #expect(try params(out) == params(straight), "the sampler continued from the whole history")
        let book = try RunBook(out)
        #expect(book.counted == 40 && book.duplicates == 0)
        #expect(try book.queue.read { try String.fetchOne($0, sql: "SELECT status FROM sweep") } == "finished")
        #expect(try book.queue.read { try Int.fetchOne($0, sql: "SELECT trials_budget FROM sweep") } == 20)
        let report = try String(contentsOf: out.appendingPathComponent("report.md"), encoding: .utf8)
        #expect(report.contains("- Trials: 20 (20 succeeded"), "the report is made again at the end")
        let plain = try FinishedCommand(["resume", out.path])
        #expect(plain.stdout.contains("already finished (40 of 40 tasks counted)"), "\(plain.transcript)")
    }

    @Test func failedTrialsRunAgainAfterTheCauseIsFixed() throws {
        let directory = try temporaryDirectory()
        let marker = directory.appendingPathComponent("fixed")
        let code = directory.appendingPathComponent("code")
        try FileManager.default.createDirectory(at: code, withIntermediateDirectories: true)
        try """
        if [ "$1" != 1 ] && [ ! -e "$MARKER" ]; then echo "needs the fix" >&2; exit 3; fi
        echo "@sweep {\\"score\\": $1}"
        """.write(to: code.appendingPathComponent("train.sh"), atomically: true, encoding: .utf8)
        try """
        name: retry-test
        cv: {folds: 2}
        trainer: {command: [sh, train.sh, "{x}"], workdir: code, env: {MARKER: "\(marker.path)"}}
        space: {x: {values: [1, 2, 3]}}
        objective: {metric: score, goal: maximize}
        limits: {max_attempts: 2}
        """.write(to: directory.appendingPathComponent("spec.yaml"), atomically: true, encoding: .utf8)
        let run = try ChildProcess(
            ["run", "spec.yaml", "--workers", "1", "--slots", "1", "--out", "out", "--heartbeat", "250ms"],
            directory: directory)
        #expect(run.awaitExit() == 0, "trial 0 succeeded: \(run.stderrLines.joined(separator: "\n"))")
        let out = directory.appendingPathComponent("out")
        let failed = "SELECT count(*) FROM results WHERE counted = 1 AND status = 'failed'"
        #expect(try RunBook(out).count(failed) == 4, "trials 1 and 2 failed on both folds")

        let notFailed = try FinishedCommand(["retry", out.path, "--trials", "0"])
        #expect(notFailed.status == 2 && notFailed.stderr.contains("trial 0 finished ok; nothing to retry"))
        try "".write(to: marker, atomically: true, encoding: .utf8)
        let retry = try ChildProcess(["retry", out.path, "--failed", "--heartbeat", "250ms"])
        #expect(retry.awaitExit() == 0, "\(retry.stderrLines.joined(separator: "\n"))")
        let book = try RunBook(out)
        #expect(try book.count(failed) == 0)
        #expect(book.counted == 6, "exactly one counted result per task")
        #expect(
            try book.count(
                "SELECT count(*) FROM (SELECT trial, fold FROM results WHERE counted = 1 GROUP BY trial, fold)") == 6)
        #expect(
            try book.count("SELECT count(*) FROM results WHERE superseded_at IS NOT NULL AND status = 'failed'") == 4)
        #expect(
            try book.count("SELECT min(attempt) FROM results WHERE counted = 1 AND trial = 1") == 3, "attempts continue"
        )
        let report = try String(contentsOf: out.appendingPathComponent("report.md"), encoding: .utf8)
        #expect(report.contains("## Retried (sweep retry)") && report.contains("exited with status 3"))
        #expect(report.contains("- Trials: 3 (3 succeeded, 0 failed"))
        let again = try FinishedCommand(["retry", out.path, "--failed"])
        #expect(again.status == 2 && again.stderr.contains("no failed trials in"), "\(again.transcript)")
    }

    /// A sweep warm-started from an earlier run, with a configuration enqueued: the queue runs
    /// first, the prior trials are listed and never run, and an extension later restores them
    /// from run.db even when the earlier run is gone.
    @Test func aWarmStartedSweepWithAQueueRunsAndExtendsWithoutItsSource() throws {
        let directory = try temporaryDirectory()
        let first = """
            name: earlier
            cv: {folds: 2}
            trainer: {model: noop}
            search: {algorithm: random, trials: 6, seed: 1}
            space: {score: {uniform: [0, 10]}, other: {int: [1, 50]}}
            objective: {metric: score, goal: maximize}
            """
        try first.write(to: directory.appendingPathComponent("earlier.yaml"), atomically: true, encoding: .utf8)
        let earlier = try ChildProcess(
            ["run", "earlier.yaml", "--workers", "1", "--out", "runs/earlier", "--heartbeat", "250ms"],
            directory: directory)
        #expect(earlier.awaitExit() == 0, "\(earlier.stderrLines.joined(separator: "\n"))")
        let second = Self.tpeSpec(trials: 4).replacingOccurrences(
            of: "tpe: {n_startup_trials: 4}}",
            with: "warm_start: [runs/earlier], enqueue: [{score: 9.5, other: 3}]}")
        try second.write(to: directory.appendingPathComponent("spec.yaml"), atomically: true, encoding: .utf8)
        let validate = try FinishedCommand(["validate", "spec.yaml"], directory: directory)
        #expect(validate.stdout.contains("warm start from runs/earlier: 6 trials taken"), "\(validate.transcript)")
        let run = try ChildProcess(
            ["run", "spec.yaml", "--workers", "1", "--out", "out", "--heartbeat", "250ms"], directory: directory)
        #expect(run.awaitExit() == 0, "\(run.stderrLines.joined(separator: "\n"))")
        let out = directory.appendingPathComponent("out")
        #expect(try params(out).first == "{\"other\": 3, \"score\": 9.5}", "the enqueued configuration runs first")
        #expect(try params(out).count == 4)
        #expect(try RunBook(out).count("SELECT count(*) FROM prior_trials") == 6)
        let report = try String(contentsOf: out.appendingPathComponent("report.md"), encoding: .utf8)
        #expect(report.contains("## Prior trials (warm start)") && report.contains("| runs/earlier | 6 |"))
        #expect(report.contains("- Trials: 4 (4 succeeded"), "prior trials are not trials of this sweep")

        try FileManager.default.moveItem(
            at: directory.appendingPathComponent("runs"), to: directory.appendingPathComponent("gone"))
        let missing = try FinishedCommand(["validate", "spec.yaml"], directory: directory)
        #expect(missing.status == 2 && missing.stderr.contains("search.warm_start: runs/earlier: no such directory"))
        let extended = try ChildProcess(["resume", out.path, "--trials", "6", "--heartbeat", "250ms"])
        #expect(extended.awaitExit() == 0, "\(extended.stderrLines.joined(separator: "\n"))")
        #expect(try params(out).count == 6)
        #expect(try RunBook(out).count("SELECT count(*) FROM prior_trials") == 6)
    }
}

/// A sweep that can no longer resume (its workdir changed) is left exactly as it was by
/// `sweep resume --trials`: the check comes before the raised budget is written. And a run
/// directory inside the workdir (`workdir: .`, `--out out`) is not part of the workdir.
@Suite(.serialized)
struct ExtendGuardClusterTests {
    @Test func anExtensionThatCannotResumeChangesNothing() throws {
        let directory = try temporaryDirectory()
        try "print('@sweep {\"score\": 1}')\n".write(
            to: directory.appendingPathComponent("train.py"), atomically: true, encoding: .utf8)
        let spec = """
            trainer: {command: [python3, train.py], workdir: .}
            search: {algorithm: random, trials: 2, seed: 1}
            space: {x: {uniform: [0, 1]}}
            objective: {metric: score, goal: maximize}
            """
        try spec.write(to: directory.appendingPathComponent("spec.yaml"), atomically: true, encoding: .utf8)
        let run = try ChildProcess(
            ["run", "spec.yaml", "--workers", "1", "--slots", "1", "--out", "out", "--heartbeat", "250ms"],
            directory: directory)
        #expect(run.awaitExit() == 0, "\(run.stderrLines.joined(separator: "\n"))")
        let out = directory.appendingPathComponent("out")
        let extended = try ChildProcess(["resume", out.path, "--trials", "3", "--heartbeat", "250ms"])
        #expect(extended.awaitExit() == 0, "the run directory inside the workdir is not code: \(extended.stderrLines)")

        try "print('@sweep {\"score\": 2}')\n".write(
            to: directory.appendingPathComponent("train.py"), atomically: true, encoding: .utf8)
        let refused = try FinishedCommand(["resume", out.path, "--trials", "5"])
        #expect(refused.status == 2 && refused.stderr.contains("workdir changed"), "\(refused.transcript)")
        let book = try RunBook(out)
        #expect(try book.queue.read { try Int.fetchOne($0, sql: "SELECT trials_budget FROM sweep") } == 3)
        #expect(try book.queue.read { try String.fetchOne($0, sql: "SELECT status FROM sweep") } == "finished")
    }

    /// The fix that failed trials need is often in the trainer's code: `sweep retry` adopts the
    /// changed workdir (where `sweep resume` refuses it) and runs the failed trials with it.
    @Test func retryRunsFailedTrialsWithTheFixedCode() throws {
        let directory = try temporaryDirectory()
        let code = directory.appendingPathComponent("code")
        try FileManager.default.createDirectory(at: code, withIntermediateDirectories: true)
        try "exit 3\n".write(to: code.appendingPathComponent("train.sh"), atomically: true, encoding: .utf8)
        try """
        trainer: {command: [sh, train.sh], workdir: code}
        search: {algorithm: random, trials: 2, seed: 1}
        space: {x: {uniform: [0, 1]}}
        objective: {metric: score, goal: maximize}
        limits: {max_attempts: 1}
        """.write(to: directory.appendingPathComponent("spec.yaml"), atomically: true, encoding: .utf8)
        let run = try ChildProcess(
            ["run", "spec.yaml", "--workers", "1", "--slots", "1", "--out", "out", "--heartbeat", "250ms"],
            directory: directory)
        #expect(run.awaitExit() != 0)
        try "echo '@sweep {\"score\": 1}'\n".write(
            to: code.appendingPathComponent("train.sh"), atomically: true, encoding: .utf8)
        let out = directory.appendingPathComponent("out")
        let retried = try ChildProcess(["retry", out.path, "--failed", "--heartbeat", "250ms"])
        #expect(retried.awaitExit() == 0, "\(retried.stderrLines.joined(separator: "\n"))")
        let book = try RunBook(out)
        let ok = try book.queue.read {
            try Int.fetchOne($0, sql: "SELECT count(*) FROM results WHERE counted = 1 AND status = 'ok'")
        }
        #expect(ok == 2)
    }

    /// A sweep that reached its target would end again at once: more budget is refused, saying why.
    @Test func moreBudgetForASweepThatReachedItsTargetIsRefused() throws {
        let directory = try temporaryDirectory()
        try """
        trainer: {model: noop}
        cv: {folds: 2}
        search: {algorithm: random, trials: 4, seed: 1}
        space: {score: {uniform: [0.6, 0.9]}}
        objective: {metric: score, goal: maximize, target: 0.5}
        limits: {max_parallel_trials: 1}
        """.write(to: directory.appendingPathComponent("spec.yaml"), atomically: true, encoding: .utf8)
        let run = try ChildProcess(
            ["run", "spec.yaml", "--workers", "1", "--slots", "1", "--out", "out", "--heartbeat", "250ms"],
            directory: directory)
        #expect(run.awaitExit() == 0, "\(run.stderrLines.joined(separator: "\n"))")
        let out = directory.appendingPathComponent("out")
        let refused = try FinishedCommand(["resume", out.path, "--trials", "10"])
        #expect(
            refused.status == 2 && refused.stderr.contains("more budget would end the search again at once"),
            "\(refused.transcript)")
        let book = try RunBook(out)
        #expect(try book.queue.read { try Int.fetchOne($0, sql: "SELECT trials_budget FROM sweep") } == nil)
    }
}
