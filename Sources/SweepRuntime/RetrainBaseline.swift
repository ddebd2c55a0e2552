import Foundation
import SweepCore
import SweepML

/// The baseline a retrained candidate must beat: the previous model, as it is (never refitted),
/// scored on each validation fold of the new data — the very rows the candidate's CV validated
/// on — and averaged, as the candidate's CV estimate is.
enum RetrainBaseline {
    /// The objective on each task fold (nil: the metric cannot be computed from the model's
    /// predictions, e.g. a resource metric, or a fold has no row with a target the model knows).
    static func foldScores(model: ModelFile, table: CSVTable, plan: FoldPlan, metric: String) throws -> [Double]? {
        guard let targetColumn = table.header.firstIndex(of: model.target) else { return nil }
        let prediction = try model.predict(table).prediction
        let targets = table.rows.map { $0[targetColumn].trimmingCharacters(in: .whitespaces) }
        var scores: [Double] = []
        for fold in 0..<plan.taskFolds {
            let rows = plan.split(fold).valid
            guard let score = score(prediction, targets: targets, rows: rows, classes: model.classes)[metric],
                score.isFinite
            else { return nil }
            scores.append(score)
        }
        return scores
    }

    /// Every metric on some rows; rows whose target is missing, or a class the model never saw,
    /// cannot be scored and are left out (as `sweep drift` does).
    static func score(_ prediction: Prediction, targets: [String], rows: [Int], classes: [String]) -> [String: Double] {
        switch prediction {
        case .probabilities(let matrix):
            let index = Dictionary(
                classes.enumerated().map { ($0.element, $0.offset) }, uniquingKeysWith: { a, _ in a })
            let known = rows.filter { index[targets[$0]] != nil }
            guard !known.isEmpty else { return [:] }
            return Metrics.classification(known.map { index[targets[$0]]! }, Matrix(matrix, rows: known))
        case .values(let values):
            let known = rows.filter { Double(targets[$0])?.isFinite == true }
            guard !known.isEmpty else { return [:] }
            return Metrics.regression(known.map { Double(targets[$0])! }, known.map { values[$0] })
        }
    }
}
