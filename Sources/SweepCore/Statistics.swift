import Foundation

/// Mean and population standard deviation (ddof = 0, as scikit-learn's cv_results_ std).
public struct MeanStd: Sendable, Equatable {
    public let mean: Double
    public let std: Double
    /// How many values: one fold has a mean but no spread to show.
    public let count: Int

    public init(_ values: [Double]) {
        count = values.count
        guard !values.isEmpty else { self.mean = .nan; self.std = .nan; return }
        let mean = values.reduce(0, +) / Double(values.count)
        let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count)
        self.mean = mean
        self.std = variance.squareRoot()
    }
}

extension MeanStd {
    /// The spread, when there is one (nil for a single value: one fold says nothing of it).
    public var spread: Double? { count > 1 ? std : nil }
}
