import Foundation
import Testing

/// New data with a class the previous model never saw: those rows count as wrong for it, and
/// retrain.json, the reason and the report name the class.
struct RetrainClassesClusterTests {
    @Test func aClassThePreviousModelNeverSawCountsAgainstIt() throws {
        let directory = try RetrainClusterTests.project.get()
        let renamed = RetrainClusterTests.csv(rows: 300, seed: 2, boundary: "a")
            .replacingOccurrences(of: ",no\n", with: ",nope\n")
        try renamed.write(to: directory.appendingPathComponent("renamed.csv"), atomically: true, encoding: .utf8)
        let command = try RetrainClusterTests.retrain(
            ["runs/old", "--data", "renamed.csv", "--top", "1", "--out", "runs/classes"], in: directory)
        #expect(command.status == 0, "\(command.transcript)")
        let output = directory.appendingPathComponent("runs/classes")
        let record = try RetrainClusterTests.record(output)
        #expect(record["unseen_classes"] as? [String] == ["nope"], "\(record)")
        let baseline = try #require(record["baseline"] as? [String: Any])
        // About half the rows are "nope": the old model gets every one of them wrong.
        #expect(baseline["kind"] as? String == "model" && (baseline["score"] as? Double ?? 1) < 0.6, "\(record)")
        #expect((record["reason"] as? String ?? "").contains("never saw the class nope"), "\(record)")
        let report = try String(contentsOf: output.appendingPathComponent("report.md"), encoding: .utf8)
        #expect(report.contains("classes the previous model never saw: nope"), "\(report)")
    }
}
