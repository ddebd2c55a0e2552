import Testing

@testable import SweepReport

@Suite struct SignificantTests {
    @Test(arguments: [
        (15.1429, "15.14"), (0.00775516, "0.007755"), (12000, "12,000"), (-1234567, "-1,234,567"), (0.98, "0.98"),
        (1.5e-9, "1.5e-09"), (12_345_678.9, "1.235e+07"), (Double.nan, "nan"), (0, "0"), (0.1 + 0.2, "0.3"),
    ])
    func fourSignificantDigits(value: Double, expected: String) {
        #expect(Significant.format(value) == expected)
    }
}
