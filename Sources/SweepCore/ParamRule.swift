/// What a hyperparameter of a built-in model accepts.
public enum ParamRule: Sendable {
    case positive  // a number > 0
    case nonNegative  // a number ≥ 0
    case anyNumber
    case positiveInt  // an integer ≥ 1
    case intAtLeast(Int)
    case fraction  // a number in (0, 1]
    case unitInterval  // a number in [0, 1]
    case boolean
    case choice([String])
    /// `max_features`: sqrt, log2, a count ≥ 1, or a fraction in (0, 1].
    case maxFeatures
    /// `hidden_layer_sizes`: a width (100) or widths as text ("64,32").
    case layerSizes

    /// Nil when `value` is acceptable, else what would be right.
    public func problem(with value: ParamValue) -> String? {
        switch self {
        case .positive:
            guard let number = value.number, number > 0, number.isFinite else {
                return "expected a number > 0, got \(value.json)"
            }
        case .nonNegative:
            guard let number = value.number, number >= 0, number.isFinite else {
                return "expected a number ≥ 0, got \(value.json)"
            }
        case .anyNumber:
            guard let number = value.number, number.isFinite else { return "expected a number, got \(value.json)" }
        case .positiveInt:
            guard case .int(let int) = value, int >= 1 else { return "expected an integer ≥ 1, got \(value.json)" }
        case .intAtLeast(let minimum):
            guard case .int(let int) = value, int >= minimum else {
                return "expected an integer ≥ \(minimum), got \(value.json)"
            }
        case .fraction:
            guard case .double(let number) = value, number > 0, number <= 1 else {
                return "expected a number in (0, 1], got \(value.json)"
            }
        case .unitInterval:
            guard let number = value.number, number >= 0, number <= 1 else {
                return "expected a number in [0, 1], got \(value.json)"
            }
        case .boolean:
            guard case .bool = value else { return "expected true or false, got \(value.json)" }
        case .maxFeatures:
            switch value {
            case .string(let text) where text == "sqrt" || text == "log2": return nil
            case .int(let count) where count >= 1: return nil
            case .double(let fraction) where fraction > 0 && fraction <= 1: return nil
            default: return "expected sqrt, log2, a number of columns ≥ 1 or a fraction in (0, 1], got \(value.json)"
            }
        case .layerSizes:
            switch value {
            case .int(let width) where width >= 1: return nil
            case .string(let text)
            where !text.isEmpty
                && text.split(separator: ",", omittingEmptySubsequences: false)
                    .allSatisfy({ Int($0.trimmingCharacters(in: .whitespaces)).map { $0 >= 1 } ?? false }):
                return nil
            default: return "expected a layer width like 100, or widths like \"64,32\", got \(value.json)"
            }
        case .choice(let options):
            guard case .string(let text) = value, options.contains(text) else {
                let hint = if case .string(let text) = value { Suggestion.didYouMean(text, among: options) } else { "" }
                return "expected one of \(options.joined(separator: ", ")), got \(value.json)\(hint)"
            }
        }
        return nil
    }

    /// Whether a numeric range [lo, hi] is allowed for this parameter.
    public var isNumeric: Bool {
        switch self {
        case .positive, .nonNegative, .anyNumber, .positiveInt, .intAtLeast, .fraction, .unitInterval: true
        case .choice, .boolean, .maxFeatures, .layerSizes: false
        }
    }
}
