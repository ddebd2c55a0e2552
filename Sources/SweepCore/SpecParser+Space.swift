import Yams

extension SpecParser {
    static let rangeKinds = ["values", "uniform", "loguniform", "int"]

    /// `space:` — each entry a constant scalar or one of {values}, {uniform}, {loguniform}, {int}.
    static func parseSpace(_ node: Node?, model: ModelDescription?, search: SearchSpec?, _ reader: inout NodeReader)
        -> [Dimension]?
    {
        guard let node else { return [] }
        if case .scalar(let scalar) = node, scalar.tagName == .null { return [] }
        guard let entries = reader.mapping(node, "space") else { return nil }
        var dimensions: [Dimension] = []
        var ok = true
        for (name, value) in entries {
            let field = "space.\(name)"
            let rule = model?.parameter(name)?.rule
            if let model, rule == nil, !model.acceptsOtherParameters {
                let known = model.parameters.map(\.name).sorted()
                reader.fail(
                    field, value,
                    "'\(model.name)' has no parameter '\(name)'; its parameters: \(known.joined(separator: ", "))"
                        + Suggestion.didYouMean(name, among: known))
                ok = false
                continue
            }
            let (condition, body) = splitCondition(value, field, &reader)
            guard let body, var dimension = parseDimension(body, field, rule: rule, &reader) else {
                ok = false
                continue
            }
            if search?.algorithm == .grid && dimension.discreteCount == nil {
                reader.fail(
                    field, value,
                    "grid search needs a finite list: use {values: [...]}, a step ({uniform: [0, 1], step: 0.1}) or search.algorithm: random"
                )
                ok = false
            }
            dimension.name = name
            dimension.condition = condition
            if dimension.simpler == nil, dimension.isOrdered { dimension.simpler = model?.parameter(name)?.simpler }
            dimensions.append(dimension)
        }
        guard ok else { return nil }
        if search?.algorithm == .grid {
            var size = 1
            for dimension in dimensions {
                let (product, overflow) = size.multipliedReportingOverflow(by: dimension.discreteCount ?? 1)
                size = overflow ? Int.max : product
            }
            if size > maxTrials {
                reader.fail(
                    "space", node,
                    "the grid has \(size) combinations, more than \(maxTrials); narrow it or use algorithm: random")
                return nil
            }
        }
        return dimensions
    }

    /// Takes `when: {parent: value or [values]}` out of a dimension's mapping.
    static func splitCondition(_ node: Node, _ field: String, _ reader: inout NodeReader) -> (Condition?, Node?) {
        guard case .mapping(let mapping) = node, let whenNode = mapping["when"] else { return (nil, node) }
        var rest = mapping
        rest["when"] = nil
        let body = Node.mapping(rest)
        guard case .mapping(let pairs) = whenNode, pairs.count == 1, let (key, value) = pairs.first,
            let parent = key.string
        else {
            reader.fail(
                "\(field).when", whenNode,
                "expected {PARAMETER: VALUE} or {PARAMETER: [VALUES]}, e.g. when: {kernel: rbf}")
            return (nil, nil)
        }
        var values: [ParamValue] = []
        let items: [Node] = if case .sequence(let sequence) = value { Array(sequence) } else { [value] }
        for (index, item) in items.enumerated() {
            guard let parsed = reader.paramValue(item, "\(field).when.\(parent)\(items.count > 1 ? "[\(index)]" : "")")
            else { return (nil, nil) }
            values.append(parsed)
        }
        guard !values.isEmpty else {
            reader.fail("\(field).when.\(parent)", value, "expected at least one value")
            return (nil, nil)
        }
        reader.note("\(field).when", whenNode)
        return (Condition(parent: parent, values: values), body)
    }

