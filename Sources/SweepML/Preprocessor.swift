import Foundation

/// Preprocessing fitted on training rows only and applied to any rows: missing values imputed
/// (numeric columns by mean, median or most frequent value; categorical ones by most frequent
/// category), numeric columns standardised, categorical columns one-hot encoded over the
/// categories seen in training (an unseen category becomes all zeros, as scikit-learn's
/// `OneHotEncoder(handle_unknown="ignore")`).
public struct Preprocessor: Sendable, Codable {
    public enum Imputation: String, Sendable, Codable, CaseIterable {
        case mean, median, mostFrequent = "most_frequent"
    }

    /// One input column's fitted transformation.
    public enum Step: Sendable, Codable {
        /// fill (for NaN), then (x − mean) / scale.
        case numeric(fill: Double, mean: Double, scale: Double)
        /// fill (for NaN), then one output column per kept category index.
        case categorical(fill: Double, kept: [Int])
    }

    public let steps: [Step]
    public var outputColumns: Int {
        steps.reduce(0) { total, step in
            if case .categorical(_, let kept) = step { total + kept.count } else { total + 1 }
        }
    }

    /// Fits on the rows of `raw` (dataset columns: numbers, or category indices for the columns
    /// where `categories[c]` is set).
    public init(fitting raw: Matrix, categories: [[String]?], imputation: Imputation = .mean) {
        var steps: [Step] = []
        for column in 0..<raw.columns {
            var present: [Double] = []
            present.reserveCapacity(raw.rows)
            for row in 0..<raw.rows where !raw[row, column].isNaN { present.append(raw[row, column]) }
            if categories[column] != nil {
                let counts = Dictionary(grouping: present, by: { $0 }).mapValues(\.count)
                let fill = counts.max { ($0.value, -$0.key) < ($1.value, -$1.key) }?.key ?? 0
                steps.append(.categorical(fill: fill, kept: counts.keys.map { Int($0) }.sorted()))
                continue
            }
            let fill: Double
            switch imputation {
            case _ where present.isEmpty: fill = 0
            case .mean: fill = present.reduce(0, +) / Double(present.count)
            case .median:
                let sorted = present.sorted()
                fill =
                    sorted.count % 2 == 1
                    ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
            case .mostFrequent:
                let counts = Dictionary(grouping: present, by: { $0 }).mapValues(\.count)
                fill = counts.max { ($0.value, -$0.key) < ($1.value, -$1.key) }!.key
            }
            // Statistics after imputation, as a scikit-learn pipeline (imputer, then scaler) sees them.
            var sum = 0.0, square = 0.0
            for value in present { sum += value }
            sum += fill * Double(raw.rows - present.count)
            let mean = sum / Double(raw.rows)
            for value in present { square += (value - mean) * (value - mean) }
            square += Double(raw.rows - present.count) * (fill - mean) * (fill - mean)
            let std = (square / Double(raw.rows)).squareRoot()
            steps.append(.numeric(fill: fill, mean: mean, scale: std > 1e-12 * max(1, abs(mean)) ? std : 1))
        }
        self.steps = steps
    }

    public func transform(_ raw: Matrix) -> Matrix {
        let width = outputColumns
        var out = [Double](repeating: 0, count: raw.rows * width)
        raw.values.withUnsafeBufferPointer { input in
            out.withUnsafeMutableBufferPointer { output in
                for row in 0..<raw.rows {
                    var position = row * width
                    for (column, step) in steps.enumerated() {
                        let value = input[row * raw.columns + column]
                        switch step {
                        case .numeric(let fill, let mean, let scale):
                            output[position] = ((value.isNaN ? fill : value) - mean) / scale
                            position += 1
                        case .categorical(let fill, let kept):
                            let category = Int(value.isNaN ? fill : value)
                            if let index = kept.firstIndex(of: category) { output[position + index] = 1 }
                            position += kept.count
                        }
                    }
                }
            }
        }
        return Matrix(rows: raw.rows, columns: width, values: out)
    }
}
