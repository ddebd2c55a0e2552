import ArgumentParser
import Foundation
import SweepML
import SweepRuntime

struct Predict: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Predict new rows with a refitted model (model.json from a run directory).",
        discussion: "Writes CSV: the prediction, and for classifiers one probability column per class.")

    @Argument(help: "The model file (RUN_DIR/model.json).")
    var model: String

    @Argument(help: "A CSV with the model's feature columns (the target column may be absent).")
    var csv: String

    @Option(help: "Write here instead of standard output.")
    var out: String?

    func run() throws {
        guard let modelData = FileManager.default.contents(atPath: model) else {
            throw PredictError("cannot read model file \(model)")
        }
        let file = try ModelFile.decode(modelData, path: model)
        guard let csvData = FileManager.default.contents(atPath: csv) else { throw PredictError("cannot read \(csv)") }
        let table: CSVTable
        do { table = try CSVTable(parsing: String(decoding: csvData, as: UTF8.self)) } catch {
            throw PredictError("\(csv) \(error)")
        }
        let (prediction, ignored) = try file.predict(table)
        if !ignored.isEmpty {
            Console.shared.line("note: ignoring columns the model does not use: \(ignored.joined(separator: ", "))")
        }
        var text: String
        switch prediction {
        case .probabilities(let probabilities):
            text = (["prediction"] + file.classes.map { "proba_\($0)" }).joined(separator: ",") + "\n"
            for row in 0..<probabilities.rows {
                var best = 0
                for k in 0..<probabilities.columns where probabilities[row, k] > probabilities[row, best] { best = k }
                text +=
                    ([file.classes[best]] + (0..<probabilities.columns).map { "\(probabilities[row, $0])" }).joined(
                        separator: ",") + "\n"
            }
        case .values(let values):
            text = "prediction\n" + values.map { "\($0)\n" }.joined()
        }
        if let out { try Data(text.utf8).write(to: URL(fileURLWithPath: out)) } else { print(text, terminator: "") }
    }
}
