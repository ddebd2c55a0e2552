import Foundation
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

/// The printers reports use (C's `%.*g`, `%.*f` without Foundation's parser) agree with `String(format:)`.
@Suite struct SignificantPrinterTests {
    @Test func agreesWithStringFormat() {
        var state: UInt64 = 7
        var values: [Double] = [0, -0.0, 1, -1, 1e300, -1e-300, .leastNonzeroMagnitude, .greatestFiniteMagnitude, 0.5]
        for _ in 0..<2000 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            values.append(Double(bitPattern: state >> 1 | 0x3000_0000_0000_0000) * (state & 1 == 0 ? 1 : -1))
        }
        for value in values {
            for digits in [1, 4, 6, 17] {
                #expect(CFormat.g(value, digits: digits) == String(format: "%.\(digits)g", value), "\(value)")
                #expect(CFormat.f(value, decimals: digits) == String(format: "%.\(digits)f", value), "\(value)")
            }
        }
    }
}

/// Escaping by bytes says what escaping by characters said.
@Suite struct HTMLEscapeTests {
    @Test func specialsAreEscapedAndControlsBecomeOneSpaceEach() {
        #expect(HTMLText.escape(#"a<b> & 'c' "d""#) == "a&lt;b&gt; &amp; &#39;c&#39; &quot;d&quot;")
        #expect(HTMLText.escape("x\r\ny\tz\u{1}", controlsAsSpaces: true) == "x y z ")
        #expect(HTMLText.escape("x\r\ny") == "x\r\ny", "controls kept unless asked")
        #expect(HTMLText.escape("ünï ✓ 👩‍💻 <") == "ünï ✓ 👩‍💻 &lt;")
        #expect(HTMLText.escape("plain") == "plain")
        #expect(Significant.format(0.5) == "0.5" && Significant.format(1.5e-9) == "1.5e-09")
    }
}
