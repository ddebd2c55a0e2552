import Foundation
import GRDB
import Testing

/// The model card of real sweeps run by the built binary: MODEL.md and model-card.json beside
/// model.json, with the numbers of best.json and model.json, the categories of a categorical
/// column, the same bytes after `sweep report`, and no card (none left behind) without a model.
@Suite(.serialized)
struct ModelCardClusterTests {
    struct CardTestError: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }

    /// The iris example, run as a user would, into `out/` of a fresh directory (the caller removes it).
    static func runIris() throws -> URL {
        let directory = try temporaryDirectory()
        let spec = SweepClusterTests.repository.appendingPathComponent("examples/iris-logreg.yaml").path
        let run = try FinishedCommand(
            ["run", spec, "--workers", "2", "--out", "out"], directory: directory, timeout: 180)
        guard run.status == 0 else { throw CardTestError(run.transcript) }
        return directory
    }

    static func json(_ url: URL) throws -> [String: Any] {
        guard let object = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any] else {
            throw CardTestError("\(url.path) is not a JSON object")
        }
        return object
    }

    @Test func theIrisExampleCardHasTheNumbersOfBestJSONAndModelJSON() throws {
        let directory = try Self.runIris()
        defer { try? FileManager.default.removeItem(at: directory) }
        let out = directory.appendingPathComponent("out")
        let card = try Self.json(out.appendingPathComponent("model-card.json"))
        let best = try Self.json(out.appendingPathComponent("best.json"))
        let model = try Self.json(out.appendingPathComponent("model.json"))
        #expect(card["format"] as? String == "sweep-model-card" && card["version"] as? Int == 1)
        #expect(card["trial"] as? Int == best["trial"] as? Int)
        #expect((card["params"] as? NSDictionary) == (best["params"] as? NSDictionary))
        let cv = try #require(card["cv"] as? [String: Any])
        #expect(cv["mean"] as? Double == best["mean"] as? Double && cv["std"] as? Double == best["std"] as? Double)
        #expect(cv["folds"] as? Int == (best["folds"] as? [Any])?.count && cv["metric"] as? String == "accuracy")
        let metrics = try #require(best["metrics"] as? [String: [String: Any]])
        let cost = try #require(card["cost"] as? [String: Any])
        #expect(cost["fit_seconds"] as? Double == metrics["fit_seconds"]?["mean"] as? Double)
        #expect(cost["predict_seconds_per_1000_rows"] as? Double == metrics["predict_seconds"]?["mean"] as? Double)
        #expect(cost["model_bytes"] as? Double == metrics["model_bytes"]?["mean"] as? Double)
        let modelFacts = try #require(card["model"] as? [String: Any])
        #expect(modelFacts["sha256"] as? String == (try systemSHA256(out.appendingPathComponent("model.json"))))
        #expect(modelFacts["name"] as? String == "logistic_regression" && modelFacts["path"] as? String == "model.json")
        let data = try #require(card["data"] as? [String: Any])
        let iris = SweepClusterTests.repository.appendingPathComponent("examples/datasets/iris.csv")
        #expect(data["sha256"] as? String == (try systemSHA256(iris)) && data["file"] as? String == "datasets/iris.csv")
        #expect(data["rows"] as? Int == 150 && data["search_rows"] as? Int == model["trainingRows"] as? Int)
        #expect(data["columns"] as? Int == 5 && data["holdout_rows"] as? Int == 0)
        let features = try #require(card["features"] as? [[String: Any]])
        #expect(features.compactMap { $0["name"] as? String } == model["features"] as? [String])
        #expect(features.allSatisfy { $0["kind"] as? String == "numeric" && $0["min"] is Double })
        #expect(card["classes"] as? [String] == model["classes"] as? [String])
        #expect(card["holdout"] == nil && card["nested"] == nil, "no holdout, no nested CV in this example")
        let version = try #require(card["sweep"] as? [String: Any])
        #expect((version["trained_with"] as? String)?.hasPrefix("sweep ") == true)
        try expectTrainedAtIsTheSweepsEnd(card, out: out)
        let markdown = try String(contentsOf: out.appendingPathComponent("MODEL.md"), encoding: .utf8)
        #expect(markdown.hasPrefix("# Model card: iris-logreg\n"))
        #expect(markdown.contains("Trial \(best["trial"] as? Int ?? -1): `C="), "\(markdown)")
        #expect(markdown.contains("| 5-fold CV of the chosen trial (maximize) |"), "\(markdown)")
        #expect(markdown.contains("run `sweep drift model.json NEW.csv` on new data"), "\(markdown)")
    }

    /// trained_at is run.db's finished_at, not the time the card was written.
    func expectTrainedAtIsTheSweepsEnd(_ card: [String: Any], out: URL) throws {
        let finished = try DatabaseQueue(path: out.appendingPathComponent("run.db").path).read { db in
            try Double.fetchOne(db, sql: "SELECT finished_at FROM sweep WHERE id = 1")
        }
        let trainedAt = try #require(card["trained_at"] as? String)
        let date = try #require(ISO8601DateFormatter().date(from: trainedAt))
        #expect(abs(date.timeIntervalSince1970 - (try #require(finished))) < 1, "\(trainedAt)")
    }

    @Test func sweepReportRewritesTheCardWithTheSameBytes() throws {
        let directory = try Self.runIris()
        defer { try? FileManager.default.removeItem(at: directory) }
        let out = directory.appendingPathComponent("out")
        let before = try ["MODEL.md", "model-card.json"].map { try Data(contentsOf: out.appendingPathComponent($0)) }
        try FileManager.default.removeItem(at: out.appendingPathComponent("MODEL.md"))
        let report = try FinishedCommand(["report", out.path])
        #expect(report.status == 0, "\(report.transcript)")
        let after = try ["MODEL.md", "model-card.json"].map { try Data(contentsOf: out.appendingPathComponent($0)) }
        #expect(after == before)
    }

    /// x ~ uniform, color red/green/blue, y = yes when x + a color's shift > 0.5; 20 % held out.
    static func categoricalProject() throws -> URL {
        let directory = try temporaryDirectory()
        var lines = ["x,color,y"]
        for row in 0..<120 {
            let x = Double((row * 37) % 100) / 100, color = ["red", "green", "blue"][row % 3]
            let shift = color == "red" ? 0.2 : color == "green" ? -0.2 : 0
            lines.append("\(x),\(color),\(x + shift > 0.5 ? "yes" : "no")")
        }
        try (lines.joined(separator: "\n") + "\n").write(
            to: directory.appendingPathComponent("colors.csv"), atomically: true, encoding: .utf8)
        try """
        name: colors
        data: {path: colors.csv, target: y, task: classification}
        cv: {folds: 3, seed: 2, test_size: 0.2}
        trainer: {model: logistic_regression}
        space: {C: {values: [0.1, 10.0]}}
        objective: {metric: accuracy}
        """.write(to: directory.appendingPathComponent("colors.yaml"), atomically: true, encoding: .utf8)
        return directory
    }

    @Test func aCategoricalColumnListsItsCategoriesAndTheHoldoutIsScored() throws {
        let directory = try Self.categoricalProject()
        defer { try? FileManager.default.removeItem(at: directory) }
        let run = try FinishedCommand(
            ["run", "colors.yaml", "--workers", "1", "--out", "out"], directory: directory, timeout: 180)
        try #require(run.status == 0, "\(run.transcript)")
        let out = directory.appendingPathComponent("out")
        let card = try Self.json(out.appendingPathComponent("model-card.json"))
        let features = try #require(card["features"] as? [[String: Any]])
        let color = try #require(features.first { $0["name"] as? String == "color" })
        #expect(color["kind"] as? String == "categorical")
        #expect(color["categories"] as? [String] == ["blue", "green", "red"], "\(color)")
        let best = try Self.json(out.appendingPathComponent("best.json"))
        let bestHoldout = try #require(best["holdout"] as? [String: Any])
        let holdout = try #require(card["holdout"] as? [String: Any])
        #expect(holdout["rows"] as? Int == 24 && bestHoldout["rows"] as? Int == 24)
        #expect(holdout["score"] as? Double == (bestHoldout["metrics"] as? [String: Any])?["accuracy"] as? Double)
        let data = try #require(card["data"] as? [String: Any])
        #expect(data["rows"] as? Int == 120 && data["search_rows"] as? Int == 96 && data["holdout_rows"] as? Int == 24)
        let markdown = try String(contentsOf: out.appendingPathComponent("MODEL.md"), encoding: .utf8)
        #expect(markdown.contains("| color | categorical | blue, green, red | 0 % |"), "\(markdown)")
        #expect(markdown.contains("| held-out rows, scored once by the refitted model |"), "\(markdown)")
        #expect(markdown.contains("A category not seen in training (in `color`) encodes as all zeros"))
    }

    /// refit: false writes no model, so no card; `sweep report` removes a card left from before.
    @Test func noModelMeansNoCardAndNoneLeftBehind() throws {
        let directory = try Self.categoricalProject()
        defer { try? FileManager.default.removeItem(at: directory) }
        let spec = directory.appendingPathComponent("colors.yaml")
        try (try String(contentsOf: spec, encoding: .utf8) + "\nrefit: false\n").write(
            to: spec, atomically: true, encoding: .utf8)
        let run = try FinishedCommand(
            ["run", "colors.yaml", "--workers", "1", "--out", "out"], directory: directory, timeout: 180)
        try #require(run.status == 0, "\(run.transcript)")
        let out = directory.appendingPathComponent("out")
        let files = ["model.json", "MODEL.md", "model-card.json"]
        #expect(files.allSatisfy { !FileManager.default.fileExists(atPath: out.appendingPathComponent($0).path) })
        for name in files.dropFirst() {
            try "stale".write(to: out.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        let report = try FinishedCommand(["report", out.path])
        #expect(report.status == 0, "\(report.transcript)")
        #expect(files.allSatisfy { !FileManager.default.fileExists(atPath: out.appendingPathComponent($0).path) })
        #expect(report.stdout.contains("No model file: refit: false in the spec."), "\(report.transcript)")
    }

    /// A command trainer's refitted model is the directory `model/`: its card lists the files
    /// with their hashes, the data's rows, and the cost the program reported under the built-in
    /// names (which report.md shows the same way).
    @Test func aCommandTrainersModelDirectoryGetsACardListingItsFiles() throws {
        let directory = try Self.categoricalProject()
        defer { try? FileManager.default.removeItem(at: directory) }
        try #"echo '@sweep {"accuracy": 0.75, "fit_seconds": 0.25, "model_bytes": 3000}'"#.write(
            to: directory.appendingPathComponent("train.sh"), atomically: true, encoding: .utf8)
        try """
        name: command-colors
        data: {path: colors.csv, target: y, task: classification}
        cv: {folds: 2, seed: 2, test_size: 0.2}
        trainer: {command: [sh, train.sh, "{c}"], workdir: .}
        space: {c: {values: [1, 2]}}
        objective: {metric: accuracy}
        """.write(to: directory.appendingPathComponent("command.yaml"), atomically: true, encoding: .utf8)
        let run = try FinishedCommand(
            ["run", "command.yaml", "--workers", "1", "--out", "out"], directory: directory, timeout: 180)
        try #require(run.status == 0, "\(run.transcript)")
        let out = directory.appendingPathComponent("out")
        let model = out.appendingPathComponent("model")
        try FileManager.default.createDirectory(
            at: model.appendingPathComponent("sub"), withIntermediateDirectories: true)
        try "weights".write(to: model.appendingPathComponent("sub/weights.bin"), atomically: true, encoding: .utf8)
        try "{}".write(to: model.appendingPathComponent("config.json"), atomically: true, encoding: .utf8)
        let report = try FinishedCommand(["report", out.path])
        #expect(report.status == 0, "\(report.transcript)")
        #expect(
            report.stdout.contains("Resource cost (mean over 2 folds): fit 250 ms, model 3 KB."), "\(report.stdout)")
        let card = try Self.json(out.appendingPathComponent("model-card.json"))
        let facts = try #require(card["model"] as? [String: Any])
        #expect(facts["kind"] as? String == "command" && facts["path"] as? String == "model/")
        #expect(facts["name"] as? String == "sh train.sh {c}")
        let files = try #require(facts["files"] as? [[String: Any]])
        #expect(files.compactMap { $0["path"] as? String } == ["config.json", "sub/weights.bin"])
        #expect(files.last?["bytes"] as? Int == 7)
        #expect(files.last?["sha256"] as? String == (try systemSHA256(model.appendingPathComponent("sub/weights.bin"))))
        let data = try #require(card["data"] as? [String: Any])
        #expect(data["rows"] as? Int == 120 && data["search_rows"] as? Int == 96 && data["holdout_rows"] as? Int == 24)
        #expect(card["features"] == nil && card["classes"] == nil, "a command trainer's features are its own")
        #expect((card["cost"] as? [String: Any])?["fit_seconds"] as? Double == 0.25)
        let markdown = try String(contentsOf: out.appendingPathComponent("MODEL.md"), encoding: .utf8)
        #expect(markdown.hasPrefix("# Model card: command-colors\n\n`model/`: the files of the command trainer"))
        try expectNoCardWithoutRefit(directory)
    }

    /// With refit: false a `model/` directory is not the run's model: no card describes it.
    func expectNoCardWithoutRefit(_ directory: URL) throws {
        let spec = directory.appendingPathComponent("command.yaml")
        try (try String(contentsOf: spec, encoding: .utf8) + "\nrefit: false\n").write(
            to: spec, atomically: true, encoding: .utf8)
        let run = try FinishedCommand(
            ["run", "command.yaml", "--workers", "1", "--out", "unrefitted"], directory: directory, timeout: 180)
        try #require(run.status == 0, "\(run.transcript)")
        let out = directory.appendingPathComponent("unrefitted")
        try FileManager.default.createDirectory(
            at: out.appendingPathComponent("model"), withIntermediateDirectories: true)
        let report = try FinishedCommand(["report", out.path])
        #expect(report.status == 0, "\(report.transcript)")
        #expect(!FileManager.default.fileExists(atPath: out.appendingPathComponent("model-card.json").path))
    }
}
