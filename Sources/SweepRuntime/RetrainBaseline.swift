import Foundation
import SweepCore
import SweepML

/// The baseline a retrained candidate must beat: the previous model, as it is (never refitted),
/// scored on each validation fold of the new data — the very rows the candidate's CV validated
/// on — and averaged, as the candidate's CV estimate is.
enum RetrainBaseline {
    /// The objective on each task fold (nil: the metric cannot be computed from the model's
    /// predictions, e.g. a resource metric, or a fold has no row with a target the model knows).
    static func foldScores(
        model: ModelFile, table: CSVTable, plan: FoldPlan, metric: String, excluding: Set<Int> = []
    ) throws -> [Double]? {
        guard let targetColumn = table.header.firstIndex(of: model.target) else { return nil }
        let prediction = try model.predict(table).prediction
        let targets = table.rows.map { $0[targetColumn].trimmingCharacters(in: .whitespaces) }
        var scores: [Double] = []
        for fold in 0..<plan.taskFolds {
            let rows = plan.split(fold).valid.filter { !excluding.contains($0) }
            guard let score = score(prediction, targets: targets, rows: rows, classes: model.classes)[metric],
                score.isFinite
            else { return nil }
            scores.append(score)
        }
        return scores
    }

    /// The target values of the new data that the previous model never saw as a class (sorted;
    /// empty for regression or when every class is known).
    static func unseenClasses(model: ModelFile, table: CSVTable) -> [String] {
        guard !model.classes.isEmpty, let targetColumn = table.header.firstIndex(of: model.target) else { return [] }
        let known = Set(model.classes)
        let values = table.rows.map { $0[targetColumn].trimmingCharacters(in: .whitespaces) }
        return Set(values.filter { !$0.isEmpty && !known.contains($0) }).sorted()
    }

    /// Every metric on some rows; rows whose target is missing cannot be scored and are left out.
    /// A class the model never saw is one it gives probability 0: its rows count as wrong (left
    /// out, they would score the old model only on the rows it can get right).
    static func score(_ prediction: Prediction, targets: [String], rows: [Int], classes: [String]) -> [String: Double] {
        switch prediction {
        case .probabilities(let matrix):
            let unseen = Set(rows.map { targets[$0] }.filter { !$0.isEmpty && !classes.contains($0) }).sorted()
            let all = classes + unseen
            let index = Dictionary(all.enumerated().map { ($0.element, $0.offset) }, uniquingKeysWith: { a, _ in a })
            let known = rows.filter { index[targets[$0]] != nil }
            guard !known.isEmpty else { return [:] }
            var widened = [Double](repeating: 0, count: known.count * all.count)
            for (out, row) in known.enumerated() {
                for column in 0..<matrix.columns { widened[out * all.count + column] = matrix[row, column] }
            }
            return Metrics.classification(
                known.map { index[targets[$0]]! }, Matrix(rows: known.count, columns: all.count, values: widened))
        case .values(let values):
            let known = rows.filter { Double(targets[$0])?.isFinite == true }
            guard !known.isEmpty else { return [:] }
            return Metrics.regression(known.map { Double(targets[$0])! }, known.map { values[$0] })
        }
    }
}
