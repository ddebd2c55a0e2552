import Foundation

/// Numbers as `report.html` and the plots show them: 4 significant digits, no trailing zeros,
/// thousands apart for large whole numbers ("15.14 s", "0.007755", "12,000", "1.235e+07").
public enum Significant {
    public static func format(_ value: Double, digits: Int = 4) -> String {
        if value.isNaN { return "nan" }
        if value.isInfinite { return value > 0 ? "∞" : "−∞" }
        if value == value.rounded() && abs(value) < 1e7 { return grouped(Int(value)) }
        var text = CFormat.g(value, digits: digits)
        // Bytes, not Foundation's `contains(String)` (a substring search per call).
        if text.utf8.contains(UInt8(ascii: "e")) { return text }
        while text.utf8.contains(UInt8(ascii: ".")) && text.utf8.last == UInt8(ascii: "0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text
    }

    static func grouped(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var out = ""
        for (index, character) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { out.append(",") }
            out.append(character)
        }
        return value < 0 ? "-" + out : out
    }
}
