import Foundation
import Testing

/// A multi-objective, constrained sweep of a command trainer through real `sweep` processes:
/// best.json's front is exactly the feasible non-dominated trials, and a sweep killed and
/// resumed ends with the same front as one that ran straight through.
@Suite(.serialized)
struct MultiObjectiveClusterTests {
    /// accuracy = x (maximized), seconds = |x − 0.3| (minimized), latency_ms = 20·x ≤ 12: the front
    /// is the trials with 0.3 ≤ x ≤ 0.6 (below 0.3 both objectives improve with x; above 0.6 infeasible).
    static let spec = """
        name: tradeoff
        cv: {folds: 2}
        trainer:
          command: [python3, -c, "import sys, json, time; x = float(sys.argv[1]); time.sleep(0.05); print('@sweep ' + json.dumps(dict(accuracy=x, seconds=abs(x - 0.3), latency_ms=20 * x)))", "{x}"]
        space: {x: {uniform: [0, 1]}}
        search: {algorithm: random, trials: 14, seed: 11}
        objectives: [{metric: accuracy, goal: maximize}, {metric: seconds, goal: minimize}]
        constraints: [{metric: latency_ms, max: 12}]
        """

    func project() throws -> URL {
        let directory = try temporaryDirectory()
        try Self.spec.write(to: directory.appendingPathComponent("spec.yaml"), atomically: true, encoding: .utf8)
        return directory
    }

    func json(_ url: URL) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
    }

    /// Every trial's x, from trials.csv.
    func xs(_ out: URL) throws -> [Int: Double] {
        let text = try String(contentsOf: out.appendingPathComponent("trials.csv"), encoding: .utf8)
        var lines = text.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false) }
        let header = lines.removeFirst()
        let column = try #require(header.firstIndex(of: "x"))
        return Dictionary(uniqueKeysWithValues: lines.map { (Int($0[0])!, Double($0[column])!) })
    }

    @Test func validatePrintsTheObjectivesAndConstraints() throws {
        let directory = try project()
        let check = try FinishedCommand(["validate", "spec.yaml"], directory: directory)
        #expect(check.status == 0, "\(check.transcript)")
        #expect(
            check.stdout.contains(
                "objectives: maximize accuracy, minimize seconds (a Pareto front; refit: the front's best on accuracy)"),
            "\(check.transcript)")
        #expect(check.stdout.contains("constraints: latency_ms ≤ 12 (infeasible trials are never best)"))
        try (Self.spec + "\nearly_stopping: {rule: median}\n").write(
            to: directory.appendingPathComponent("spec.yaml"), atomically: true, encoding: .utf8)
        let refused = try FinishedCommand(["validate", "spec.yaml"], directory: directory)
        #expect(refused.status != 0)
        #expect(
            refused.stderr.contains("line 9: early_stopping: median stops trials that look worse on one objective"),
            "\(refused.transcript)")
    }

    @Test func bestJSONHoldsTheFeasibleFrontAndTheReportPlotsIt() throws {
        let directory = try project()
        let out = directory.appendingPathComponent("out")
        let run = try FinishedCommand(
            ["run", "spec.yaml", "--workers", "2", "--out", out.path, "--heartbeat", "250ms"], directory: directory,
            timeout: 180)
        #expect(run.status == 0, "\(run.transcript)")
        #expect(run.stdout.contains("pareto front: "), "\(run.transcript)")
        let best = try json(out.appendingPathComponent("best.json"))
        let pareto = try #require(best["pareto"] as? [[String: Any]])
        let x = try xs(out)
        #expect(x.count == 14)
        let expected = x.filter { $0.value >= 0.3 && $0.value <= 0.6 }.sorted { $0.value > $1.value }.map(\.key)
        #expect(!expected.isEmpty && x.values.contains { $0 > 0.6 }, "the seed gives front and infeasible trials")
        #expect(pareto.map { $0["trial"] as! Int } == expected, "sorted by accuracy, best first")
        #expect(best["trial"] as? Int == expected.first, "the refit choice is the front's best accuracy")
        for entry in pareto {
            let objectives = try #require(entry["objectives"] as? [String: Double])
            let trialX = try #require(x[entry["trial"] as! Int])
            #expect(abs(objectives["accuracy"]! - trialX) < 1e-12, "the mean of two equal folds")
            #expect(abs(objectives["seconds"]! - abs(trialX - 0.3)) < 1e-12)
        }
        let report = try String(contentsOf: out.appendingPathComponent("report.md"), encoding: .utf8)
        #expect(report.contains("## Pareto front") && report.contains("missed: latency_ms"))
        let svg = try String(contentsOf: out.appendingPathComponent("pareto.svg"), encoding: .utf8)
        #expect(svg.hasPrefix("<svg") && svg.contains("accuracy (mean; higher is better)"))
        let status = try FinishedCommand(["status", out.path])
        #expect(status.stdout.contains("pareto front: \(expected.count) trials"), "\(status.transcript)")
    }

    @Test func aResumedSweepEndsWithTheSameFront() throws {
        let straight = try project()
        let first = try FinishedCommand(
            ["run", "spec.yaml", "--workers", "1", "--out", "out", "--heartbeat", "250ms"], directory: straight,
            timeout: 180)
        #expect(first.status == 0, "\(first.transcript)")

        let interrupted = try project()
        let out = interrupted.appendingPathComponent("out")
        let run = try ChildProcess(
            ["run", "spec.yaml", "--workers", "1", "--out", out.path, "--heartbeat", "250ms"], directory: interrupted)
        #expect(RunBook.awaitCounted(out, atLeast: 8))
        run.signal(SIGKILL)
        _ = run.awaitExit()
        let resumed = try FinishedCommand(["resume", out.path, "--heartbeat", "250ms"], timeout: 180)
        #expect(resumed.status == 0, "\(resumed.transcript)")
        #expect(try RunBook(out).count("SELECT count(*) FROM events WHERE kind = 'resumed'") == 1)
        let a = try json(straight.appendingPathComponent("out/best.json"))
        let b = try json(out.appendingPathComponent("best.json"))
        let front = { (best: [String: Any]) in (best["pareto"] as? [[String: Any]])?.map { $0["trial"] as! Int } }
        #expect(front(a) != nil && front(a) == front(b))
        let (pa, pb) = (a["pareto"] as? [Any] ?? [], b["pareto"] as? [Any] ?? [])
        #expect(NSArray(array: pa).isEqual(to: pb), "the same front, params and objective means")
        #expect(try xs(straight.appendingPathComponent("out")) == xs(out), "the same trials")
    }
}
