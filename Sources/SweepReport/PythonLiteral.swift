import SweepCore

/// Values as Python prints them, for files that Python users read back: `str()` for a cell of a
/// `param_<p>` column, `repr()` inside the `params` dict literal (as pandas writes a
/// `cv_results_` frame). Floats use the shortest text that reads back as the same number, as
/// Python's `repr(float)` does, switching to exponent form below 1e-4 and from 1e16.
enum PythonLiteral {
    /// `str(value)`: strings bare, booleans `True`/`False`, floats always with a point or exponent.
    static func str(_ value: ParamValue) -> String {
        switch value {
        case .string(let text): text
        default: repr(value)
        }
    }

    /// `repr(value)`: strings quoted and escaped as Python does.
    static func repr(_ value: ParamValue) -> String {
        switch value {
        case .int(let number): String(number)
        case .double(let number): float(number)
        case .bool(let flag): flag ? "True" : "False"
        case .string(let text): string(text)
        }
    }

    /// `repr(float)`: `1.0`, `0.1`, `1e-05`, `1e+16`, `inf`, `nan`.
    static func float(_ value: Double) -> String {
        if value.isNaN { return "nan" }
        if value.isInfinite { return value > 0 ? "inf" : "-inf" }
        // Swift's description is the shortest round-tripping text; it switches to exponent form
        // at the same magnitudes as Python but writes 1e-05 as "1e-05" and 1e16 as "1e+16" too.
        return "\(value)"
    }

    /// `{'C': 1.0, 'penalty': 'l2'}`: names in sorted order (as scikit-learn's ParameterGrid).
    static func dict(_ params: Params) -> String {
        "{" + params.entries.map { "\(string($0.name)): \(repr($0.value))" }.joined(separator: ", ") + "}"
    }

    /// `repr(str)`: single quotes unless the text has one and no double quote; backslash escapes
    /// for the quote used, backslashes and control characters.
    static func string(_ text: String) -> String {
        let quote: Character = text.contains("'") && !text.contains("\"") ? "\"" : "'"
        var out = String(quote)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where Character(scalar) == quote: out += "\\" + String(quote)
            case _ where scalar.value < 0x20 || (0x7f...0xa0).contains(scalar.value):
                out += "\\x" + hex(scalar.value, digits: 2)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + String(quote)
    }

    private static func hex(_ value: UInt32, digits: Int) -> String {
        let text = String(value, radix: 16)
        return String(repeating: "0", count: max(0, digits - text.count)) + text
    }
}
