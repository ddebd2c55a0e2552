import Foundation
import Testing

/// Nested CV (`cv.outer`) through the `sweep` binary: the estimate equals scikit-learn's
/// `cross_val_score(GridSearchCV(...), cv=outer)` on the same folds, `sweep report` rewrites it
/// from run.db alone, and a sweep killed and resumed gives the same estimate.
@Suite(.serialized)
struct NestedClusterTests {
    static func spec(_ dataset: String, task: String, model: String, metric: String, space: String, cv: String)
        -> String
    {
        """
        name: nested-\(dataset)
        data: {path: \(Repository.path("examples/datasets/\(dataset).csv")), target: target, task: \(task)}
        cv: \(cv)
        trainer: {model: \(model)}
        search: {algorithm: grid}
        space:
          \(space)
        objective: {metric: \(metric), goal: maximize}
        """
    }

    static let iris = spec(
        "iris", task: "classification", model: "logistic_regression", metric: "accuracy",
        space: "C: {values: [0.01, 0.1, 1, 10, 100]}\n  max_iter: 100", cv: "{folds: 5, outer: 3}")
    static let diabetes = spec(
        "diabetes", task: "regression", model: "ridge", metric: "r2",
        space: "alpha: {values: [0.01, 1, 100, 1000]}", cv: "{folds: 4, outer: 3, seed: 5}")
    /// Slow enough with one worker (36 tasks of 10-class logistic regression) to be killed midway.
    static let digits = spec(
        "digits", task: "classification", model: "logistic_regression", metric: "accuracy",
        space: "C: {values: [0.01, 0.1, 1]}\n  max_iter: 50", cv: "{folds: 3, outer: 3}")

