import Foundation
import GRDB
import Testing

/// A sweep killed after its last result was counted but before its end was written (the refit of
/// the best configuration, the nested estimate) is marked finished in run.db and has no model.
/// `sweep resume` finishes that end instead of saying there is nothing to resume.
@Suite(.serialized)
struct CutShortFinishClusterTests {
    /// The state a kill between "finished" and the refit leaves: run.db says finished, with no
    /// refit (and no nested outcome) recorded, and no model or card on disk.
    /// `nestedOnly`: the refit was recorded, the nested estimate (recorded after it) was not.
    static func cutShort(_ out: URL, nestedOnly: Bool = false) throws {
        try DatabaseQueue(path: out.appendingPathComponent("run.db").path).write { db in
            if !nestedOnly { try db.execute(sql: "DELETE FROM refit") }
            try db.execute(sql: "DELETE FROM nested")
        }
        for name in ["model.json", "MODEL.md", "model-card.json"] {
            try? FileManager.default.removeItem(at: out.appendingPathComponent(name))
        }
    }

    @Test func resumeRefitsWhatAKillAtTheEndLeftUndone() throws {
        let directory = try ModelCardClusterTests.runIris()
        defer { try? FileManager.default.removeItem(at: directory) }
        let out = directory.appendingPathComponent("out")
        let model = try Data(contentsOf: out.appendingPathComponent("model.json"))
        try Self.cutShort(out)
        let resume = try FinishedCommand(["resume", out.path, "--workers", "1"], timeout: 180)
        #expect(resume.status == 0, "\(resume.transcript)")
        #expect(!resume.stdout.contains("nothing to resume"), "\(resume.transcript)")
        #expect(try Data(contentsOf: out.appendingPathComponent("model.json")) == model)
        #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("MODEL.md").path))
        // Once finished properly, it is finished.
        let again = try FinishedCommand(["resume", out.path])
        #expect(again.status == 0 && again.stdout.contains("nothing to resume"), "\(again.transcript)")
    }

    @Test func resumeRecordsANestedEstimateAKillLeftUndone() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let iris = SweepClusterTests.repository.appendingPathComponent("examples/datasets/iris.csv").path
        try """
        name: nested-cut-short
        data: {path: \(iris), target: target, task: classification}
        cv: {folds: 3, outer: 3}
        trainer: {model: logistic_regression}
        space: {C: {values: [0.1, 1, 10]}}
        objective: {metric: accuracy}
        """.write(to: directory.appendingPathComponent("spec.yaml"), atomically: true, encoding: .utf8)
        let run = try FinishedCommand(
            ["run", "spec.yaml", "--workers", "2", "--out", "out"], directory: directory, timeout: 180)
        try #require(run.status == 0, "\(run.transcript)")
        let out = directory.appendingPathComponent("out")
        let nested = try #require(try ModelCardClusterTests.json(out.appendingPathComponent("best.json"))["nested"])
        try Self.cutShort(out, nestedOnly: true)
        let resume = try FinishedCommand(["resume", out.path, "--workers", "1"], timeout: 180)
        #expect(resume.status == 0, "\(resume.transcript)")
        let after = try ModelCardClusterTests.json(out.appendingPathComponent("best.json"))["nested"]
        #expect(
            (after as? [String: Any]).map { NSDictionary(dictionary: $0) }
                == (nested as? [String: Any]).map { NSDictionary(dictionary: $0) })
    }
}
