/// Quasi-random search on a Sobol' sequence (Sobol' 1967), with the direction numbers of Joe &
/// Kuo (2008, "new-joe-kuo-6.21201", first 21 dimensions) and a seeded random digital shift
/// (Owen 2003): XOR-ing every point with one random vector keeps the sequence's balance (each
/// 2^k-point block still splits every axis evenly) while different seeds give different points.
///
/// Departures: only the first 21 dimensions are tabulated (a space with more parameters is
/// refused by the parser); the first point is not skipped, as the shift moves it off the corner.
public struct SobolSampler: Sampler {
    public static let maxDimensions = 21
    let space: SearchSpace
    /// Per coordinate, 32 direction integers (bit 31 is the first binary digit).
    let directions: [[UInt32]]
    let shift: [UInt32]
    var index: UInt32 = 0
    var point: [UInt32]

    /// (degree s, polynomial coefficients a, initial direction numbers m) for dimensions 2…21.
    static let table: [(Int, UInt32, [UInt32])] = [
        (1, 0, [1]), (2, 1, [1, 3]), (3, 1, [1, 3, 1]), (3, 2, [1, 1, 1]), (4, 1, [1, 1, 3, 3]),
        (4, 4, [1, 3, 5, 13]), (5, 2, [1, 1, 5, 5, 17]), (5, 4, [1, 1, 5, 5, 5]), (5, 7, [1, 1, 7, 11, 19]),
        (5, 11, [1, 1, 5, 1, 1]), (5, 13, [1, 1, 1, 3, 11]), (5, 14, [1, 3, 5, 5, 31]), (6, 1, [1, 3, 3, 9, 7, 49]),
        (6, 13, [1, 1, 1, 15, 21, 21]), (6, 16, [1, 3, 1, 13, 27, 49]), (6, 19, [1, 1, 1, 15, 7, 5]),
        (6, 22, [1, 3, 1, 15, 13, 25]), (6, 25, [1, 1, 5, 5, 19, 61]), (7, 1, [1, 3, 7, 11, 23, 15, 103]),
        (7, 4, [1, 3, 7, 13, 13, 15, 69]),
    ]

    public init(_ space: SearchSpace, seed: UInt64) {
        precondition(
            space.dimensions.count <= Self.maxDimensions, "the parser limits sobol to \(Self.maxDimensions) parameters")
        self.space = space
        var directions: [[UInt32]] = [(0..<32).map { UInt32(1) << (31 - $0) }]
        for (degree, a, m) in Self.table.prefix(max(0, space.dimensions.count - 1)) {
            var v = [UInt32](repeating: 0, count: 32)
            for i in 0..<degree { v[i] = m[i] << (31 - i) }
            for i in degree..<32 {
                var value = v[i - degree] ^ (v[i - degree] >> degree)
                for k in 1..<degree where (a >> (degree - 1 - k)) & 1 == 1 { value ^= v[i - k] }
                v[i] = value
            }
            directions.append(v)
        }
        self.directions = directions
        var generator = SeededGenerator(seed: seed)
        shift = directions.map { _ in UInt32(truncatingIfNeeded: generator.next() >> 32) }
        point = Array(repeating: 0, count: directions.count)
    }

    public mutating func suggest(number: Int, attempt: Int, history: SearchHistory) -> Params? {
        let unit = nextPoint()
        return space.configuration { index, dimension in dimension.value(atUnit: unit[index]) }
    }

    /// The next point (Gray-code order: one XOR per coordinate), shifted, in [0, 1)^d.
    mutating func nextPoint() -> [Double] {
        let current = point.indices.map { Double(point[$0] ^ shift[$0]) * 0x1.0p-32 }
        let bit = (~index).trailingZeroBitCount
        for coordinate in point.indices { point[coordinate] ^= directions[coordinate][min(bit, 31)] }
        index &+= 1
        return current
    }
}