    /// Writes the spec, runs it to its end with `sweep run`; the run directory.
    func run(_ spec: String, in directory: URL, workers: Int = 2) throws -> URL {
        try spec.write(to: directory.appendingPathComponent("spec.yaml"), atomically: true, encoding: .utf8)
        let run = try FinishedCommand(
            ["run", "spec.yaml", "--workers", "\(workers)", "--out", "out"], directory: directory, timeout: 300)
        #expect(run.status == 0, "\(run.transcript)")
        #expect(
            run.stdout.contains(" over 3 outer folds (what to expect of this search on new data)\n"),
            "\(run.transcript)")
        return directory.appendingPathComponent("out")
    }

    /// `sweep-bench nested-plan SPEC` (built beside `sweep`): the folds the spec runs on, as JSON.
    func nestedPlan(_ spec: URL) throws -> Data {
        let process = Process()
        process.executableURL = ChildProcess.sweepBinary.deletingLastPathComponent().appendingPathComponent(
            "sweep-bench")
        process.arguments = ["nested-plan", spec.path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "sweep-bench nested-plan: \(String(decoding: data, as: UTF8.self))")
        return data
    }

    func bestJSON(_ out: URL) throws -> [String: Any] {
        let data = try Data(contentsOf: out.appendingPathComponent("best.json"))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    @Test(arguments: [("iris", iris), ("diabetes", diabetes)])
    func theNestedEstimateEqualsScikitLearnsOnTheSameFolds(_ name: String, _ spec: String) throws {
        if let reason = InteropPython.unavailableReason {
            print("skipping the scikit-learn comparison of nested CV: \(reason)")
            return
        }
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let out = try run(spec, in: directory)
        let nested = try #require(try bestJSON(out)["nested"] as? [String: Any], "best.json has no nested estimate")
        #expect((nested["folds"] as? [Double])?.count == 3 && (nested["chosen"] as? [Any])?.count == 3)
        // The folds the sweep ran on, from the plan the spec makes (sweep-bench nested-plan).
        let planFile = directory.appendingPathComponent("plan.json")
        try nestedPlan(directory.appendingPathComponent("spec.yaml")).write(to: planFile)
        let compared = InteropPython.run([
            Repository.path("Benchmarks/parity-nested.py"), "--compare", planFile.path, out.path,
        ])
        #expect(
            compared.status == 0, "nested estimate differs from scikit-learn's by more than 0.005:\n\(compared.output)")
        #expect(compared.output.contains("✓"), "\(compared.output)")
        print("\(name):\n\(compared.output)")
    }

    /// `sweep validate` shows the task count, and names what nested CV cannot do with the field to change.
    @Test func validateCountsTheTasksAndRefusesWhatNestedCVCannotDoHonestly() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        func validate(_ spec: String) throws -> FinishedCommand {
            try spec.write(to: directory.appendingPathComponent("spec.yaml"), atomically: true, encoding: .utf8)
            return try FinishedCommand(["validate", "spec.yaml"], directory: directory)
        }
        let ok = try validate(Self.iris)
        #expect(
            ok.status == 0 && ok.stdout.contains("5 trials × (1 + 3 outer) × 5 folds = 100 tasks"), "\(ok.transcript)")
        let tpe = try validate(
            Self.iris.replacingOccurrences(of: "{algorithm: grid}", with: "{algorithm: tpe, trials: 20}"))
        #expect(
            tpe.status == 2 && tpe.stderr.contains("search.algorithm: tpe adapts its suggestions"), "\(tpe.transcript)")
        let rows = try validate(Self.iris.replacingOccurrences(of: "outer: 3}", with: "outer: 200}"))
        #expect(
            rows.status == 2
                && rows.stderr.contains("cv.outer: 200 outer folds need at least 200 rows; the data has 150"),
            "\(rows.transcript)")
    }

    @Test func sweepReportRewritesTheNestedEstimateFromTheRunDatabase() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let out = try run(Self.iris, in: directory)
        let files = ["best.json", "report.md", "report.html", "results.csv"]
        let before = try files.map { try String(contentsOf: out.appendingPathComponent($0), encoding: .utf8) }
        #expect(before[1].contains("## Nested cross-validation") && before[2].contains("<section id=\"nested\">"))
        #expect(before[3].hasPrefix("trial,fold,outer_fold,status,"))
        for file in files { try FileManager.default.removeItem(at: out.appendingPathComponent(file)) }
        let report = try FinishedCommand(["report", out.path])
        #expect(report.status == 0, "\(report.transcript)")
        let after = try files.map { try String(contentsOf: out.appendingPathComponent($0), encoding: .utf8) }
        #expect(after[0] == before[0] && after[1] == before[1] && after[3] == before[3])
        #expect(after[2].contains("<section id=\"nested\">"))
        // The model card (written from best.json) carries the nested estimate too.
        let card = try String(contentsOf: out.appendingPathComponent("MODEL.md"), encoding: .utf8)
        #expect(card.contains("| nested CV over 3 outer folds |"), "\(card)")
    }

    @Test func aNestedSweepKilledAndResumedGivesTheSameEstimate() throws {
        let reference = try temporaryDirectory(), directory = try temporaryDirectory()
        defer {
            try? FileManager.default.removeItem(at: reference)
            try? FileManager.default.removeItem(at: directory)
        }
        let expected = try #require(try bestJSON(try run(Self.digits, in: reference))["nested"] as? NSDictionary)

        try Self.digits.write(to: directory.appendingPathComponent("spec.yaml"), atomically: true, encoding: .utf8)
        let out = directory.appendingPathComponent("out")
        let first = try ChildProcess(
            ["run", "spec.yaml", "--workers", "1", "--out", out.path, "--heartbeat", "250ms"], directory: directory)
        #expect(RunBook.awaitCounted(out, atLeast: 10))
        first.signal(SIGKILL)
        _ = first.awaitExit()
        #expect(try RunBook(out).counted < 36, "killed before the sweep's 36 tasks were all counted")
        let resumed = try ChildProcess(["resume", out.path, "--heartbeat", "250ms"])
        #expect(resumed.awaitExit(timeout: 300) == 0, "\(resumed.stderrLines.joined(separator: "\n"))")
        #expect(try RunBook(out).counted == 36)
        let nested = try #require(try bestJSON(out)["nested"] as? NSDictionary)
        #expect(nested == expected, "resumed: \(nested)\nuninterrupted: \(expected)")
    }
}
