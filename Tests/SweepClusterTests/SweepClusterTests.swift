import Foundation
import Testing

/// Multi-process tests: real `sweep` processes talking ZeroMQ over loopback TCP.
@Suite(.serialized)
struct SweepClusterTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    @Test func runWithTwoWorkerProcessesCountsEveryTaskOnceAndUsesBothWorkers() throws {
        let directory = try temporaryDirectory()
        try noopSpec(trials: 20, sleep: 0.02).write(
            to: directory.appendingPathComponent("spec.yaml"), atomically: true, encoding: .utf8)
        let out = directory.appendingPathComponent("out")
        let run = try ChildProcess(
            ["run", "spec.yaml", "--workers", "2", "--out", out.path, "--heartbeat", "250ms"], directory: directory)
        #expect(run.awaitExit() == 0, "stderr: \(run.stderrLines.joined(separator: "\n"))")
        let rows = try readResults(out)
        #expect(rows.count == 40)
        #expect(Set(rows.map { "\($0["trial"]!)/\($0["fold"]!)" }).count == 40)
        #expect(rows.allSatisfy { $0["status"] == "ok" })
        #expect(Set(rows.map { $0["worker"]! }) == ["local-1", "local-2"])
        #expect(try readBestJSON(out)["trial"] as? Int == 19)
        #expect(run.stdout.contains("best: trial 19"))
        for file in ["trials.csv", "report.md", "spec.yaml"] {
            #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent(file).path), "missing \(file)")
        }
    }

    @Test func exampleSweepPicksTheBestRegularisation() throws {
        let directory = try temporaryDirectory()
        let spec = Self.repository.appendingPathComponent("examples/iris-logreg.yaml").path
        let run = try ChildProcess(["run", spec, "--workers", "2", "--out", directory.path], directory: directory)
        #expect(run.awaitExit() == 0, "stderr: \(run.stderrLines.joined(separator: "\n"))")
        let rows = try readResults(directory)
        #expect(rows.count == 35)
        let best = try readBestJSON(directory)
        // Weak regularisation wins on iris; the ties at 0.98 go to the lowest std, then the lowest trial.
        let params = try #require(best["params"] as? [String: Any])
        #expect(params.count == 2 && params["C"] as? Int == 10 && params["max_iter"] as? Int == 200)
        #expect(abs((best["mean"] as? Double ?? 0) - 0.98) < 1e-9)
        let report = try String(contentsOf: directory.appendingPathComponent("report.md"), encoding: .utf8)
        #expect(report.contains("## Top trials"))
        #expect(best["model"] as? String == "model.json")
        // The refitted model predicts new rows; wrong columns are named.
        let iris = Self.repository.appendingPathComponent("examples/datasets/iris.csv")
        let newRows =
            try String(contentsOf: iris, encoding: .utf8).split(separator: "\n").prefix(3).joined(separator: "\n")
            + "\n"
        try newRows.write(to: directory.appendingPathComponent("new.csv"), atomically: true, encoding: .utf8)
        let predict = try ChildProcess(["predict", "model.json", "new.csv"], directory: directory)
        #expect(predict.awaitExit() == 0)
        #expect(predict.stdout.hasPrefix("prediction,proba_setosa,proba_versicolor,proba_virginica\nsetosa,"))
        try "sepal_length_cm\n5.1\n".write(
            to: directory.appendingPathComponent("bad.csv"), atomically: true, encoding: .utf8)
        let refused = try ChildProcess(["predict", "model.json", "bad.csv"], directory: directory)
        #expect(refused.awaitExit() == 2)
        #expect(refused.stderrLines.joined().contains("lacks 3 of the model's 4 feature columns"))
        #expect(report.contains("## Workers") && report.contains("| local-"))
    }

    @Test func separatelyStartedWorkersServeTheCoordinatorAndOneJoinsMidSweep() throws {
        let (coordinator, endpoint, out) = try startCoordinator(noopSpec(trials: 30, sleep: 0.05), heartbeat: "250ms")
        let early = try ChildProcess(["worker", "--connect", endpoint, "--slots", "1", "--name", "early"])
        defer { early.stop() }
        #expect(coordinator.awaitLine(containing: "worker joined: early") != nil)
        #expect(coordinator.awaitLine(containing: "tasks (") != nil)
        let late = try ChildProcess(["worker", "--connect", endpoint, "--slots", "1", "--name", "late"])
        defer { late.stop() }
        #expect(coordinator.awaitLine(containing: "worker joined: late") != nil)
        #expect(coordinator.awaitExit() == 0, "stderr: \(coordinator.stderrLines.joined(separator: "\n"))")
        let rows = try readResults(out)
        #expect(rows.count == 60)
        #expect(Set(rows.map { "\($0["trial"]!)/\($0["fold"]!)" }).count == 60)
        let perWorker = Dictionary(grouping: rows, by: { $0["worker"]! }).mapValues(\.count)
        #expect((perWorker["early"] ?? 0) > 0)
        #expect((perWorker["late"] ?? 0) > 0, "the worker that joined mid-sweep got no tasks: \(perWorker)")
        // Workers outlive the sweep: they wait for the next one until stopped.
        #expect(late.awaitLine(containing: "finished; waiting for the next one") != nil)
        #expect(late.process.isRunning)
        late.signal(SIGTERM)
        #expect(late.awaitExit(timeout: 10) == 0)
    }

    @Test func sigkilledWorkerDoesNotStopTheSweepAndEveryTaskCountsOnce() throws {
        let (coordinator, endpoint, out) = try startCoordinator(noopSpec(trials: 20, sleep: 0.1), heartbeat: "200ms")
        let survivor = try ChildProcess(["worker", "--connect", endpoint, "--slots", "1", "--name", "survivor"])
        defer { survivor.stop() }
        let victim = try ChildProcess(["worker", "--connect", endpoint, "--slots", "1", "--name", "victim"])
        #expect(coordinator.awaitLine(containing: "worker joined: victim") != nil)
        #expect(victim.awaitLine(containing: "registered with the coordinator") != nil)
        victim.signal(SIGKILL)
        let lost = try #require(coordinator.awaitLine(containing: "worker lost: victim"))
        #expect(coordinator.awaitExit() == 0, "stderr: \(coordinator.stderrLines.joined(separator: "\n"))")
        let rows = try readResults(out)
        #expect(rows.count == 40)
        #expect(Set(rows.map { "\($0["trial"]!)/\($0["fold"]!)" }).count == 40)
        #expect(rows.allSatisfy { $0["status"] == "ok" })
        if !lost.contains("re-queued 0 tasks") {
            #expect(rows.contains { $0["attempt"] == "2" }, "a re-queued task should show its second attempt")
        }
        #expect(rows.filter { $0["worker"] == "survivor" }.count >= 40 - rows.filter { $0["worker"] == "victim" }.count)
    }

    @Test func validateReportsEveryProblemWithItsLineAndWritesNothing() throws {
        let directory = try temporaryDirectory()
        let spec = """
            name: broken
            data: {path: missing.csv, target: label, task: classification}
            cv: {folds: one}
            trainer: {model: logistic_regression}
            space:
              C: {loguniform: [10, 1]}
            objective: {metric: rmse}
            colour: blue
            """
        try spec.write(to: directory.appendingPathComponent("broken.yaml"), atomically: true, encoding: .utf8)
        let validate = try ChildProcess(["validate", "broken.yaml"], directory: directory)
        #expect(validate.awaitExit() == 2)
        let output = validate.stderrLines.joined(separator: "\n")
        #expect(output.contains("line 3: cv.folds"))
        #expect(output.contains("line 6: space.C.loguniform: lo must be < hi"))
        #expect(output.contains("line 7: objective.metric: 'rmse' is for regression"))
        #expect(output.contains("line 8: colour: unknown key"))
        let run = try ChildProcess(["run", "broken.yaml", "--out", "out"], directory: directory)
        #expect(run.awaitExit() == 2)
        #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("out").path))
        #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("runs").path))
    }

    @Test func validateChecksTheDataFileAndAcceptsTheExample() throws {
        let directory = try temporaryDirectory()
        try "a,b\n1,2\n".write(to: directory.appendingPathComponent("tiny.csv"), atomically: true, encoding: .utf8)
        let spec = """
            data: {path: tiny.csv, target: label, task: classification}
            trainer: {model: knn}
            """
        try spec.write(to: directory.appendingPathComponent("spec.yaml"), atomically: true, encoding: .utf8)
        let bad = try ChildProcess(["validate", "spec.yaml"], directory: directory)
        #expect(bad.awaitExit() == 2)
        #expect(bad.stderrLines.joined().contains("line 1: data.target: no column 'label' in tiny.csv; columns: a, b"))

        let example = Self.repository.appendingPathComponent("examples/iris-logreg.yaml").path
        let good = try ChildProcess(["validate", example])
        #expect(good.awaitExit() == 0)
        #expect(good.stdout.contains("7 trials × 5 folds = 35 tasks (grid), 150 rows × 4 features"))
    }
}

