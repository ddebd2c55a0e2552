import Foundation
import Testing

/// Issue 12 item 10, with real processes: one misconfigured worker beside a healthy one used to
/// take every retry and fail 14 of 20 tasks in 2 s.
@Suite(.serialized)
struct WorkerHealthClusterTests {
    /// Tasks fail at once on a worker started with BROKEN set (as if its PATH lacked the interpreter).
    static let spec = """
        name: health
        cv: {folds: 2}
        trainer: {command: [sh, -c, 'if [ -n "$BROKEN" ]; then echo "python3: not found" >&2; exit 127; fi; sleep 0.2; echo "@sweep {{\\"value\\": $(( {x} * 100 + SWEEP_FOLD ))}}"']}
        search: {algorithm: random, trials: 10, seed: 3}
        space: {x: {int: [1, 1000]}}
        objective: {metric: value, goal: maximize}
        limits: {max_attempts: 2}
        """

    @Test func aWorkerWhoseTasksFailAtOnceIsPausedAndNoTaskIsFailedForIt() throws {
        let (coordinator, endpoint, out) = try startCoordinator(Self.spec, heartbeat: "250ms")
        let healthy = try ChildProcess([
            "worker", "--connect", endpoint, "--slots", "1", "--name", "healthy", "--heartbeat", "250ms",
        ])
        defer { healthy.stop() }
        let broken = try ChildProcess(
            [
                "BROKEN=1", ChildProcess.sweepBinary.path, "worker", "--connect", endpoint, "--slots", "1", "--name",
                "broken", "--heartbeat", "250ms",
            ], executable: URL(fileURLWithPath: "/usr/bin/env"))
        defer { broken.stop() }
        #expect(coordinator.awaitExit() == 0, "\(coordinator.stderrLines.suffix(10).joined(separator: "\n"))")
        try ReliabilityClusterTests.checkBooks(out, tasks: 20)
        #expect(coordinator.stderrLines.contains { $0.contains("worker broken on") && $0.contains("paused for 30 s") })
        let report = try String(contentsOf: out.appendingPathComponent("report.md"), encoding: .utf8)
        #expect(report.contains("worker-paused: broken@"))
        let status = try ChildProcess(["status", out.path])
        #expect(status.awaitExit() == 0)
        #expect(status.stdout.contains("worker health:\n  worker-paused: broken@"), "\(status.stdout)")
    }
}
