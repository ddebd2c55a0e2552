import Foundation
import SweepCore
import SweepML

/// A command sweep's data on a worker: the CSV's header and rows, and each row's fold. Every task
/// gets its fold's training and validation rows as CSV files, in file order.
final class CommandData: Sendable {
    let header: [String]
    let rows: [[String]]
    let plan: FoldPlan

    init(csv text: String, plan: FoldPlan) throws {
        let table = try CSVTable(parsing: text)
        guard table.rows.count == plan.rows else {
            throw BlobError(
                description: "the data has \(table.rows.count) rows but the sweep assigned folds to \(plan.rows)")
        }
        header = table.header
        rows = table.rows
        self.plan = plan
    }

    /// Fold −1 is the refit: every search row trains, nothing validates.
    func split(fold: Int) -> (train: String, valid: String) {
        let (trainRows, validRows) = fold < 0 ? (plan.searchRows, []) : plan.split(fold)
        var train = csvLine(header), valid = csvLine(header)
        for row in trainRows { train += csvLine(rows[row]) }
        for row in validRows { valid += csvLine(rows[row]) }
        return (train, valid)
    }
}

/// One CSV record, quoting fields that need it.
func csvLine(_ fields: [String]) -> String {
    fields.map { field in
        guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }.joined(separator: ",") + "\n"
}
