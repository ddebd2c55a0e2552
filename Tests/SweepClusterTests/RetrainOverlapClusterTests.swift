import Foundation
import Testing

/// New data holding rows the previous model was trained on: scored on them it is in-sample, so
/// they are left out of its baseline (counted in the notes); a reordered copy of the old data
/// leaves nothing to score it on, and configurations are compared instead.
struct RetrainOverlapClusterTests {
    static func shuffledOld(in directory: URL) throws -> [String] {
        let old = try String(contentsOf: directory.appendingPathComponent("old.csv"), encoding: .utf8)
        let lines = old.split(separator: "\n").map(String.init)
        return [lines[0]] + lines.dropFirst().reversed()
    }

    @Test func rowsThePreviousModelWasTrainedOnAreLeftOutOfItsScore() throws {
        let directory = try RetrainClusterTests.project.get()
        let fresh = RetrainClusterTests.csv(rows: 300, seed: 4, boundary: "b").split(separator: "\n").dropFirst()
        let mixed = try Self.shuffledOld(in: directory) + fresh.map(String.init)
        try (mixed.joined(separator: "\n") + "\n").write(
            to: directory.appendingPathComponent("mixed.csv"), atomically: true, encoding: .utf8)
        let command = try RetrainClusterTests.retrain(
            ["runs/old", "--data", "mixed.csv", "--top", "1", "--out", "runs/mixed"], in: directory)
        #expect(command.status == 0, "\(command.transcript)")
        let record = try RetrainClusterTests.record(directory.appendingPathComponent("runs/mixed"))
        let notes = record["notes"] as? [String] ?? []
        #expect(notes.contains { $0.hasPrefix("300 rows of the new data are in the previous data") }, "\(notes)")
        #expect((record["baseline"] as? [String: Any])?["kind"] as? String == "model", "\(record)")
    }

    @Test func aReorderedCopyOfTheOldDataComparesConfigurations() throws {
        let directory = try RetrainClusterTests.project.get()
        try (Self.shuffledOld(in: directory).joined(separator: "\n") + "\n").write(
            to: directory.appendingPathComponent("reordered.csv"), atomically: true, encoding: .utf8)
        let command = try RetrainClusterTests.retrain(
            ["runs/old", "--data", "reordered.csv", "--top", "1", "--out", "runs/reordered"], in: directory)
        #expect(command.status == 0, "\(command.transcript)")
        let record = try RetrainClusterTests.record(directory.appendingPathComponent("runs/reordered"))
        let notes = record["notes"] as? [String] ?? []
        #expect(notes.contains { $0.hasPrefix("too few new rows are left") }, "\(notes)")
        #expect((record["baseline"] as? [String: Any])?["kind"] as? String == "configuration", "\(record)")
    }
}
