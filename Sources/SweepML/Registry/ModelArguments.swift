import SweepCore

/// A trial's parameters as a model reads them: one the trial does not set takes the default its
/// description declares, so every default is written once, beside the parameter's range.
struct ModelArguments {
    let params: Params
    let parameters: [ModelParameter]

    init(_ params: Params, _ description: ModelDescription) {
        self.params = params
        parameters = description.parameters
    }

    /// The trial's own value, if it sets one.
    subscript(name: String) -> ParamValue? { params[name] }

    func declared(_ name: String) -> ParamValue? { parameters.first { $0.name == name }?.defaultValue }

    /// A number: the trial's value, else the declared default (a model reading an undeclared
    /// default is a bug in its description).
    func number(_ name: String) -> Double {
        guard let value = params[name]?.number ?? declared(name)?.number else {
            preconditionFailure("no default for '\(name)'")
        }
        return value
    }

    /// An integer, or nil when neither the trial nor the description gives one (`max_depth`).
    func optionalInt(_ name: String) -> Int? {
        if case .int(let value)? = params[name] { return value }
        if case .int(let value)? = declared(name) { return value }
        return nil
    }

    func int(_ name: String) -> Int {
        guard let value = optionalInt(name) else { preconditionFailure("no default for '\(name)'") }
        return value
    }

    func text(_ name: String) -> String {
        guard let value = params[name]?.description ?? declared(name)?.description else {
            preconditionFailure("no default for '\(name)'")
        }
        return value
    }

    func flag(_ name: String) -> Bool {
        if case .bool(let value)? = params[name] { return value }
        guard case .bool(let value)? = declared(name) else { preconditionFailure("no default for '\(name)'") }
        return value
    }
}
