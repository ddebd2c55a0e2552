import Foundation
import Testing

/// What a real trainer prints, end to end through a coordinator and a worker process: output the
/// wire cannot carry whole is cut by the worker (and the cut said in the log), never lost.
@Suite(.serialized)
struct TrainerOutputClusterTests {
    /// Runs `script` as a one-trial, two-fold command sweep on one local worker; returns the run
    /// directory and the exit status (nil if the sweep did not finish: it hung).
    func sweep(_ script: String) throws -> (URL, Int32?, ChildProcess) {
        let project = try CommandClusterTests().makeProject(
            script: script,
            spec: """
                cv: {folds: 2}
                trainer: {command: [sh, train.sh], workdir: code}
                space: {x: 1}
                objective: {metric: score, goal: maximize}
                limits: {task_timeout: 120}
                """)
        let run = try ChildProcess(
            ["run", "spec.yaml", "--workers", "1", "--out", "out", "--heartbeat", "250ms"], directory: project)
        let status = run.awaitExit(timeout: 60)
        return (project.appendingPathComponent("out"), status, run)
    }

    @Test func fiftyLongStderrLinesAreCutNotLost() throws {
        // A progress bar without newlines: 50 lines of 30 KB, 1.5 MB, over the 1 MiB log limit.
        let (out, status, run) = try sweep(
            """
            line=$(head -c 30000 /dev/zero | tr '\\0' x)
            for i in $(seq 1 50); do echo "$i $line" >&2; done
            echo '@sweep {"score": 3}'
            """)
        #expect(status == 0, "the sweep hung or failed: \(run.stderrLines.suffix(20).joined(separator: "\n"))")
        let rows = try readResults(out)
        #expect(rows.count == 2 && rows.allSatisfy { $0["status"] == "ok" && $0["score"] == "3.0" })
    }

    @Test func aMetricNameOverTheWireLimitIsDroppedAndSaid() throws {
        let long = String(repeating: "m", count: 300)
        let (out, status, run) = try sweep(
            """
            echo 'training on purpose' >&2
            echo '@sweep {"score": 3, "\(long)": 1}'
            """)
        #expect(status == 0, "the sweep hung or failed: \(run.stderrLines.suffix(20).joined(separator: "\n"))")
        let rows = try readResults(out)
        #expect(rows.count == 2 && rows.allSatisfy { $0["status"] == "ok" && $0["score"] == "3.0" })
        let log = try String(
            contentsOf: out.appendingPathComponent("logs/trial-0-fold-0-attempt-1.log"), encoding: .utf8)
        #expect(log.contains("[sweep: dropped 1 metrics whose names exceed 256 bytes: 'mmmm"), "\(log.prefix(500))")
        #expect(log.contains("training on purpose"))
    }

    @Test func aSuccessWithTooManyMetricsKeepsItsObjective() throws {
        // 1,100 metrics, over the 1,024 a report may carry; the objective is kept.
        let (out, status, run) = try sweep(
            """
            metrics=$(seq 1 1100 | sed 's/.*/"a&": 1/' | paste -sd, -)
            echo "@sweep {$metrics, \\"score\\": 3}"
            """)
        #expect(status == 0, "the sweep hung or failed: \(run.stderrLines.suffix(20).joined(separator: "\n"))")
        let rows = try readResults(out)
        #expect(rows.count == 2 && rows.allSatisfy { $0["status"] == "ok" && $0["score"] == "3.0" })
    }
}
