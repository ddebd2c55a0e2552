/// The target of a dataset: class indices (with their names) or numbers.
public enum Target: Sendable, Equatable {
    case classes(labels: [Int], names: [String])
    case values([Double])

    public var count: Int {
        switch self {
        case .classes(let labels, _): labels.count
        case .values(let values): values.count
        }
    }
}

/// A numeric feature matrix (row-major) and its target.
public struct Dataset: Sendable {
    public let featureNames: [String]
    public let features: [Double]
    public let target: Target

    public var rows: Int { target.count }
    public var columns: Int { featureNames.count }

    public init(featureNames: [String], features: [Double], target: Target) {
        precondition(features.count == featureNames.count * target.count, "feature matrix shape")
        self.featureNames = featureNames
        self.features = features
        self.target = target
    }

    /// Class labels, when the target is classes.
    public var labels: [Int]? {
        if case .classes(let labels, _) = target { return labels }
        return nil
    }

    public var classNames: [String] {
        if case .classes(_, let names) = target { return names }
        return []
    }
}

/// Why a dataset cannot be used, naming the row and column.
public struct DatasetError: Error, Sendable, Equatable, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}

extension Dataset {
    /// Reads a CSV table: every column but `target` must be numeric. A classification target may be
    /// any text (classes sorted, numerically when all are numbers); a regression target is numeric.
    public init(csv table: CSVTable, target: String, classification: Bool) throws(DatasetError) {
        guard let targetColumn = table.header.firstIndex(of: target) else {
            throw DatasetError(message: "no column named '\(target)'; columns: \(table.header.joined(separator: ", "))")
        }
        guard !table.rows.isEmpty else { throw DatasetError(message: "the file has a header but no rows") }
        let featureColumns = table.header.indices.filter { $0 != targetColumn }
        guard !featureColumns.isEmpty else { throw DatasetError(message: "no feature columns besides '\(target)'") }
        var features: [Double] = []
        features.reserveCapacity(table.rows.count * featureColumns.count)
        for (index, row) in table.rows.enumerated() {
            for column in featureColumns {
                guard let value = Double(row[column].trimmingSpaces()), value.isFinite else {
                    let text = row[column].isEmpty ? "an empty value" : "'\(row[column])'"
                    throw DatasetError(message: "line \(table.lineNumbers[index]), column '\(table.header[column])': \(text) is not a number (features must be numeric)")
                }
                features.append(value)
            }
        }
        let rawTargets = table.rows.map { $0[targetColumn].trimmingSpaces() }
        let parsedTarget: Target
        if classification {
            let distinct = Set(rawTargets)
            let numeric = distinct.compactMap { Double($0) }
            let names = numeric.count == distinct.count
                ? distinct.sorted { Double($0)! < Double($1)! }
                : distinct.sorted()
            guard names.count >= 2 else {
                throw DatasetError(message: "target '\(target)' has only one class ('\(names.first ?? "")'); classification needs at least two")
            }
            let index = Dictionary(uniqueKeysWithValues: names.enumerated().map { ($0.element, $0.offset) })
            parsedTarget = .classes(labels: rawTargets.map { index[$0]! }, names: names)
        } else {
            var values: [Double] = []
            for (row, text) in rawTargets.enumerated() {
                guard let value = Double(text), value.isFinite else {
                    throw DatasetError(message: "line \(table.lineNumbers[row]), column '\(target)': '\(text)' is not a number (a regression target must be numeric)")
                }
                values.append(value)
            }
            parsedTarget = .values(values)
        }
        self.init(featureNames: featureColumns.map { table.header[$0] }, features: features, target: parsedTarget)
    }
}
