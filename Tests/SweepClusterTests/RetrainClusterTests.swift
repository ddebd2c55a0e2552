import Foundation
import GRDB
import Testing

/// `sweep retrain` through the built binary, on a sweep that really ran: a dataset whose decision
/// boundary moved gets a promoted model, the same data does not; retrain.json, the report's
/// section, run.db's events and --promote-to say and do what was decided; the previous run is
/// never changed.
@Suite(.serialized)
struct RetrainClusterTests {
    static let spec = """
        name: retrain
        data: {path: old.csv, target: y, task: classification}
        cv: {folds: 3, seed: 1}
        trainer: {model: logistic_regression}
        search: {algorithm: random, trials: 4, seed: 2}
        space: {C: {loguniform: [0.01, 10]}}
        objective: {metric: accuracy}
        """

    /// a, b ~ N(0, 1); y = "yes" when `boundary` (a or b) plus noise is above 0.
    static func csv(rows: Int, seed: UInt64, boundary: String) -> String {
        var stream = SplitMixStream(seed: seed)
        func unit() -> Double { stream.unit() }
        func normal() -> Double { stream.normal() }
        var lines = ["a,b,y"]
        for _ in 0..<rows {
            let a = normal(), b = normal()
            lines.append("\(a),\(b),\((boundary == "a" ? a : b) + 0.3 * normal() > 0 ? "yes" : "no")")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A finished sweep on old.csv in runs/old, with new.csv (the boundary moved from a to b).
    static let project = Result { try makeProject() }

    static func makeProject() throws -> URL {
        let directory = try temporaryDirectory()
        try spec.write(to: directory.appendingPathComponent("spec.yaml"), atomically: true, encoding: .utf8)
        for (name, seed, boundary) in [("old.csv", UInt64(1), "a"), ("new.csv", 2, "b")] {
            try csv(rows: 300, seed: seed, boundary: boundary).write(
                to: directory.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        let run = try FinishedCommand(
            ["run", "spec.yaml", "--workers", "1", "--out", "runs/old"], directory: directory, timeout: 120)
        guard run.status == 0 else { throw RetrainTestError(run.transcript) }
        return directory
    }

    struct RetrainTestError: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }

    static func retrain(_ arguments: [String], in directory: URL) throws -> FinishedCommand {
        try FinishedCommand(
            ["retrain"] + arguments + ["--workers", "1", "--heartbeat", "250ms"], directory: directory, timeout: 120)
    }

    static func record(_ run: URL) throws -> [String: Any] {
        let data = try Data(contentsOf: run.appendingPathComponent("retrain.json"))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    /// Every file of a directory with its bytes: to show a run directory was left as it was.
    static func snapshot(_ directory: URL) throws -> [String: Data] {
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
        var files: [String: Data] = [:]
        for name in names where !name.hasPrefix("run.db-") {
            let url = directory.appendingPathComponent(name)
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), !isDirectory.boolValue {
                files[name] = try Data(contentsOf: url)
            }
        }
        return files
    }

    static func params(_ run: URL) throws -> [String] {
        try DatabaseQueue(path: run.appendingPathComponent("run.db").path).read { db in
            try String.fetchAll(db, sql: "SELECT params_json FROM trials ORDER BY trial")
        }
    }

    @Test func aMovedBoundaryIsPromotedAndTheSameDataIsNot() throws {
        let directory = try Self.project.get()
        let old = directory.appendingPathComponent("runs/old")
        let before = try Self.snapshot(old)
        try FileManager.default.createDirectory(
            at: directory.appendingPathComponent("serving"), withIntermediateDirectories: true)
        let moved = try Self.retrain(
            ["runs/old", "--data", "new.csv", "--top", "2", "--trials", "1", "--promote-to", "serving/model.json"],
            in: directory)
        #expect(moved.status == 0, "\(moved.transcript)")
        #expect(moved.stdout.contains("retrain: promoted: the candidate's accuracy"), "\(moved.transcript)")
        let first = directory.appendingPathComponent("runs/old-retrain-1")
        let record = try Self.record(first)
        #expect(record["promoted"] as? Bool == true && record["same_data"] as? Bool == false)
        #expect(record["previous"] as? String == old.standardizedFileURL.path)
        let baseline = try #require(record["baseline"] as? [String: Any])
        let candidate = try #require(record["candidate"] as? [String: Any])
        #expect(baseline["kind"] as? String == "model" && (baseline["folds"] as? [Double])?.count == 3)
        #expect((candidate["score"] as? Double ?? 0) > (baseline["score"] as? Double ?? 1) + 0.2, "\(record)")
        let promoted = try Data(contentsOf: directory.appendingPathComponent("serving/model.json"))
        #expect(promoted == (try Data(contentsOf: first.appendingPathComponent("model.json"))))
        // The previous top 2 ran first, then 1 more; the old trials taught the sampler.
        let previousBest = try #require(record["previous_best"] as? [String: Any])
        let bestTrial = try #require(previousBest["trial"] as? Int)
        #expect(try Self.params(first).count == 3)
        #expect(try Self.params(first).first == (try Self.params(old)[bestTrial]))
        let book = try RunBook(first)
        #expect(try book.count("SELECT count(*) FROM prior_trials") == 4)
        #expect(try book.events("retrain").first?.detail.hasPrefix("retrains \(old.standardizedFileURL.path)") == true)
        #expect(try book.events("retrain-verdict").first?.detail.hasPrefix("promoted: ") == true)
        let report = try String(contentsOf: first.appendingPathComponent("report.md"), encoding: .utf8)
        #expect(report.contains("## Retraining\n\nThis run retrains") && report.contains("**promoted**"))
        #expect(report.contains("top 2 configurations were evaluated first on the new data's folds, then 1 more"))
        #expect(record["enqueued"] as? Int == 2 && record["further_trials"] as? Int == 1)
        let paired = try #require(record["paired"] as? [String: Any], "\(record)")
        #expect(paired["folds"] as? Int == 3 && (paired["mean_improvement"] as? Double ?? 0) > 0.2)
        #expect(report.contains("Fold by fold (3 folds): the candidate is better by"), "\(report)")
        #expect(report.range(of: "## Retraining")!.lowerBound < report.range(of: "## Best configuration")!.lowerBound)
        // `sweep report` rewrites the report with the section still in it.
        let rewritten = try FinishedCommand(["report", first.path], directory: directory)
        #expect(rewritten.status == 0 && rewritten.stdout == report, "\(rewritten.transcript)")
        #expect(try String(contentsOf: first.appendingPathComponent("report.md"), encoding: .utf8) == report)

        let same = try Self.retrain(
            ["runs/old", "--data", "old.csv", "--promote-to", "serving/same.json"], in: directory)
        #expect(same.status == 0, "not promoting is no error: \(same.transcript)")
        #expect(same.stdout.contains("retrain: not promoted: "), "\(same.transcript)")
        let second = directory.appendingPathComponent("runs/old-retrain-2")
        let sameRecord = try Self.record(second)
        #expect(sameRecord["promoted"] as? Bool == false && sameRecord["same_data"] as? Bool == true)
        #expect((sameRecord["reason"] as? String ?? "").contains("nothing changed, so the previous model stays"))
        let sameReport = try String(contentsOf: second.appendingPathComponent("report.md"), encoding: .utf8)
        #expect(sameReport.contains("The new data is the same file (sha256) as the previous run's"), "\(sameReport)")
        #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("serving/same.json").path))
        #expect(try Self.snapshot(old) == before, "the previous run directory is never changed")
        let files = try FileManager.default.contentsOfDirectory(atPath: old.path)
        #expect(!files.contains("run.db-shm") && !files.contains("run.db-wal"), "read as immutable: \(files)")
    }

    @Test func aColumnTheOldModelDidNotUseIsNoted() throws {
        let directory = try Self.project.get()
        let lines = Self.csv(rows: 300, seed: 3, boundary: "b").split(separator: "\n").enumerated().map {
            $0.offset == 0 ? "\($0.element),extra" : "\($0.element),\($0.offset % 7)"
        }
        try (lines.joined(separator: "\n") + "\n").write(
            to: directory.appendingPathComponent("wide.csv"), atomically: true, encoding: .utf8)
        let wide = try Self.retrain(
            ["runs/old", "--data", "wide.csv", "--top", "1", "--out", "runs/wide"], in: directory)
        #expect(wide.status == 0, "\(wide.transcript)")
        let notes = try #require(try Self.record(directory.appendingPathComponent("runs/wide"))["notes"] as? [String])
        #expect(
            notes == ["the new data has columns the previous model did not use: extra (features of the candidate only)"]
        )
    }
}
