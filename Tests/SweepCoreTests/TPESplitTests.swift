import Testing

@testable import SweepCore

/// TPE keeps only the best γ ≤ 25 trials below; finding them must give exactly what sorting every
/// trial by (loss, number) and taking a prefix gives: ties, infinities and all.
struct TPESplitTests {
    @Test func theSmallestAreTheSortedPrefix() {
        var generator = SeededGenerator(seed: 3)
        for n in [0, 1, 2, 5, 25, 26, 300] {
            // Few distinct losses, so ties on the loss are broken by number; some infinite.
            let items = (0..<n).map { number -> (loss: Double, number: Int) in
                let draw = Int(generator.unit() * 8)
                return (draw == 7 ? .infinity : Double(draw), number)
            }.shuffled(using: &generator)
            let sorted = items.sorted { ($0.loss, $0.number) < ($1.loss, $1.number) }
            for count in [0, 1, 3, 25, 400] {
                let found = TPESampler.smallest(items, count)
                #expect(found.map(\.number) == sorted.prefix(count).map(\.number), "n = \(n), count = \(count)")
            }
        }
    }
}
