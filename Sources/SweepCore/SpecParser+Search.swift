import Yams

extension SpecParser {
    static let searchKeys = [
        "algorithm", "trials", "seed", "time_limit", "stop_after_no_improvement", "tpe", "nsga2", "warm_start",
        "enqueue",
    ]
    static let tpeKeys = ["n_startup_trials", "n_ei_candidates", "multivariate", "constant_liar"]

    /// `search:` — the algorithm, its seed and settings, and the budgets that end it.
    static func parseSearch(_ node: Node?, _ reader: inout NodeReader) -> SearchSpec? {
        var search = SearchSpec(algorithm: .grid)
        guard let node else { return search }
        guard let entries = reader.mapping(node, "search", allowed: searchKeys) else { return nil }
        var ok = true
        for (key, value) in entries {
            let field = "search.\(key)"
            switch key {
            case "algorithm":
                if let algorithm = reader.choice(value, field, SearchAlgorithm.self, options: SearchAlgorithm.allCases)
                {
                    search.algorithm = algorithm
                } else {
                    ok = false
                }
            case "trials":
                if let trials = reader.int(value, field, min: 1) { search.trials = trials } else { ok = false }
            case "time_limit":
                if let seconds = reader.duration(value, field) { search.timeLimit = seconds } else { ok = false }
            case "stop_after_no_improvement":
                if let count = reader.int(value, field, min: 1) {
                    search.stopAfterNoImprovement = count
                } else {
                    ok = false
                }
            case "tpe": if let options = parseTPE(value, &reader) { search.tpe = options } else { ok = false }
            case "nsga2": if let options = parseNSGA2(value, &reader) { search.nsga2 = options } else { ok = false }
            case "warm_start":
                if let paths = parseWarmStart(value, &reader) { search.warmStart = paths } else { ok = false }
            case "enqueue":
                if let queue = parseEnqueue(value, &reader) { search.enqueue = queue } else { ok = false }
            default: if let seed = reader.int(value, field, min: 0) { search.seed = UInt64(seed) } else { ok = false }
            }
        }
        guard ok else { return nil }
        let hasBudget = search.trials != nil || search.timeLimit != nil || search.stopAfterNoImprovement != nil
        if search.algorithm != .grid && !hasBudget {
            reader.fail(
                "search.trials", node,
                "\(search.algorithm.rawValue) search needs a budget: trials: 50, time_limit: 10m or stop_after_no_improvement: 20"
            )
            return nil
        }
        if search.algorithm == .grid && search.trials != nil {
            reader.fail(
                "search.trials", node, "grid search evaluates every combination; remove trials or use algorithm: random"
            )
            return nil
        }
        if search.algorithm != .tpe && entries.contains(where: { $0.0 == "tpe" }) {
            reader.fail("search.tpe", node, "tpe settings apply only to algorithm: tpe")
            return nil
        }
        if search.algorithm != .nsga2 && entries.contains(where: { $0.0 == "nsga2" }) {
            reader.fail("search.nsga2", node, "nsga2 settings apply only to algorithm: nsga2")
            return nil
        }
        return search
    }

    static func parseTPE(_ node: Node, _ reader: inout NodeReader) -> TPEOptions? {
        guard let entries = reader.mapping(node, "search.tpe", allowed: tpeKeys) else { return nil }
        var options = TPEOptions()
        for (key, value) in entries {
            let field = "search.tpe.\(key)"
            switch key {
            case "n_startup_trials":
                guard let n = reader.int(value, field, min: 1) else { return nil }; options.startupTrials = n
            case "n_ei_candidates":
                guard let n = reader.int(value, field, min: 1) else { return nil }; options.candidates = n
            case "multivariate":
                guard let flag = reader.bool(value, field) else { return nil }; options.multivariate = flag
            default: guard let flag = reader.bool(value, field) else { return nil }; options.constantLiar = flag
            }
        }
        return options
    }

