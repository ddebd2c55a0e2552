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

/// A feature matrix (row-major) and its target. Numeric columns hold numbers; categorical
/// columns hold the index of their value in `categories`; a missing value is NaN in either.
public struct Dataset: Sendable {
    public let featureNames: [String]
    public let features: [Double]
    public let target: Target
    /// Per column: nil for numeric, else its categories (sorted).
    public let categories: [[String]?]

    public var rows: Int { target.count }
    public var columns: Int { featureNames.count }

    public init(featureNames: [String], features: [Double], target: Target, categories: [[String]?]? = nil) {
        precondition(features.count == featureNames.count * target.count, "feature matrix shape")
        self.featureNames = featureNames
        self.features = features
        self.target = target
        self.categories = categories ?? Array(repeating: nil, count: featureNames.count)
    }

    /// Whether any value is missing (then preprocessing imputes it).
    public var hasMissing: Bool { features.contains { $0.isNaN } }

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
    /// Texts read as a missing value.
    public static let missingMarkers: Set<String> = ["", "NA", "N/A", "NaN", "nan", "null", "NULL", "None", "?"]

    /// Reads a CSV table. A column whose present values are all numbers is numeric; any other is
    /// categorical (its distinct texts, sorted, are its categories). Missing values (empty, NA,
    /// NaN, null, ?) become NaN. A classification target may be any text (classes sorted,
    /// numerically when all are numbers); a regression target is numeric. `drop` columns are
    /// left out (identifiers, or columns that must not be used).
    public init(csv table: CSVTable, target: String, classification: Bool, drop: [String] = []) throws(DatasetError) {
        guard let targetColumn = table.header.firstIndex(of: target) else {
            throw DatasetError(message: "no column named '\(target)'; columns: \(table.header.joined(separator: ", "))")
        }
        for name in drop where !table.header.contains(name) {
            throw DatasetError(
                message:
                    "data.drop names '\(name)', which is not a column; columns: \(table.header.joined(separator: ", "))"
            )
        }
        guard !table.rows.isEmpty else { throw DatasetError(message: "the file has a header but no rows") }
        let featureColumns = table.header.indices.filter { $0 != targetColumn && !drop.contains(table.header[$0]) }
        guard !featureColumns.isEmpty else { throw DatasetError(message: "no feature columns besides '\(target)'") }
        let (categories, lookup) = Self.columnKinds(table, columns: featureColumns)
        var features: [Double] = []
        features.reserveCapacity(table.rows.count * featureColumns.count)
        for row in table.rows {
            for (position, column) in featureColumns.enumerated() {
                let text = row[column].trimmingSpaces()
                if Self.missingMarkers.contains(text) {
                    features.append(.nan)
                } else if categories[position] == nil {
                    features.append(Double(text)!)
                } else {
                    features.append(Double(lookup[position][text]!))
                }
            }
        }
        let rawTargets = table.rows.map { $0[targetColumn].trimmingSpaces() }
        if let missing = rawTargets.firstIndex(where: { Self.missingMarkers.contains($0) }) {
            throw DatasetError(
                message:
                    "line \(table.lineNumbers[missing]), column '\(target)': the target is missing; remove the row or fill it in"
            )
        }
        let parsedTarget = try Self.parseTarget(
            rawTargets, named: target, lines: table.lineNumbers, classification: classification)
        self.init(
            featureNames: featureColumns.map { table.header[$0] }, features: features, target: parsedTarget,
            categories: categories)
    }

    /// Each feature column's kind from its present values: numeric (nil), or its sorted
    /// categories with their codes.
    static func columnKinds(_ table: CSVTable, columns: [Int]) -> (categories: [[String]?], lookup: [[String: Int]]) {
        var categories: [[String]?] = []
        var lookup: [[String: Int]] = []
        for column in columns {
            var numeric = true
            var distinct = Set<String>()
            for row in table.rows {
                let text = row[column].trimmingSpaces()
                if Self.missingMarkers.contains(text) { continue }
                distinct.insert(text)
                if numeric, Double(text).map({ !$0.isFinite }) ?? true { numeric = false }
            }
            if numeric {
                categories.append(nil)
                lookup.append([:])
            } else {
                let sorted = distinct.sorted()
                categories.append(sorted)
                lookup.append(Dictionary(uniqueKeysWithValues: sorted.enumerated().map { ($0.element, $0.offset) }))
            }
        }
        return (categories, lookup)
    }

    /// The target column's values: class codes (classes sorted, numerically when all are
    /// numbers), or numbers for regression.
    static func parseTarget(_ rawTargets: [String], named target: String, lines: [Int], classification: Bool)
        throws(DatasetError) -> Target
    {
        if classification {
            let distinct = Set(rawTargets)
            let numeric = distinct.compactMap { Double($0) }
            let names =
                numeric.count == distinct.count
                ? distinct.sorted { Double($0)! < Double($1)! }
                : distinct.sorted()
            guard names.count >= 2 else {
                throw DatasetError(
                    message:
                        "target '\(target)' has only one class ('\(names.first ?? "")'); classification needs at least two"
                )
            }
            let index = Dictionary(uniqueKeysWithValues: names.enumerated().map { ($0.element, $0.offset) })
            return .classes(labels: rawTargets.map { index[$0]! }, names: names)
        } else {
            var values: [Double] = []
            for (row, text) in rawTargets.enumerated() {
                guard let value = Double(text), value.isFinite else {
                    throw DatasetError(
                        message:
                            "line \(lines[row]), column '\(target)': '\(text)' is not a number (a regression target must be numeric)"
                    )
                }
                values.append(value)
            }
            return .values(values)
        }
    }
}
