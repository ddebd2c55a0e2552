/// One hyperparameter value, as the spec wrote it.
public enum ParamValue: Hashable, Sendable, CustomStringConvertible {
    case int(Int)
    case double(Double)
    case string(String)
    case bool(Bool)

    /// The value as a number, for numeric hyperparameters (ints widen, bools and strings do not).
    public var number: Double? {
        switch self {
        case .int(let value): Double(value)
        case .double(let value): value
        case .string, .bool: nil
        }
    }

    public var description: String {
        switch self {
        case .int(let value): String(value)
        case .double(let value): value.isFinite ? "\(value)" : formatNumber(value)  // keeps "1.0" a float
        case .string(let value): value
        case .bool(let value): value ? "true" : "false"
        }
    }

    /// The value as JSON text.
    public var json: String {
        switch self {
        case .string(let value): jsonQuoted(value)
        case .double(let value) where !value.isFinite: "null"
        default: description
        }
    }
}

/// Shortest text that reads back as the same Double ("0.1", "1000", "1e-05").
public func formatNumber(_ value: Double) -> String {
    if value.isNaN { return "nan" }
    if value.isInfinite { return value > 0 ? "inf" : "-inf" }
    if value == value.rounded(), abs(value) < 1e15 { return String(Int(value)) }
    return "\(value)"
}

/// A JSON string literal. Written by hand for the live path only: each suggested trial's
/// canonical params text (its content hash, `SWEEP_PARAMS`) and each counted task's metrics in
/// run.db, where an encoder would cost more than the rest. Files written once (best.json) use
/// JSONEncoder.
public func jsonQuoted(_ text: String) -> String {
    var out = "\""
    for scalar in text.unicodeScalars {
        switch scalar {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\t": out += "\\t"
        case _ where scalar.value < 0x20:
            out +=
                "\\u" + String(repeating: "0", count: 4 - String(scalar.value, radix: 16).count)
                + String(scalar.value, radix: 16)
        default: out.unicodeScalars.append(scalar)
        }
    }
    return out + "\""
}
