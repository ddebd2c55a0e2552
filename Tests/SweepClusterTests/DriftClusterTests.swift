import Foundation
import Testing

/// `sweep drift` through the built binary, on the model a real sweep refitted: exit 1 on shifted
/// data, 0 on the training data, 2 for bad input (columns missing, a model without a profile,
/// an unreadable file), and JSON for machines.
@Suite(.serialized)
struct DriftClusterTests {
    static let spec = """
        name: drift
        data: {path: train.csv, target: y, task: classification}
        cv: {folds: 3, seed: 1}
        trainer: {model: logistic_regression}
        space: {C: {values: [0.1, 1.0]}}
        objective: {metric: accuracy}
        """

    /// x ~ N(shift, 1), color red/green/blue (or `newColor` for 10 %), y = "yes" when x + noise > 0.
    static func csv(rows: Int, seed: UInt64, shift: Double = 0, newColor: String? = nil) -> String {
        var stream = SplitMixStream(seed: seed)
        func unit() -> Double { stream.unit() }
        func normal() -> Double { stream.normal() }
        var lines = ["x,color,y"]
        for _ in 0..<rows {
            let x = normal() + shift, u = unit()
            let color = newColor != nil && u < 0.1 ? newColor! : u < 0.5 ? "red" : u < 0.8 ? "green" : "blue"
            lines.append("\(x),\(color),\(x - shift + 0.5 * normal() > 0 ? "yes" : "no")")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A finished sweep's directory with model.json (shared by the tests: one sweep).
    static let project: Result<URL, Error> = Result {
        let directory = try temporaryDirectory()
        try spec.write(to: directory.appendingPathComponent("spec.yaml"), atomically: true, encoding: .utf8)
        try csv(rows: 600, seed: 1).write(
            to: directory.appendingPathComponent("train.csv"), atomically: true, encoding: .utf8)
        try csv(rows: 600, seed: 2, shift: 1, newColor: "purple").write(
            to: directory.appendingPathComponent("shifted.csv"), atomically: true, encoding: .utf8)
        try "x,y\n1,yes\n".write(to: directory.appendingPathComponent("narrow.csv"), atomically: true, encoding: .utf8)
        let run = try FinishedCommand(
            ["run", "spec.yaml", "--workers", "1", "--out", "out"], directory: directory, timeout: 120)
        guard run.status == 0 else { throw DriftTestError(run.transcript) }
        return directory
    }

    struct DriftTestError: Error, CustomStringConvertible {
        let description: String; init(_ d: String) { description = d }
    }

    @Test func shiftedDataExits1AndTheTrainingDataExits0() throws {
        let directory = try Self.project.get()
        let shifted = try FinishedCommand(["drift", "out/model.json", "shifted.csv"], directory: directory)
        #expect(shifted.status == 1, "\(shifted.transcript)")
        #expect(shifted.stdout.contains("unseen in 'color': purple ("), "\(shifted.transcript)")
        let x = try #require(shifted.stdout.split(separator: "\n").first { $0.hasPrefix("x ") })
        #expect(x.hasSuffix("psi, ks"), "\(shifted.transcript)")
        #expect(shifted.stdout.contains("drift: 2 of 2 features drifted"), "\(shifted.transcript)")
        #expect(shifted.stdout.contains("accuracy on 600 new rows"), "the target is there: \(shifted.transcript)")
        let same = try FinishedCommand(["drift", "out/model.json", "train.csv"], directory: directory)
        #expect(same.status == 0, "\(same.transcript)")
        #expect(same.stdout.hasSuffix("no drift: every statistic is within its threshold\n"), "\(same.transcript)")
    }

    @Test func jsonSaysTheSameForMachines() throws {
        let directory = try Self.project.get()
        let command = try FinishedCommand(["drift", "out/model.json", "shifted.csv", "--json"], directory: directory)
        #expect(command.status == 1, "\(command.transcript)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(command.stdout.utf8)) as? [String: Any])
        #expect(object["drifted"] as? Bool == true && object["newRows"] as? Int == 600)
        let features = try #require(object["features"] as? [[String: Any]])
        let x = try #require(features.first { $0["name"] as? String == "x" })
        #expect((x["psi"] as? Double ?? 0) > 0.2 && (x["ks"] as? Double ?? 0) > 0.1)
        let metric = try #require(object["metric"] as? [String: Any])
        #expect(metric["metric"] as? String == "accuracy" && metric["rows"] as? Int == 600)
        // Loose thresholds: nothing passes them (y follows x − shift, so the accuracy falls: tolerated).
        let loose = try FinishedCommand(
            [
                "drift", "out/model.json", "shifted.csv", "--psi-threshold", "100", "--ks-threshold", "1",
                "--unseen-threshold", "0.5", "--metric-tolerance", "1",
            ], directory: directory)
        #expect(loose.status == 0, "\(loose.transcript)")
    }

    @Test func badInputExits2SayingWhatIsWrong() throws {
        let directory = try Self.project.get()
        let narrow = try FinishedCommand(["drift", "out/model.json", "narrow.csv"], directory: directory)
        #expect(narrow.status == 2, "\(narrow.transcript)")
        #expect(
            narrow.stderr.contains(
                "error: the CSV lacks 1 of the model's 2 feature columns: color (the model expects: x, color)"),
            "\(narrow.transcript)")
        let absent = try FinishedCommand(["drift", "out/model.json", "nowhere.csv"], directory: directory)
        #expect(absent.status == 2 && absent.stderr.contains("error: cannot read nowhere.csv"), "\(absent.transcript)")
        // A model file written before profiles: the same file without its profile.
        let model = directory.appendingPathComponent("out/model.json")
        var object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: model)) as? [String: Any])
        #expect(object["profile"] != nil)
        object["profile"] = nil
        try JSONSerialization.data(withJSONObject: object).write(to: directory.appendingPathComponent("old.json"))
        let old = try FinishedCommand(["drift", "old.json", "train.csv"], directory: directory)
        #expect(old.status == 2, "\(old.transcript)")
        #expect(old.stderr.contains("error: old.json predates data profiles"), "\(old.transcript)")
        #expect(old.stderr.contains("sweep resume RUN_DIR --trials N"), "\(old.transcript)")
        let predict = try FinishedCommand(["predict", "old.json", "train.csv"], directory: directory)
        #expect(
            predict.status == 0 && predict.stdout.hasPrefix("prediction,proba_no,proba_yes\n"), "\(predict.transcript)")
    }
}