extension SweepClusterTests {
    @Test func categoricalAndMissingDataRunEndToEndAndPredict() throws {
        let directory = try temporaryDirectory()
        var generator = SystemRandomNumberGenerator()
        let colours = ["red", "green", "blue"]
        var lines = ["id,size,colour,weight,label"]
        for row in 0..<120 {
            let colour = colours[row % 3]
            let size = Double(row % 10) + Double.random(in: 0...0.5, using: &generator)
            let label = (colour == "red" || size > 6) ? "yes" : "no"
            lines.append(
                "\(row),\(row % 17 == 0 ? "" : String(size)),\(row % 23 == 0 ? "NA" : colour),\(Double(row) / 3),\(label)"
            )
        }
        try (lines.joined(separator: "\n") + "\n").write(
            to: directory.appendingPathComponent("data.csv"), atomically: true, encoding: .utf8)
        try """
        data: {path: data.csv, target: label, task: classification, drop: [id], impute: median}
        trainer: {model: random_forest}
        space: {n_estimators: 30, max_depth: {values: [2, 6]}}
        objective: {metric: roc_auc}
        """.write(to: directory.appendingPathComponent("spec.yaml"), atomically: true, encoding: .utf8)
        let run = try ChildProcess(["run", "spec.yaml", "--workers", "2", "--out", "out"], directory: directory)
        #expect(run.awaitExit() == 0, "\(run.stderrLines.joined(separator: "\n"))")
        #expect(try readBestJSON(directory.appendingPathComponent("out"))["metric"] as? String == "roc_auc")
        try "size,colour,weight\n7.2,purple,3\n,red,\n".write(
            to: directory.appendingPathComponent("new.csv"), atomically: true, encoding: .utf8)
        let predict = try ChildProcess(["predict", "out/model.json", "new.csv"], directory: directory)
        #expect(predict.awaitExit() == 0, "\(predict.stderrLines.joined(separator: "\n"))")
        let predictions = predict.stdout.split(separator: "\n")
        #expect(predictions.count == 3 && predictions[0] == "prediction,proba_no,proba_yes")
        #expect(predictions[2].hasPrefix("yes,"), "a red row is a yes, even with its size missing")
    }
}

