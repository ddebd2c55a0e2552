import Foundation
import Testing

/// `sweep retrain` reports the trials that ran, not the ones asked for: an objective target would
/// stop the search at the first queued configuration reaching it, so it is left out (noted); a
/// space used up ends the further trials early, and retrain.json and the report say how many ran.
struct RetrainCountsClusterTests {
    @Test func theTrialsThatRanAreCountedAndATargetDoesNotCutTheQueue() throws {
        let directory = try temporaryDirectory()
        let spec = """
            name: counts
            data: {path: old.csv, target: y, task: classification}
            cv: {folds: 2}
            trainer: {command: [sh, -c, 'echo "@sweep {{\\"accuracy\\": 0.{x}}}"']}
            search: {algorithm: grid}
            space: {x: {values: [3, 5, 7, 8]}}
            objective: {metric: accuracy, target: 0.75}
            """
        try spec.write(to: directory.appendingPathComponent("spec.yaml"), atomically: true, encoding: .utf8)
        for (name, seed) in [("old.csv", UInt64(1)), ("new.csv", 2)] {
            try RetrainClusterTests.csv(rows: 40, seed: seed, boundary: "a").write(
                to: directory.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        let run = try FinishedCommand(
            ["run", "spec.yaml", "--workers", "1", "--out", "runs/old"], directory: directory)
        #expect(run.status == 0, "\(run.transcript)")
        // The grid reached the target with its last configuration (0.8): all four ran, and the
        // best of them, enqueued first, reaches it again on the new data.
        #expect(try RetrainClusterTests.params(directory.appendingPathComponent("runs/old")).count == 4)
        let again = try RetrainClusterTests.retrain(
            ["runs/old", "--data", "new.csv", "--top", "3", "--trials", "5"], in: directory)
        #expect(again.status == 0, "\(again.transcript)")
        let output = directory.appendingPathComponent("runs/old-retrain-1")
        let record = try RetrainClusterTests.record(output)
        let ran = try RetrainClusterTests.params(output).count
        #expect(record["enqueued_evaluated"] as? Int == 3, "the target did not stop the queue: \(record)")
        let searched = try #require(record["further_searched"] as? Int)
        #expect(searched == ran - 3 && searched < 5, "\(record)")
        let notes = record["notes"] as? [String] ?? []
        #expect(notes.contains { $0.hasPrefix("objective.target is left out") }, "\(notes)")
        let report = try String(contentsOf: output.appendingPathComponent("report.md"), encoding: .utf8)
        let more = "then \(searched) more \(searched == 1 ? "was" : "were") searched"
        #expect(report.contains(more) && report.contains("(of 5 asked for"), "\(report)")
    }
}
