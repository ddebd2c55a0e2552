import Foundation
import SweepCore
import SweepML

/// Rows of the new data that the previous model was trained on. Scored on them it is in-sample
/// (a k=1 neighbour scores 1.0), so they are left out of its baseline; when too few rows remain
/// to score it, configurations are compared instead. The previous data file must still be the
/// one the run recorded (its sha256), or the overlap cannot be checked and the record says so.
enum RetrainOverlap {
    /// Fewer rows than this left in a validation fold: the previous model cannot be scored fairly.
    static let minimumRowsPerFold = 5

    /// The rows of `table` that appear in `previous` (same values in `columns`, by name: a
    /// reordered copy still matches).
    static func rows(of table: CSVTable, in previous: CSVTable, columns: [String]) -> Set<Int>? {
        func key(_ table: CSVTable) -> (([String]) -> String)? {
            let indices = columns.compactMap { table.header.firstIndex(of: $0) }
            guard indices.count == columns.count else { return nil }
            return { row in
                indices.map { $0 < row.count ? row[$0].trimmingCharacters(in: .whitespaces) : "" }
                    .joined(separator: "\u{1f}")
            }
        }
        guard let oldKey = key(previous), let newKey = key(table) else { return nil }
        let seen = Set(previous.rows.map(oldKey))
        return Set(table.rows.indices.filter { seen.contains(newKey(table.rows[$0])) })
    }

    /// The previous data as a table when it is the very file the run recorded, else why not.
    static func previousTable(path: String?, recorded: String?) -> Result<CSVTable, Unchecked> {
        guard let path, let recorded else { return .failure(Unchecked("the previous run recorded no data file")) }
        guard let bytes = FileManager.default.contents(atPath: path) else {
            return .failure(Unchecked("the previous data \(path) is gone"))
        }
        guard ContentHash.sha256([UInt8](bytes)) == recorded else {
            return .failure(Unchecked("the previous data \(path) has changed since the run (its sha256 differs)"))
        }
        guard let table = try? CSVTable(parsing: String(decoding: bytes, as: UTF8.self)) else {
            return .failure(Unchecked("the previous data \(path) no longer parses"))
        }
        return .success(table)
    }

    struct Unchecked: Error {
        let reason: String
        init(_ reason: String) { self.reason = reason }
    }
}

extension RetrainPlan {
    /// The previous model's fold scores on the new data, rows it was trained on left out (nil:
    /// configurations are compared), with notes saying what was left out or not checked.
    static func modelBaseline(
        _ earlier: RetrainPrevious, model: ModelFile, table: CSVTable, sweep: LoadedSweep, data: String,
        sameData: Bool, notes: inout [String]
    ) throws -> [Double]? {
        let metric = earlier.spec.objective.metric
        var excluded = Set<Int>()
        if !sameData {
            switch RetrainOverlap.previousTable(path: earlier.previousDataPath(), recorded: earlier.row.dataSHA256) {
            case .success(let old):
                excluded =
                    RetrainOverlap.rows(of: table, in: old, columns: model.features + [model.target]) ?? []
                if !excluded.isEmpty {
                    notes.append(
                        "\(excluded.count) row\(excluded.count == 1 ? "" : "s") of the new data \(excluded.count == 1 ? "is" : "are") in the previous data: the previous model was trained on them, so they are left out of its score"
                    )
                }
            case .failure(let unchecked):
                notes.append(
                    "overlap with the previous data was not checked (\(unchecked.reason)): rows the previous model was trained on may score it in-sample"
                )
            }
        }
        let plan = sweep.plan
        let short = (0..<plan.taskFolds).contains { fold in
            plan.split(fold).valid.filter { !excluded.contains($0) }.count < RetrainOverlap.minimumRowsPerFold
        }
        if short {
            notes.append(
                "too few new rows are left in a validation fold to score the previous model fairly: the baseline is the previous best configuration's CV on the new data"
            )
            return nil
        }
        let scores: [Double]?
        do {
            scores = try RetrainBaseline.foldScores(
                model: model, table: table, plan: plan, metric: metric, excluding: excluded)
        } catch let error as SweepError { throw error } catch {
            let numeric = "\(error)".contains("is not a number") ? " (the model needs a number there)" : ""
            throw invalid("the new data \(data) cannot be scored by the previous model: \(error)\(numeric)")
        }
        if scores == nil {
            notes.append(
                "the previous model's \(metric) cannot be computed from its predictions on the new data: the baseline is the previous best configuration's CV on the new data"
            )
        }
        return scores
    }
}