    /// Checks that conditions name a discrete parameter and its values, without cycles, and
    /// that the space suits the algorithm.
    static func checkSearchSpace(_ space: [Dimension], _ search: SearchSpec, _ node: Node?, _ reader: inout NodeReader)
    {
        let byName = Dictionary(space.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        for dimension in space {
            guard let condition = dimension.condition else { continue }
            let field = "space.\(dimension.name).when"
            guard let parent = byName[condition.parent], condition.parent != dimension.name else {
                let names = space.map(\.name).filter { $0 != dimension.name }.sorted()
                reader.fail(
                    field, nil,
                    "'\(condition.parent)' is not another parameter of the space; parameters: \(space.map(\.name).sorted().joined(separator: ", "))"
                        + Suggestion.didYouMean(condition.parent, among: names))
                continue
            }
            guard let choices = parent.discreteValues else {
                reader.fail(
                    field, nil,
                    "'\(condition.parent)' is continuous; a condition needs a parameter with {values: [...]} or {int: [lo, hi]}"
                )
                continue
            }
            for value in condition.values where !choices.contains(value) {
                reader.fail(
                    field, nil,
                    "'\(condition.parent)' never takes \(value.json); its values: \(choices.map(\.json).joined(separator: ", "))"
                )
            }
            var seen: Set<String> = [dimension.name]
            var cursor = parent
            while let next = cursor.condition {
                if !seen.insert(cursor.name).inserted || next.parent == dimension.name {
                    reader.fail(field, nil, "conditions form a cycle through '\(cursor.name)'")
                    break
                }
                guard let up = byName[next.parent] else { break }
                cursor = up
            }
        }
        if search.algorithm == .sobol && space.count > SobolSampler.maxDimensions {
            reader.fail(
                "search.algorithm", node,
                "sobol supports up to \(SobolSampler.maxDimensions) parameters, the space has \(space.count); use tpe or random"
            )
        }
    }

    static let earlyStoppingKeys = [
        "rule", "resource", "min_resource", "max_resource", "reduction_factor",
        "n_startup_trials", "n_warmup_steps", "min_folds", "alpha", "test",
    ]

    /// `early_stopping:` — `racing`, or a mapping `{rule: asha|median|racing, …settings}`; nil when
    /// it is wrong (the problem is reported).
    static func parseEarlyStopping(
        _ node: Node, model: ModelDescription?, models: ModelCatalog, taskFolds: Int?,
        _ reader: inout NodeReader
    ) -> EarlyStopping? {
        var entries: [(String, Node)]
        if case .scalar = node {
            entries = [("rule", node)]
        } else {
            guard let pairs = reader.mapping(node, "early_stopping", allowed: earlyStoppingKeys) else { return nil }
            entries = pairs
        }
        let settings = Dictionary(entries, uniquingKeysWith: { first, _ in first })
        guard let ruleNode = settings["rule"] else {
            reader.fail("early_stopping.rule", node, "give the rule: asha, median or racing")
            return nil
        }
        let rules = ["asha", "median", "racing"]
        guard let rule = reader.string(ruleNode, "early_stopping.rule"), rules.contains(rule) else {
            if case .scalar(let scalar) = ruleNode {
                reader.fail(
                    "early_stopping.rule", ruleNode,
                    "expected asha, median or racing" + Suggestion.didYouMean(scalar.string, among: rules))
            }
            return nil
        }
        let own: [String: [String]] = [
            "asha": ["resource", "min_resource", "max_resource", "reduction_factor"],
            "median": ["n_startup_trials", "n_warmup_steps"], "racing": ["min_folds", "alpha", "test"],
        ]
        for (key, value) in entries where key != "rule" && !own[rule]!.contains(key) {
            reader.fail(
                "early_stopping.\(key)", value,
                "'\(key)' is not a setting of \(rule); its settings: \(own[rule]!.joined(separator: ", "))"
                    + Suggestion.didYouMean(key, among: own[rule]!))
            return nil
        }
        if rule != "racing", let model, !model.reportsProgress {
            let iterative = models.models.filter(\.reportsProgress).map(\.name).joined(separator: ", ")
            reader.fail(
                "early_stopping.rule", ruleNode,
                "\(rule) needs intermediate results, and '\(model.name)' reports none; use an iterative model (\(iterative)), a command trainer that reports a step, or rule: racing"
            )
            return nil
        }
        switch rule {
        case "asha":
            guard let maxNode = settings["max_resource"] else {
                reader.fail(
                    "early_stopping.max_resource", node,
                    "asha needs max_resource: the step count a trial runs to (e.g. max_iter or epochs)")
                return nil
            }
            guard let maxResource = reader.int(maxNode, "early_stopping.max_resource", min: 2) else { return nil }
            var options = ASHAOptions(maxResource: maxResource)
            if let value = settings["resource"] {
                let resources = ["epochs", "iterations", "step"]
                guard let resource = reader.string(value, "early_stopping.resource"), resources.contains(resource)
                else {
                    let typed = if case .scalar(let scalar) = value { scalar.string } else { "" }
                    reader.fail(
                        "early_stopping.resource", value,
                        "expected epochs, iterations or step" + Suggestion.didYouMean(typed, among: resources))
                    return nil
                }
                options.resource = resource
            }
            if let value = settings["min_resource"] {
                guard let minimum = reader.int(value, "early_stopping.min_resource", min: 1) else { return nil }
                guard minimum < maxResource else {
                    reader.fail("early_stopping.min_resource", value, "must be below max_resource (\(maxResource))")
                    return nil
                }
                options.minResource = minimum
            }
            if let value = settings["reduction_factor"] {
                guard let factor = reader.int(value, "early_stopping.reduction_factor", min: 2) else { return nil }
                options.reductionFactor = factor
            }
            return .asha(options)
        case "median":
            var options = MedianOptions()
            if let value = settings["n_startup_trials"] {
                guard let n = reader.int(value, "early_stopping.n_startup_trials", min: 0) else { return nil }
                options.startupTrials = n
            }
            if let value = settings["n_warmup_steps"] {
                guard let n = reader.int(value, "early_stopping.n_warmup_steps", min: 0) else { return nil }
                options.warmupSteps = n
            }
            return .median(options)
        default:
            var options = RacingOptions()
            if let value = settings["min_folds"] {
                guard let n = reader.int(value, "early_stopping.min_folds", min: 2) else { return nil }
                options.minFolds = n
            }
            if let value = settings["alpha"] {
                guard let alpha = reader.number(value, "early_stopping.alpha"), alpha > 0, alpha < 1 else {
                    reader.fail("early_stopping.alpha", value, "expected a significance level in (0, 1), e.g. 0.05")
                    return nil
                }
                options.alpha = alpha
            }
            if let value = settings["test"] {
                guard
                    let test = reader.choice(
                        value, "early_stopping.test", RacingOptions.Test.self, options: RacingOptions.Test.allCases)
                else { return nil }
                options.test = test
            }
            if let taskFolds, taskFolds <= options.minFolds {
                reader.fail(
                    "early_stopping.min_folds", node,
                    "racing needs more folds than min_folds (\(options.minFolds)); the sweep has \(taskFolds) per trial: raise cv.folds or lower min_folds"
                )
                return nil
            }
            return .racing(options)
        }
    }
}
