import Foundation
import Testing

/// Racing across folds with real worker processes: a clearly losing configuration is eliminated
/// after its first folds, its queued folds never run and its running folds' programs are stopped.
@Suite(.serialized)
struct RacingClusterTests {
    @Test(.timeLimit(.minutes(1)))
    func aLosingTrialIsRacedOutAndItsRunningFoldsReallyStop() throws {
        let project = try temporaryDirectory()
        let pids = project.appendingPathComponent("pids")
        try FileManager.default.createDirectory(at: pids, withIntermediateDirectories: true)
        // The good configuration answers at once. The bad one answers its first three folds at
        // once, badly; its later folds write their pid and hang (as a slow fit would) until stopped.
        try """
        if [ "$1" = good ]; then echo "@sweep {\\"score\\": 0.9$SWEEP_FOLD}"; exit 0; fi
        if [ "$SWEEP_FOLD" -lt 3 ]; then echo "@sweep {\\"score\\": 0.5$SWEEP_FOLD}"; exit 0; fi
        echo $$ > "\(pids.path)/fold-$SWEEP_FOLD"
        exec sleep 300
        """.write(to: project.appendingPathComponent("train.sh"), atomically: true, encoding: .utf8)
        try """
        cv: {folds: 8}
        trainer: {command: [sh, \(project.appendingPathComponent("train.sh").path), "{config}"]}
        space: {config: {values: [good, bad]}}
        early_stopping: {rule: racing, min_folds: 3}
        objective: {metric: score, goal: maximize}
        """.write(to: project.appendingPathComponent("spec.yaml"), atomically: true, encoding: .utf8)

        let run = try ChildProcess(["run", "spec.yaml", "--workers", "1", "--slots", "8", "--out", "out"], directory: project)
        #expect(run.awaitExit() == 0, "\(run.stderrLines.suffix(20).joined(separator: "\n"))")
        let out = project.appendingPathComponent("out")
        let book = try RunBook(out)
        #expect(try book.count("SELECT count(*) FROM decisions WHERE trial = 1 AND rule = 'racing'") == 1)
        #expect(try book.count("SELECT count(*) FROM decisions WHERE trial = 0") == 0, "the incumbent is never raced out")
        let pruned = try book.count("SELECT count(*) FROM results WHERE trial = 1 AND status = 'pruned' AND counted = 1")
        #expect(pruned == 5, "folds 3 to 7 of the losing trial were dropped or cancelled")
        // Every fold program that started is gone: cancelled on the worker, not left running.
        let started = try FileManager.default.contentsOfDirectory(atPath: pids.path)
        for file in started {
            let pid = try #require(Int32(String(contentsOf: pids.appendingPathComponent(file), encoding: .utf8)
                .trimmingCharacters(in: .whitespacesAndNewlines)))
            #expect(kill(pid, 0) != 0, "the program of \(file) (pid \(pid)) must have been stopped")
        }
        let report = try String(contentsOf: out.appendingPathComponent("report.md"), encoding: .utf8)
        #expect(report.contains("## Stopped early"))
        #expect(report.contains("| 1 | racing | `config=bad` | 3 |"))
        #expect(report.contains("5 of their 8 fold fits saved"))
    }
}
