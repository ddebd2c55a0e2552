import Foundation
import SweepHTTP
import Testing

/// Every route of a dashboard over a real sweep's run directory, with what the metrics counted.
@Suite struct DashboardRouteTests {
    @Test func theReportPageNamesTheSweep() async throws {
        let run = try await FinishedRun.shared.value
        let page = try await get(run.port, "/")
        #expect(page.status == 200)
        #expect(page.headers.contains { $0.0.lowercased() == "content-type" && $0.1.hasPrefix("text/html") })
        #expect(page.body.contains("dashboard-test"))
        #expect(page.body.contains("<h1>Sweep report: dashboard-test</h1>"), "report.html's page")
    }

    @Test func statusIsTheJSONOfSweepStatus() async throws {
        let run = try await FinishedRun.shared.value
        let response = try await get(run.port, "/api/status")
        #expect(response.status == 200)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(response.body.utf8)) as? [String: Any])
        #expect(json["name"] as? String == "dashboard-test")
        #expect(json["state"] as? String == "finished")
        #expect(json["tasks"] as? Int == 6)
        #expect(json["succeeded"] as? Int == 6)
        let best = try #require(json["best"] as? [String: Any])
        #expect(best["trial"] as? Int == 2)
    }

    @Test func trialsHaveTheirParamsAsJSONObjectsAndTheirFoldScores() async throws {
        let run = try await FinishedRun.shared.value
        let response = try await get(run.port, "/api/trials")
        #expect(response.status == 200)
        let trials = try #require(try JSONSerialization.jsonObject(with: Data(response.body.utf8)) as? [[String: Any]])
        #expect(trials.count == 3)
        for (number, trial) in trials.enumerated() {
            #expect(trial["trial"] as? Int == number)
            #expect(trial["status"] as? String == "ok")
            let params = try #require(trial["params"] as? [String: Any])
            #expect(params["score"] as? Int == number + 1)
            #expect(trial["folds"] as? [Double] == [Double(number + 1), Double(number + 1)])
            let objective = try #require(trial["objective"] as? [String: Any])
            #expect(objective["mean"] as? Double == Double(number + 1))
        }
    }

    @Test func metricsCountedTheSweepInThePrometheusFormat() async throws {
        let run = try await FinishedRun.shared.value
        let response = try await get(run.port, "/metrics")
        #expect(response.status == 200)
        let lines = Set(response.body.split(separator: "\n").map(String.init))
        for expected in [
            #"sweep_tasks_total{status="ok"} 6"#, #"sweep_tasks_total{status="failed"} 0"#,
            #"sweep_trials_total{status="ok"} 3"#, "sweep_task_duration_seconds_count 6",
            "sweep_dispatch_seconds_count 6", "sweep_best_objective 3.0", "sweep_requeues_total 0",
            "sweep_duplicate_results_total 0", "sweep_malformed_messages_total 0",
            "# TYPE sweep_dispatch_seconds histogram",
        ] {
            #expect(lines.contains(expected), "\(expected) in\n\(response.body)")
        }
        #expect(
            lines.contains { $0.hasPrefix("# HELP sweep_dispatch_seconds ") && $0.contains("minus the task's own") })
        #expect(lines.contains { $0.hasPrefix("sweep_workers ") })
        #expect(lines.contains { $0.hasPrefix(#"sweep_slots{state="busy"} "#) })
    }

    @Test(arguments: ["/nope", "/api", "/api/status/x", "/metrics/x", "/report.html"])
    func anUnknownPathIsNotFound(path: String) async throws {
        let run = try await FinishedRun.shared.value
        #expect(try await get(run.port, path).status == 404)
    }

    @Test func aSweepFinishesWhileClientsStallAndOthersAreStillServed() async throws {
        let run = try await FinishedRun.shared.value
        // The sweep ran to its end with both stalled clients connected (see FinishedRun).
        #expect(run.stalled.count == 2)
        let more = try [RawClient.halfRequest(port: run.port), RawClient.neverReading(port: run.port)]
        for path in Array(repeating: ["/api/status", "/metrics", "/api/trials", "/"], count: 5).joined() {
            #expect(try await get(run.port, path).status == 200)
        }
        withExtendedLifetime(more) {}
    }
}
