import Foundation
import Glibc
import Testing

/// `limits.prefetch` with real processes: a one-slot worker holds queued tasks that start only as
/// its running one ends, and a worker SIGKILLed while holding them loses none of them.
@Suite(.serialized)
struct PrefetchClusterTests {
    /// Each task writes when it started and ended (nanoseconds) into its worker's cache directory.
    static let spec = """
        name: prefetch
        cv: {folds: 2}
        trainer: {command: [sh, -c, 'log="$SWEEP_TASK_DIR/../../../intervals"; s=$(date +%s%N); sleep 0.05; echo "$s $(date +%s%N)" >> "$log"; echo "@sweep {{\\"value\\": $(( {x} * 100 + SWEEP_FOLD ))}}"']}
        search: {algorithm: grid}
        space: {x: {int: [1, 30]}}
        objective: {metric: value, goal: maximize}
        limits: {prefetch: 2, max_attempts: 5}
        """

    @Test(.timeLimit(.minutes(3)))
    func queuedTasksWaitForTheSlotAndAKilledWorkerLosesNone() throws {
        let (coordinator, endpoint, out) = try startCoordinator(Self.spec, heartbeat: "250ms")
        let root = try temporaryDirectory()
        let caches = (1...3).map { root.appendingPathComponent("cache-w\($0)") }
        let workers = try (1...3).map { index in
            try ChildProcess([
                "worker", "--connect", endpoint, "--slots", "1", "--name", "w\(index)", "--heartbeat", "250ms",
                "--cache", caches[index - 1].path,
            ])
        }
        defer { for worker in workers { worker.stop() } }
        #expect(RunBook.awaitCounted(out, atLeast: 12))
        workers[0].signal(SIGKILL)  // holding a running task and up to two queued behind it
        #expect(coordinator.awaitLine(containing: "worker lost: w1") != nil)
        #expect(
            coordinator.awaitExit(timeout: 120) == 0, "\(coordinator.stderrLines.suffix(20).joined(separator: "\n"))")

        try ReliabilityClusterTests.checkBooks(out, tasks: 60)
        let book = try RunBook(out)
        #expect(
            try book.count("SELECT coalesce(sum(CAST(detail AS INTEGER)), 0) FROM events WHERE kind = 'requeued'") >= 1)
        // Tasks were prefetched: sent to a worker while its previous one had not answered yet.
        let prefetched = try book.count(
            """
            SELECT count(*) FROM attempts a JOIN attempts b ON a.worker = b.worker AND a.rowid != b.rowid
            JOIN results rb ON rb.trial = b.trial AND rb.fold = b.fold AND rb.attempt = b.attempt
            WHERE a.worker IN ('w2', 'w3') AND b.dispatched_at < a.dispatched_at AND a.dispatched_at < rb.received_at
            """)
        #expect(prefetched > 0, "no task was ever sent ahead of its slot")
        // …and waited there: on a one-slot worker no two tasks ever ran at once.
        for cache in caches.dropFirst() {
            let text = try String(contentsOf: cache.appendingPathComponent("intervals"), encoding: .utf8)
            let intervals = text.split(separator: "\n").map { line in line.split(separator: " ").map { Int($0)! } }
                .sorted { $0[0] < $1[0] }
            #expect(intervals.count >= 5)
            for (earlier, later) in zip(intervals, intervals.dropFirst()) {
                #expect(later[0] >= earlier[1], "\(cache.lastPathComponent) ran two tasks at once: \(earlier) \(later)")
            }
        }
    }
}
