import Foundation
import Glibc
import Testing

/// The chaos test: 240 tasks over 7 workers on 3 namespaced hosts while workers are SIGKILLed,
/// one is SIGSTOPped past its lease, a host is cut off and healed, a worker joins mid-sweep and
/// the coordinator is SIGKILLed and resumed. Every task's value is a known function of
/// (params, fold), so the books can be checked exactly.
@Suite(.serialized)
struct ChaosClusterTests {
    static let spec = """
        name: chaos
        cv: {folds: 4}
        trainer: {command: [sh, -c, 'sleep 0.25; echo "@sweep {{\\"value\\": $(( {x} * 100 + SWEEP_FOLD ))}}"']}
        search: {algorithm: grid}
        space: {x: {int: [1, 60]}}
        objective: {metric: value, goal: maximize}
        limits: {max_attempts: 10, task_timeout: 60s}
        """

    @Test(
        .enabled(if: NetnsHosts.unavailableReason == nil, "\(NetnsHosts.unavailableReason ?? "")"),
        .timeLimit(.minutes(5)))
    func nothingLostNothingCountedTwice() throws {
        let hosts = try NetnsHosts(hosts: 3)
        let root = try temporaryDirectory()
        let keys = root.appendingPathComponent("keys"), allowed = root.appendingPathComponent("allowed")
        for name in ["coordinator", "workers"] {
            #expect(try ChildProcess(["keygen", "--out", keys.path, "--name", name]).awaitExit() == 0)
        }
        try FileManager.default.createDirectory(at: allowed, withIntermediateDirectories: true)
        try FileManager.default.copyItem(
            at: keys.appendingPathComponent("workers.key"), to: allowed.appendingPathComponent("workers.key"))
        try Self.spec.write(to: root.appendingPathComponent("spec.yaml"), atomically: true, encoding: .utf8)
        let out = root.appendingPathComponent("out")
        let endpoint = "tcp://\(hosts.address(1)):5555"
        let coordinatorArguments = [
            "--key", keys.appendingPathComponent("coordinator.key_secret").path, "--allow", allowed.path,
            "--heartbeat", "500ms",
        ]
        var coordinator = try hosts.sweep(
            on: 1, ["coordinator", "spec.yaml", "--bind", endpoint, "--out", out.path] + coordinatorArguments,
            directory: root)
        #expect(coordinator.awaitLine(containing: "serving sweep") != nil)
        func worker(_ name: String, on host: Int) throws -> ChildProcess {
            try hosts.sweep(
                on: host,
                [
                    "worker", "--connect", endpoint, "--slots", "1", "--name", name, "--heartbeat", "500ms",
                    "--key", keys.appendingPathComponent("workers.key_secret").path,
                    "--server-key", keys.appendingPathComponent("coordinator.key").path,
                    "--cache", root.appendingPathComponent("cache-\(name)").path,
                ])
        }
        var workers: [String: ChildProcess] = [:]
        for (name, host) in [("h1-w1", 1), ("h1-w2", 1), ("h2-w3", 2), ("h2-w4", 2), ("h3-w5", 3), ("h3-w6", 3)] {
            workers[name] = try worker(name, on: host)
        }
        defer { for process in workers.values { process.signal(SIGCONT); process.stop() } }
        var disruptions: [(name: String, at: Double)] = []
        func counted(_ tasks: Int) -> Bool { RunBook.awaitCounted(out, atLeast: tasks, timeout: 90) }

        #expect(counted(20))
        workers["h2-w3"]!.signal(SIGKILL)
        disruptions.append(("h2-w3", Date().timeIntervalSince1970))

        #expect(counted(45))
        workers["h1-w1"]!.signal(SIGSTOP)  // alive, silent, holding a lease
        disruptions.append(("h1-w1", Date().timeIntervalSince1970))
        #expect(coordinator.awaitLine(containing: "worker lost: h1-w1") != nil)
        #expect(counted(60))
        workers["h1-w1"]!.signal(SIGCONT)  // wakes up with a result nobody wants any more

        #expect(counted(80))
        hosts.cut(3)
        disruptions.append(("h3-w5", Date().timeIntervalSince1970))
        disruptions.append(("h3-w6", Date().timeIntervalSince1970))
        #expect(coordinator.awaitLine(containing: "worker lost: h3-w5") != nil)
        #expect(coordinator.awaitLine(containing: "worker lost: h3-w6") != nil)
        #expect(counted(100))
        hosts.heal(3)

        #expect(counted(115))
        workers["h2-w4"]!.signal(SIGKILL)
        disruptions.append(("h2-w4", Date().timeIntervalSince1970))
        workers["h2-w7"] = try worker("h2-w7", on: 2)  // a new worker joins mid-sweep

        #expect(counted(150))
        coordinator.signal(SIGKILL)
        _ = coordinator.awaitExit()
        let resumeStarted = Date().timeIntervalSince1970
        coordinator = try hosts.sweep(on: 1, ["resume", out.path] + coordinatorArguments, directory: root)
        #expect(
            coordinator.awaitExit(timeout: 180) == 0, "\(coordinator.stderrLines.suffix(30).joined(separator: "\n"))")

        // The books: every task counted exactly once, with its right value; nothing pending.
        let rows = try readResults(out)
        #expect(rows.count == 240)
        #expect(Set(rows.map { "\($0["trial"]!)/\($0["fold"]!)" }).count == 240)
        for row in rows {
            #expect(
                row["status"] == "ok" && Double(row["value"]!) == Double(Int(row["x"]!)! * 100 + Int(row["fold"]!)!),
                "\(row)")
        }
        let book = try RunBook(out)
        #expect(book.counted == 240)
        #expect(try book.count("SELECT count(*) FROM task_status WHERE status != 'ok'") == 0)
        #expect(
            try book.count(
                "SELECT count(*) FROM (SELECT trial, fold FROM results WHERE counted = 1 GROUP BY trial, fold HAVING count(*) > 1)"
            ) == 0)
        let duplicates = book.duplicates
        #expect(duplicates >= 1, "the stopped worker's late result should arrive as a duplicate")
        #expect(rows.contains { $0["worker"] == "h2-w7" }, "the worker added mid-sweep got tasks")

        // What the run looked like.
        let lost = try book.events("worker-lost")
        var latencies: [Double] = []
        for disruption in disruptions {
            if let event = lost.first(where: { $0.detail.hasPrefix(disruption.name + "@") && $0.at >= disruption.at }) {
                latencies.append(event.at - disruption.at)
            }
        }
        latencies.sort()
        let requeued = try book.count(
            "SELECT coalesce(sum(CAST(detail AS INTEGER)), 0) FROM events WHERE kind = 'requeued'")
        let firstDispatchAfterResume = try book.events("first-dispatch").last.map { $0.at - resumeStarted } ?? .nan
        print(
            """
            chaos: 240 tasks, 7 workers on 3 hosts; \(disruptions.count) disruptions detected: \(latencies.count)
              detection latency: median \(String(format: "%.2f", latencies.isEmpty ? .nan : latencies[latencies.count / 2])) s, max \(String(format: "%.2f", latencies.last ?? .nan)) s (heartbeat 0.5 s × 3)
              re-queued tasks: \(requeued); duplicate results received and ignored: \(duplicates)
              sweep resume → first dispatch: \(String(format: "%.2f", firstDispatchAfterResume)) s
            """)
        #expect(latencies.count == disruptions.count)
        #expect((latencies.last ?? 99) < 10)
    }
}
