import Yams

/// `objectives:` (2–3 objectives, a multi-objective sweep) and `constraints:` (bounds on
/// reported metrics), and what they exclude: `objective:` beside `objectives:`, a target with
/// several objectives, early stopping with several objectives.
extension SpecParser {
    /// Metrics every built-in model reports besides its scores: the cost of a fit, of predicting
    /// the validation rows, and the fitted model's size.
    public static let resourceMetrics = ["fit_seconds", "predict_seconds", "model_bytes"]

    /// The sweep's objectives, first the one single-objective code optimizes: from `objective:`
    /// or `objectives:` (not both). nil when wrong (reported), or when the trainer is wrong and
    /// no objective was given (the trainer's problem is the one to fix).
    static func parseObjectives(
        _ sections: [String: Node], trainer: TrainerSpec?, task: TaskType, _ reader: inout NodeReader
    ) -> [Objective]? {
        let model = trainer?.model, isCommand = trainer?.isCommand ?? true
        guard let list = sections["objectives"] else {
            if trainer == nil && sections["objective"] == nil { return nil }
            return parseObjective(sections["objective"], model: model, isCommand: isCommand, task: task, &reader)
                .map { [$0] }
        }
        if let single = sections["objective"] {
            reader.fail(
                "objective", single,
                "give either objective: (one metric) or objectives: (2 or 3, traded off), not both")
            return nil
        }
        guard case .sequence(let items) = list, (2...3).contains(items.count) else {
            let got = if case .sequence(let items) = list { "\(items.count)" } else { reader.kindName(list) }
            reader.fail(
                "objectives", list,
                "expected a list of 2 or 3 objectives, e.g. objectives: [{metric: accuracy, goal: maximize}, {metric: fit_seconds, goal: minimize}], got \(got)"
                    + (got == "1" ? "; for one metric write objective: {metric: …}" : ""))
            return nil
        }
        reader.note("objectives", list)
        var objectives: [Objective] = []
        for (index, item) in items.enumerated() {
            let field = "objectives[\(index)]"
            guard
                let objective = parseObjectiveEntry(
                    item, field, model: model, isCommand: isCommand, task: task, &reader)
            else { return nil }
            if let first = objectives.firstIndex(where: { $0.metric == objective.metric }) {
                reader.fail(
                    "\(field).metric", item,
                    "'\(objective.metric)' is already objectives[\(first)]; each objective needs its own metric")
                return nil
            }
            objectives.append(objective)
        }
        return objectives
    }

    /// One entry of `objectives:`: `{metric, goal}` (goal optional for a metric Sweep knows).
    static func parseObjectiveEntry(
        _ node: Node, _ field: String, model: ModelDescription?, isCommand: Bool, task: TaskType,
        _ reader: inout NodeReader
    ) -> Objective? {
        guard let entries = reader.mapping(node, field, allowed: ["metric", "goal", "target"]) else { return nil }
        let fields = Dictionary(entries, uniquingKeysWith: { first, _ in first })
        if let target = fields["target"] {
            reader.fail(
                "\(field).target", target,
                "a target stops a single-objective search when its best reaches it; several objectives have a front, not one best — remove target, or use objective: {metric: …, target: …} alone"
            )
            return nil
        }
        guard let metricNode = fields["metric"] else {
            reader.fail(
                "\(field).metric", node,
                "missing: each objective needs a metric, e.g. {metric: accuracy, goal: maximize}")
            return nil
        }
        guard let metric = reader.string(metricNode, "\(field).metric"),
            checkReported(
                metric, "\(field).metric", metricNode, model: model, isCommand: isCommand, task: task, &reader)
        else { return nil }
        if let goalNode = fields["goal"] {
            guard let goal = reader.choice(goalNode, "\(field).goal", Goal.self, options: [.maximize, .minimize])
            else { return nil }
            return Objective(metric: metric, goal: goal)
        }
        guard let known = MetricInfo.named(metric) else {
            reader.fail(
                "\(field).goal", node, "'\(metric)' is not a metric Sweep knows; say whether to maximize or minimize it"
            )
            return nil
        }
        return Objective(metric: metric, goal: known.higherIsBetter ? .maximize : .minimize)
    }

