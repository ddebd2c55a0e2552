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
            for column in 0..<matrix.columns {
                values[out * matrix.columns + column] = matrix.values[row * matrix.columns + column]
            }
        }
        self.init(rows: indices.count, columns: matrix.columns, values: values)
    }

    @inline(__always) public subscript(row: Int, column: Int) -> Double {
        get { values[row * columns + column] }
        set { values[row * columns + column] = newValue }
    }
}
