/// A dense row-major matrix of the rows a fold uses.
public struct Matrix: Sendable, Codable {
    public let rows: Int
    public let columns: Int
    public var values: [Double]

    public init(rows: Int, columns: Int, values: [Double]) {
        precondition(values.count == rows * columns, "matrix shape")
        self.rows = rows
        self.columns = columns
        self.values = values
    }

    /// The given rows of a dataset's features.
    public init(_ dataset: Dataset, rows indices: [Int]) {
        let columns = dataset.columns
        var values = [Double](repeating: 0, count: indices.count * columns)
        dataset.features.withUnsafeBufferPointer { source in
            for (out, row) in indices.enumerated() {
                for column in 0..<columns { values[out * columns + column] = source[row * columns + column] }
            }
        }
        self.init(rows: indices.count, columns: columns, values: values)
    }

    /// Some rows of another matrix.
    public init(_ matrix: Matrix, rows indices: [Int]) {
        var values = [Double](repeating: 0, count: indices.count * matrix.columns)
        for (out, row) in indices.enumerated() {
            for column in 0..<matrix.columns { values[out * matrix.columns + column] = matrix.values[row * matrix.columns + column] }
        }
        self.init(rows: indices.count, columns: matrix.columns, values: values)
    }

    @inline(__always) public subscript(row: Int, column: Int) -> Double {
        get { values[row * columns + column] }
        set { values[row * columns + column] = newValue }
    }
}

/// Standardisation (zero mean, unit variance) fitted on training rows only; constant columns
/// keep scale 1, as in scikit-learn's StandardScaler.
public struct Standardizer: Sendable, Codable {
    public let means: [Double]
    public let scales: [Double]

    public init(fitting matrix: Matrix) {
        var means = [Double](repeating: 0, count: matrix.columns)
        var scales = [Double](repeating: 0, count: matrix.columns)
        let n = Double(matrix.rows)
        for row in 0..<matrix.rows { for column in 0..<matrix.columns { means[column] += matrix[row, column] } }
        for column in 0..<matrix.columns { means[column] /= n }
        for row in 0..<matrix.rows {
            for column in 0..<matrix.columns {
                let delta = matrix[row, column] - means[column]
                scales[column] += delta * delta
            }
        }
        for column in 0..<matrix.columns {
            let std = (scales[column] / n).squareRoot()
            scales[column] = std > 1e-12 * max(1, abs(means[column])) ? std : 1
        }
        self.means = means
        self.scales = scales
    }

    public func transform(_ matrix: Matrix) -> Matrix {
        var out = matrix
        for row in 0..<matrix.rows {
            for column in 0..<matrix.columns {
                out[row, column] = (matrix[row, column] - means[column]) / scales[column]
            }
        }
        return out
    }
}
