import CKernels
import Glibc
import Testing

@testable import SweepCore

/// TPE's log-sum-exp in CKernels: its own exponential (fixed operations, vectorised) must agree
/// with the C library's to about an ulp, and it must treat the odd terms as the Swift one did.
struct LogSumExpTests {
    func lse(_ terms: [Double]) -> Double { terms.withUnsafeBufferPointer { logSumExp($0) } }

    @Test func itsExponentialIsWithinTwoUlpsOfTheCLibrarys() {
        var worst = 0.0
        for step in 0..<400_000 {  // −40 < x ≤ 0
            let x = -Double(step) / 10_000
            let expected = exp(x)
            worst = max(worst, abs(sweep_exp_nonpositive(x) - expected) / expected.ulp)
        }
        #expect(worst <= 2, "worst error \(worst) ulps")
        #expect(sweep_exp_nonpositive(0) == 1)
        #expect(sweep_exp_nonpositive(-40.5) == 0 && sweep_exp_nonpositive(-.infinity) == 0)
        #expect(sweep_exp_nonpositive(.nan) == 0, "a NaN term adds nothing")
    }

    @Test func agreesWithTheDirectSumOnManyTerms() {
        var generator = SeededGenerator(seed: 11)
        for n in [1, 2, 7, 8, 9, 31, 1000] {
            let terms = (0..<n).map { _ in -60 * generator.unit() + 3 }
            let top = terms.max()!
            let direct = top + log(terms.reduce(0) { $0 + exp($1 - top) })
            #expect(abs(lse(terms) - direct) < 1e-13, "n = \(n)")
        }
    }

    @Test func oddTermsAreHandledAsBefore() {
        #expect(lse([]) == -.infinity)
        #expect(lse([-.infinity, -.infinity]) == -.infinity)
        #expect(lse([.infinity, 1]) == .infinity)
        #expect(lse([2.5]) == 2.5)
        #expect(lse([.nan, 0, .nan]) == 0, "NaN terms are left out")
        #expect(lse([0, -41, -1000]) == 0, "terms below e^-40 of the largest add nothing")
    }
}