    /// `constraints: [{metric: latency_ms, max: 10}, {metric: accuracy, min: 0.9}]`.
    static func parseConstraints(
        _ node: Node?, trainer: TrainerSpec?, task: TaskType, _ reader: inout NodeReader
    ) -> [Constraint]? {
        guard let node else { return [] }
        guard case .sequence(let items) = node, !items.isEmpty else {
            reader.fail(
                "constraints", node,
                "expected a list of bounds, e.g. constraints: [{metric: latency_ms, max: 10}, {metric: accuracy, min: 0.9}], got \(reader.kindName(node))"
            )
            return nil
        }
        reader.note("constraints", node)
        var constraints: [Constraint] = []
        for (index, item) in items.enumerated() {
            let field = "constraints[\(index)]"
            guard let entries = reader.mapping(item, field, allowed: ["metric", "min", "max"]) else { return nil }
            let fields = Dictionary(entries, uniquingKeysWith: { first, _ in first })
            guard let metricNode = fields["metric"] else {
                reader.fail(
                    "\(field).metric", item,
                    "missing: which reported metric to bound, e.g. {metric: latency_ms, max: 10}")
                return nil
            }
            guard let metric = reader.string(metricNode, "\(field).metric"),
                checkReported(
                    metric, "\(field).metric", metricNode, model: trainer?.model, isCommand: trainer?.isCommand ?? true,
                    task: task, &reader)
            else { return nil }
            var constraint = Constraint(metric: metric)
            if let minNode = fields["min"] {
                guard let bound = reader.number(minNode, "\(field).min") else { return nil }
                constraint.min = bound
            }
            if let maxNode = fields["max"] {
                guard let bound = reader.number(maxNode, "\(field).max") else { return nil }
                constraint.max = bound
            }
            guard constraint.min != nil || constraint.max != nil else {
                reader.fail("\(field)", item, "give min, max or both: the bounds '\(metric)' must stay within")
                return nil
            }
            if let min = constraint.min, let max = constraint.max, min > max {
                reader.fail(
                    "\(field).min", fields["min"],
                    "min (\(formatNumber(min))) is above max (\(formatNumber(max))): no trial could be feasible")
                return nil
            }
            constraints.append(constraint)
        }
        return constraints
    }

    /// A built-in model must report the metric (a command may report any).
    static func checkReported(
        _ name: String, _ field: String, _ node: Node, model: ModelDescription?, isCommand: Bool, task: TaskType,
        _ reader: inout NodeReader
    ) -> Bool {
        guard !isCommand else { return true }
        let scores = model?.metrics(for: task) ?? MetricInfo.names(for: task)
        let valid = scores + resourceMetrics.filter { !scores.contains($0) }
        guard !valid.contains(name) else { return true }
        let known = MetricInfo.named(name)
        let why =
            known?.task.map { " is for \($0); this sweep does \(task)" }
            ?? " is not a metric \(model.map { "model '\($0.name)'" } ?? "the model") reports"
        reader.fail(
            field, node,
            "'\(name)'\(why); use one of: \(valid.joined(separator: ", "))"
                + (known == nil ? Suggestion.didYouMean(name, among: valid) : ""))
        return false
    }

    /// Every objective of `objectives:` and every constrained metric, with its field.
    static func searchedMetricFields(_ objectives: [Objective], _ constraints: [Constraint]) -> [(
        field: String, metric: String
    )] {
        (objectives.count > 1 ? objectives : []).enumerated().map {
            ("objectives[\($0.offset)].metric", $0.element.metric)
        }
            + constraints.enumerated().map { ("constraints[\($0.offset)].metric", $0.element.metric) }
    }

    /// Early stopping judges a trial by one objective; with several there is no sound rule, so
    /// it is refused. A warm start carries only the first objective's value of each earlier
    /// trial (not every objective, nor the constrained metrics), so it is refused with either.
    static func checkObjectivesAllowed(
        _ objectives: [Objective], constraints: [Constraint], search: SearchSpec, earlyStopping: EarlyStopping?,
        _ sections: [String: Node], _ reader: inout NodeReader
    ) -> Bool {
        var ok = true
        if objectives.count > 1, let earlyStopping {
            reader.fail(
                "early_stopping", sections["early_stopping"],
                "\(earlyStopping.name) stops trials that look worse on one objective, which says nothing about a trade-off between \(objectives.count) objectives: remove early_stopping, or optimize a single objective"
            )
            ok = false
        }
        if !search.warmStart.isEmpty && (objectives.count > 1 || !constraints.isEmpty) {
            reader.fail(
                "search.warm_start", nil,
                "a warm start passes on each earlier trial's first objective only, not \(objectives.count > 1 ? "every objective" : "the constrained metrics"): remove warm_start, or use it with a single unconstrained objective"
            )
            ok = false
        }
        return ok
    }
}