extension SweepClusterTests {
    @Test func aHoldoutIsScoredOnceByTheRefittedModel() throws {
        let directory = try temporaryDirectory()
        let spec = """
            data: {path: \(Self.repository.appendingPathComponent("examples/datasets/wine.csv").path), target: target, task: classification}
            cv: {folds: 4, repeats: 2, test_size: 0.2, seed: 1}
            trainer: {model: logistic_regression}
            space: {C: {values: [0.1, 1]}}
            """
        try spec.write(to: directory.appendingPathComponent("spec.yaml"), atomically: true, encoding: .utf8)
        let run = try ChildProcess(["run", "spec.yaml", "--workers", "2", "--out", "out"], directory: directory)
        #expect(run.awaitExit() == 0, "\(run.stderrLines.joined(separator: "\n"))")
        let rows = try readResults(directory.appendingPathComponent("out"))
        #expect(rows.count == 16, "2 trials × 4 folds × 2 repeats")
        let holdout = try #require(
            try readBestJSON(directory.appendingPathComponent("out"))["holdout"] as? [String: Any])
        #expect(holdout["rows"] as? Int == 36 && (holdout["metrics"] as? [String: Any])?["accuracy"] is NSNumber)
        let report = try String(contentsOf: directory.appendingPathComponent("out/report.md"), encoding: .utf8)
        #expect(report.contains("On the 36 held-out rows"))
    }
}