    /// One dimension's body (its name and condition are the caller's to set).
    static func parseDimension(_ node: Node, _ field: String, rule: ParamRule?, _ reader: inout NodeReader)
        -> Dimension?
    {
        if case .scalar = node {
            guard let value = reader.paramValue(node, field) else { return nil }
            return check(value, field, node, rule, &reader) ? Dimension(name: "", kind: .constant(value)) : nil
        }
        guard case .mapping(let mapping) = node else {
            reader.fail(
                field, node,
                "expected a constant or one of {values: [...]}, {uniform: [lo, hi]}, {loguniform: [lo, hi]}, {int: [lo, hi]}"
            )
            return nil
        }
        var rest = mapping
        let (stepNode, logNode, simplerNode) = (rest["step"], rest["log"], rest["simpler"])
        (rest["step"], rest["log"], rest["simpler"]) = (nil, nil, nil)
        guard let kind = parseKind(.mapping(rest), field, rule: rule, &reader),
            var dimension = refine(Dimension(name: "", kind: kind), step: stepNode, log: logNode, field, &reader)
        else { return nil }
        if let simplerNode {
            guard let simpler = parseSimpler(simplerNode, dimension, "\(field).simpler", &reader) else { return nil }
            dimension.simpler = simpler
        }
        return dimension
    }

    /// `simpler: low | high` — which end of a numeric dimension gives the simpler model.
    static func parseSimpler(_ node: Node, _ dimension: Dimension, _ field: String, _ reader: inout NodeReader)
        -> Dimension.Simpler?
    {
        guard dimension.isOrdered else {
            reader.fail(
                field, node,
                "simpler applies to numeric dimensions only ({int: [lo, hi]}, {uniform: [lo, hi]}, {loguniform: [lo, hi]} or {values: [...]} of numbers)"
            )
            return nil
        }
        guard case .scalar(let scalar) = node, let simpler = Dimension.Simpler(rawValue: scalar.string) else {
            let got = if case .scalar(let scalar) = node { "'\(scalar.string)'" } else { reader.kindName(node) }
            reader.fail(
                field, node,
                "expected low or high (the end of the range that gives the simpler model, e.g. max_depth: {int: [1, 12], simpler: low}), got \(got)"
            )
            return nil
        }
        return simpler
    }

    static func parseKind(_ node: Node, _ field: String, rule: ParamRule?, _ reader: inout NodeReader) -> Dimension
        .Kind?
    {
        guard case .mapping = node, let entries = reader.mapping(node, field, allowed: rangeKinds + ["step", "log"])
        else {
            if case .mapping = node { return nil }
            reader.fail(
                field, node,
                "expected a constant or one of {values: [...]}, {uniform: [lo, hi]}, {loguniform: [lo, hi]}, {int: [lo, hi]}"
            )
            return nil
        }
        guard entries.count == 1, let (kind, body) = entries.first else {
            reader.fail(field, node, "give exactly one of values, uniform, loguniform, int")
            return nil
        }
        let child = "\(field).\(kind)"
        if kind == "values" {
            guard case .sequence(let sequence) = body, !sequence.isEmpty else {
                reader.fail(child, body, "expected a non-empty list of values (an empty list makes an empty grid)")
                return nil
            }
            var values: [ParamValue] = []
            for (index, item) in sequence.enumerated() {
                guard let value = reader.paramValue(item, "\(child)[\(index)]") else { return nil }
                guard check(value, "\(child)[\(index)]", item, rule, &reader) else { return nil }
                if values.contains(value) {
                    reader.fail("\(child)[\(index)]", item, "\(value.json) is listed twice; each value once")
                    return nil
                }
                values.append(value)
            }
            return .values(values)
        }
        if let rule, !rule.isNumeric {
            reader.fail(child, body, "this parameter takes named choices; use {values: [...]}")
            return nil
        }
        guard case .sequence(let pair) = body, pair.count == 2 else {
            reader.fail(child, body, "expected [lo, hi]")
            return nil
        }
        if kind == "int" {
            guard let lo = reader.int(pair[0], "\(child)[0]", min: Int.min),
                let hi = reader.int(pair[1], "\(child)[1]", min: Int.min)
            else { return nil }
            guard lo < hi else { reader.fail(child, body, "lo must be < hi, got [\(lo), \(hi)]"); return nil }
            guard check(.int(lo), child, body, rule, &reader), check(.int(hi), child, body, rule, &reader) else {
                return nil
            }
            return .int(lo, hi)
        }
        guard let lo = reader.number(pair[0], "\(child)[0]"), let hi = reader.number(pair[1], "\(child)[1]") else {
            return nil
        }
        guard lo < hi else {
            reader.fail(child, body, "lo must be < hi, got [\(formatNumber(lo)), \(formatNumber(hi))]"); return nil
        }
        if case .positiveInt = rule {
            reader.fail(child, body, "this parameter is an integer; use {int: [lo, hi]}")
            return nil
        }
        if kind == "loguniform" && lo <= 0 {
            reader.fail(child, body, "loguniform needs 0 < lo < hi, got lo = \(formatNumber(lo))")
            return nil
        }
        guard check(.double(lo), child, body, rule, &reader), check(.double(hi), child, body, rule, &reader) else {
            return nil
        }
        return kind == "uniform" ? .uniform(lo, hi) : .logUniform(lo, hi)
    }

