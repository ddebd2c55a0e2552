import SweepCore

/// A search dimension as an optuna distribution: its JSON (`distribution_to_json`) and how a
/// value becomes optuna's internal representation.
struct OptunaDistribution {
    let dimension: Dimension
    let json: String

    init(_ dimension: Dimension) {
        self.dimension = dimension
        switch dimension.kind {
        case .constant(let value):
            json = Self.categorical([value])
        case .values(let values):
            json = Self.categorical(values)
        case .uniform(let low, let high):
            json = Self.float(low: low, high: high, log: false, step: dimension.step)
        case .logUniform(let low, let high):
            json = Self.float(low: low, high: high, log: true, step: nil)
        case .int(let low, let high):
            let step = Int(dimension.step ?? 1)
            json =
                #"{"name": "IntDistribution", "attributes": {"log": \#(dimension.log), "step": \#(step), "low": \#(low), "high": \#(high)}}"#
        }
    }

    static func categorical(_ choices: [ParamValue]) -> String {
        let list = choices.map(\.json).joined(separator: ", ")
        return #"{"name": "CategoricalDistribution", "attributes": {"choices": [\#(list)]}}"#
    }

    static func float(low: Double, high: Double, log: Bool, step: Double?) -> String {
        let step = step.map { "\($0)" } ?? "null"
        return
            #"{"name": "FloatDistribution", "attributes": {"step": \#(step), "low": \#(low), "high": \#(high), "log": \#(log)}}"#
    }

    /// The value as optuna stores it (`to_internal_repr`), after checking that the distribution
    /// holds it (optuna's `FrozenTrial` refuses one it does not).
    func internalValue(_ value: ParamValue, trial: Int) throws -> Double {
        let outside = ExportError(
            description:
                "trial \(trial): \(dimension.name) = \(value) lies outside the spec's space for it; optuna cannot hold it"
        )
        switch dimension.kind {
        case .constant(let only):
            guard value == only else { throw outside }
            return 0
        case .values(let values):
            guard let index = values.firstIndex(of: value) else { throw outside }
            return Double(index)
        case .uniform(let low, let high), .logUniform(let low, let high):
            guard let number = value.number, number >= low, number <= high else { throw outside }
            // optuna's FloatDistribution holds a stepped value within 1e-8 steps of the grid.
            if let step = dimension.step {
                let k = (number - low) / step
                guard abs(k - k.rounded()) < 1e-8 else { throw outside }
            }
            return number
        case .int(let low, let high):
            guard case .int(let number) = value, number >= low, number <= high,
                (number - low) % Int(dimension.step ?? 1) == 0
            else { throw outside }
            return Double(number)
        }
    }
}

/// JSON arrays of optional values (null for nil and for non-finite numbers).
enum JSONList {
    /// `infinity`: how to write ±∞ (Python's json reads `Infinity`); null when nil.
    static func numbers(_ values: [Double?], infinity: String? = nil) -> String {
        let items = values.map { value -> String in
            guard let value, !value.isNaN else { return "null" }
            if value.isInfinite, let infinity { return (value < 0 ? "-" : "") + infinity }
            return value.isFinite ? "\(value)" : "null"
        }
        return "[" + items.joined(separator: ", ") + "]"
    }

    static func strings(_ values: [String?]) -> String {
        "[" + values.map { $0.map(jsonQuoted) ?? "null" }.joined(separator: ", ") + "]"
    }
}