    /// `step:` and `log:` on a parsed kind, as optuna's distributions take them: step on uniform
    /// and int (hi − lo a multiple of it), log on int (lo ≥ 1; `log: true` on uniform is
    /// loguniform), never both.
    static func refine(
        _ dimension: Dimension, step stepNode: Node?, log logNode: Node?, _ field: String, _ reader: inout NodeReader
    ) -> Dimension? {
        var dimension = dimension
        var log = false
        if let logNode {
            guard let flag = reader.bool(logNode, "\(field).log") else { return nil }
            log = flag
        }
        if log && stepNode != nil {
            reader.fail("\(field).step", stepNode, "step and log: true exclude each other (as in optuna); keep one")
            return nil
        }
        switch dimension.kind {
        case .int(let lo, _) where log:
            guard lo >= 1 else {
                reader.fail("\(field).log", logNode, "log: true needs lo ≥ 1 (the logarithm of \(lo) is undefined)")
                return nil
            }
            dimension.log = true
        case .uniform(let lo, let hi) where log:
            guard lo > 0 else {
                reader.fail("\(field).log", logNode, "log: true needs lo > 0, got lo = \(formatNumber(lo))")
                return nil
            }
            dimension.kind = .logUniform(lo, hi)
        case .logUniform where logNode != nil && !log:
            reader.fail("\(field).log", logNode, "loguniform is always logarithmic; use uniform for a linear range")
            return nil
        case .constant, .values:
            if let node = logNode ?? stepNode {
                reader.fail(
                    "\(field).\(logNode != nil ? "log" : "step")", node,
                    "step and log apply to {uniform: [lo, hi]} and {int: [lo, hi]} only")
                return nil
            }
        default: break
        }
        guard let stepNode else { return dimension }
        return stepped(dimension, stepNode, "\(field).step", &reader)
    }

    /// A stepped uniform or int: the step is positive (an integer for int) and divides hi − lo.
    static func stepped(_ dimension: Dimension, _ node: Node, _ field: String, _ reader: inout NodeReader) -> Dimension?
    {
        var dimension = dimension
        let lo: Double, hi: Double
        switch dimension.kind {
        case .int(let low, let high):
            guard let step = reader.int(node, field, min: 1) else { return nil }
            (lo, hi) = (Double(low), Double(high))
            dimension.step = step == 1 ? nil : Double(step)
            if step == 1 { return dimension }
        case .uniform(let low, let high):
            guard let step = reader.number(node, field) else { return nil }
            guard step > 0 else {
                reader.fail(field, node, "expected a step > 0, got \(formatNumber(step))"); return nil
            }
            (lo, hi) = (low, high)
            dimension.step = step
        case .logUniform:
            reader.fail(field, node, "a logarithmic range takes no step (as in optuna); use uniform or int for a step")
            return nil
        default:
            reader.fail(field, node, "step applies to {uniform: [lo, hi]} and {int: [lo, hi]} only")
            return nil
        }
        let step = dimension.step!
        let count = (hi - lo) / step
        guard step <= hi - lo, abs(count - count.rounded()) <= 1e-9 * max(1, count) else {
            // The nearest hi on the step: the same grid with hi unbounded, read at that index.
            let index = Int(max(1, count.rounded()))
            var widened = dimension
            widened.kind = if case .int = dimension.kind { .int(Int(lo), Int.max) } else { .uniform(lo, .infinity) }
            let nearest = widened.steppedValue(index).number ?? hi
            reader.fail(
                field, node,
                "hi − lo = \(formatNumber(hi - lo)) is not a multiple of the step \(formatNumber(step)); the nearest valid hi is \(formatNumber(nearest))"
            )
            return nil
        }
        return dimension
    }

    static func check(
        _ value: ParamValue, _ field: String, _ node: Node, _ rule: ParamRule?, _ reader: inout NodeReader
    ) -> Bool {
        guard let rule, let problem = rule.problem(with: value) else { return true }
        reader.fail(field, node, problem)
        return false
    }
}
