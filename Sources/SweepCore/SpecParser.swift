import Yams

/// Turns spec text (YAML or JSON) into a validated `Spec`, or a `SpecError` listing every problem
/// with its field and line. Pure: the built-in models come in as a `ModelCatalog` (SweepML's
/// registry), and checks that need the file system (the data file, its columns) happen in the
/// runtime, which adds its problems to the same `SpecDraft`.
public enum SpecParser {
    static let topKeys = [
        "name", "data", "cv", "trainer", "search", "space", "objective", "objectives", "constraints", "limits", "refit",
        "early_stopping",
    ]
    /// The largest grid we expand; a bigger one is almost always a typo in a range.
    public static let maxTrials = 1_000_000

    public static func parse(
        _ text: String, file: String = "spec", defaultName: String = "sweep",
        models: ModelCatalog
    ) throws(SpecError) -> Spec {
        try draft(text, file: file, defaultName: defaultName, models: models).validated()
    }

    /// The spec's sections as far as they parse, and the problems found; throws only when the
    /// text is not YAML at all (then nothing else can be checked).
    public static func draft(
        _ text: String, file: String = "spec", defaultName: String = "sweep",
        models: ModelCatalog
    ) throws(SpecError) -> SpecDraft {
        let root: Node
        do {
            guard let node = try Yams.compose(yaml: text) else {
                throw SpecError(file: file, problems: [SpecProblem(field: "", line: nil, message: "the spec is empty")])
            }
            root = node
        } catch let error as SpecError {
            throw error
        } catch {
            throw SpecError(file: file, problems: [yamlProblem(error)])
        }
        var reader = NodeReader()
        var draft = SpecDraft(file: file)
        let spec = parse(root, defaultName: defaultName, models: models, into: &draft, reader: &reader)
        draft.spec = spec
        draft.lines = reader.lines
        draft.problems = reader.problems
        return draft
    }

    /// Parses every section, keeping in `draft` the ones the runtime checks the data against;
    /// the whole spec when every section parsed.
    static func parse(
        _ root: Node, defaultName: String, models: ModelCatalog, into draft: inout SpecDraft,
        reader: inout NodeReader
    ) -> Spec? {
        guard let entries = reader.mapping(root, "", allowed: topKeys) else { return nil }
        let sections = Dictionary(entries, uniquingKeysWith: { first, _ in first })

        let name = sections["name"].flatMap { reader.string($0, "name") } ?? defaultName
        let data = sections["data"].flatMap { parseData($0, &reader) }
        let trainer = parseTrainer(sections["trainer"], models: models, &reader)
        let model = trainer?.model
        let task = data?.task ?? .classification
        let hasData = data != nil || sections["data"] != nil
        // A command without data: a fold is one run of the program; one per trial unless asked.
        let defaultFolds = !hasData && trainer?.isCommand == true ? 1 : 5
        let cv = parseCV(sections["cv"], task: task, hasLabels: hasData, defaultFolds: defaultFolds, &reader)
        var search = parseSearch(sections["search"], &reader)
        let space = parseSpace(sections["space"], model: model, search: search, &reader)
        // If the trainer itself is wrong, do not also judge the metric against the wrong kind of
        // trainer, nor ask for the metric only a command trainer must name.
        let objectives = parseObjectives(sections, trainer: trainer, task: task, &reader)
        let constraints = parseConstraints(sections["constraints"], trainer: trainer, task: task, &reader)
        let limits = parseLimits(sections["limits"], &reader)
        (draft.data, draft.cv, draft.trainer, draft.space, draft.objective) = (
            data, cv, trainer, space, objectives?.first
        )
        draft.searchedMetricFields = searchedMetricFields(objectives ?? [], constraints ?? [])

        if let model { checkModel(model, data: data, hasData: sections["data"] != nil, models: models, &reader) }
        if let command = trainer?.command, let space { checkPlaceholders(command.template, space, &reader) }
        let refit = sections["refit"].map { reader.bool($0, "refit") } ?? true
        if let node = sections["refit"] { reader.note("refit", node) }  // a command trainer refits only when asked
        // nil: none asked for; .some(nil): asked for wrongly (reported).
        let earlyStopping = sections["early_stopping"].map {
            parseEarlyStopping($0, model: model, models: models, taskFolds: cv?.taskFolds, &reader)
        }
        if let space, let search { checkSearchSpace(space, search, sections["space"], &reader) }
        if let space, search != nil { checkEnqueue(space, &search!, &reader) }
        guard let trainer, let cv, let search, let space, let objectives, let constraints, let limits, let refit,
            earlyStopping != .some(nil),
            checkObjectivesAllowed(
                objectives, constraints: constraints, search: search, earlyStopping: earlyStopping ?? nil, sections,
                &reader),
            checkNested(
                cv, trainer: trainer, search: search, objectives: objectives, constraints: constraints,
                earlyStopping: earlyStopping ?? nil, hasData: hasData, sections, &reader)
        else { return nil }
        var spec = Spec(
            name: name, data: data, cv: cv, trainer: trainer, search: search,
            space: space, objective: objectives[0], limits: limits, refit: refit, lines: reader.lines)
        spec.moreObjectives = Array(objectives.dropFirst())
        spec.constraints = constraints
        spec.earlyStopping = earlyStopping ?? nil
        return spec
    }

    /// The model suits the data: it gets data if it needs some, and does the data's task.
    static func checkModel(
        _ model: ModelDescription, data: DataSpec?, hasData: Bool, models: ModelCatalog, _ reader: inout NodeReader
    ) {
        if model.needsData && data == nil && !hasData {
            reader.fail(
                "data", nil,
                "required for model '\(model.name)': give {path: FILE.csv, target: COLUMN, task: classification|regression}"
            )
        }
        if let data, !model.tasks.contains(data.task) {
            let fitting = models.names(for: data.task).joined(separator: ", ")
            reader.fail(
                "trainer.model", nil, "'\(model.name)' does not do \(data.task); models for \(data.task): \(fitting)")
        }
    }

    /// Every `{placeholder}` of a command names a parameter of the space.
    static func checkPlaceholders(_ template: CommandTemplate, _ space: [Dimension], _ reader: inout NodeReader) {
        guard case .success(var used) = template.placeholders() else { return }
        let known = space.map(\.name).sorted()
        if used.contains(CommandTemplate.allParameters) {
            // A whole `{args}` argument is every parameter; inside an argument, only a parameter.
            if known.contains(CommandTemplate.allParameters) && template.usesAllParameters {
                reader.fail(
                    "space.\(CommandTemplate.allParameters)", nil,
                    "'args' is reserved while trainer.command uses {args} (every parameter as --name=value); rename the parameter"
                )
            } else if !known.contains(CommandTemplate.allParameters) && template.embedsAllParameters {
                reader.fail(
                    "trainer.command", nil,
                    "{args} must be a whole argument of its own: it becomes one --name=value argument per parameter")
            }
            if !known.contains(CommandTemplate.allParameters) { used.remove(CommandTemplate.allParameters) }
        }
        for missing in used.subtracting(known).sorted() {
            reader.fail(
                "trainer.command", nil,
                "placeholder {\(missing)} names no parameter in space; parameters: \(known.joined(separator: ", "))"
                    + Suggestion.didYouMean(missing, among: known))
        }
    }

    static func parseData(_ node: Node, _ reader: inout NodeReader) -> DataSpec? {
        guard let entries = reader.mapping(node, "data", allowed: ["path", "target", "task", "drop", "impute"]) else {
            return nil
        }
        let fields = Dictionary(entries, uniquingKeysWith: { first, _ in first })
        let path = fields["path"].flatMap { reader.string($0, "data.path") }
        let target = fields["target"].flatMap { reader.string($0, "data.target") }
        let task = fields["task"].flatMap { reader.choice($0, "data.task", TaskType.self, options: TaskType.allCases) }
        for key in ["path", "target", "task"] where fields[key] == nil {
            reader.fail("data.\(key)", node, "missing; data needs path, target and task (classification or regression)")
        }
        var drop: [String] = []
        if let dropNode = fields["drop"] {
            guard case .sequence(let items) = dropNode else {
                reader.fail("data.drop", dropNode, "expected a list of column names, e.g. drop: [id, name]")
                return nil
            }
            for (index, item) in items.enumerated() {
                guard let name = reader.string(item, "data.drop[\(index)]") else { return nil }
                drop.append(name)
            }
            if let target, drop.contains(target) {
                reader.fail("data.drop", dropNode, "cannot drop the target column '\(target)'"); return nil
            }
        }
        var impute = "mean"
        if let imputeNode = fields["impute"] {
            guard let text = reader.string(imputeNode, "data.impute") else { return nil }
            let methods = ["mean", "median", "most_frequent"]
            guard methods.contains(text) else {
                reader.fail(
                    "data.impute", imputeNode,
                    "'\(text)' is not one of: mean, median, most_frequent" + Suggestion.didYouMean(text, among: methods)
                )
                return nil
            }
            impute = text
        }
        guard let path, let target, let task else { return nil }
        return DataSpec(path: path, target: target, task: task, drop: drop, impute: impute)
    }

    static func parseObjective(
        _ node: Node?, model: ModelDescription?, isCommand: Bool, task: TaskType, _ reader: inout NodeReader
    ) -> Objective? {
        let valid = model?.metrics(for: task) ?? MetricInfo.names(for: task)
        var metric: String? = isCommand ? nil : valid[0]
        var goal: Goal?
        var target: Double?
        if let node {
            guard let entries = reader.mapping(node, "objective", allowed: ["metric", "goal", "target"]) else {
                return nil
            }
            for (key, value) in entries {
                if key == "target" {
                    // The search stops once the best complete trial reaches it (SearchDriver).
                    guard let number = reader.number(value, "objective.target") else { return nil }
                    target = number
                } else if key == "metric" {
                    guard let name = reader.string(value, "objective.metric") else { return nil }
                    if !isCommand && !valid.contains(name) {
                        let other =
                            MetricInfo.named(name)?.task.map { " is for \($0); this sweep does \(task)" }
                            ?? " is unknown"
                        reader.fail(
                            "objective.metric", value,
                            "'\(name)'\(other); use one of: \(valid.joined(separator: ", "))"
                                + (MetricInfo.named(name) == nil ? Suggestion.didYouMean(name, among: valid) : ""))
                        return nil
                    }
                    metric = name
                } else {
                    guard
                        let parsed = reader.choice(value, "objective.goal", Goal.self, options: [.maximize, .minimize])
                    else { return nil }
                    goal = parsed
                }
            }
        }
        guard let metric else {
            reader.fail(
                "objective.metric", node,
                "required for a command trainer: the name of the metric your program reports, e.g. objective: {metric: accuracy, goal: maximize}"
            )
            return nil
        }
        guard let direction = goal ?? MetricInfo.named(metric).map({ $0.higherIsBetter ? Goal.maximize : .minimize })
        else {
            reader.fail(
                "objective.goal", node,
                "'\(metric)' is not a metric Sweep knows; say whether to maximize or minimize it")
            return nil
        }
        return Objective(metric: metric, goal: direction, target: target)
    }

    static func parseLimits(_ node: Node?, _ reader: inout NodeReader) -> Limits? {
        var limits = Limits(taskTimeout: 600, maxAttempts: 3)
        guard let node else { return limits }
        guard
            let entries = reader.mapping(
                node, "limits",
                allowed: [
                    "task_timeout", "max_attempts", "max_lost", "max_parallel_trials", "max_artifact_size", "prefetch",
                ])
        else { return nil }
        var ok = true
        for (key, value) in entries {
            if key == "max_parallel_trials" {
                if let cap = reader.int(value, "limits.max_parallel_trials", min: 1) {
                    limits.maxParallelTrials = cap
                } else {
                    ok = false
                }
            } else if key == "task_timeout" {
                if let seconds = reader.duration(value, "limits.task_timeout") {
                    limits.taskTimeout = seconds
                } else {
                    ok = false
                }
            } else if key == "max_artifact_size" {
                if let bytes = parseByteSize(value, "limits.max_artifact_size", &reader) {
                    limits.maxArtifactBytes = bytes
                } else {
                    ok = false
                }
            } else if key == "prefetch" {
                var integer: Int?
                if case .scalar(let scalar) = value, scalar.tagName == .int { integer = value.int }
                if case .scalar(let scalar) = value, scalar.string == "auto" {
                    limits.prefetch = .auto
                } else if let integer, integer >= 0 {
                    limits.prefetch = .tasks(integer)
                } else {
                    let got = integer.map { "\($0)" } ?? reader.kindName(value)
                    reader.fail("limits.prefetch", value, "expected auto or an integer ≥ 0, got \(got)")
                    ok = false
                }
            } else if key == "max_lost" {
                if let lost = reader.int(value, "limits.max_lost", min: 1) { limits.maxLost = lost } else { ok = false }
            } else {
                if let attempts = reader.int(value, "limits.max_attempts", min: 1) {
                    limits.maxAttempts = attempts
                } else {
                    ok = false
                }
            }
        }
        return ok ? limits : nil
    }

    static func yamlProblem(_ error: Error) -> SpecProblem {
        if let yaml = error as? YamlError {
            switch yaml {
            case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _),
                .composer(_, let problem, let mark, _):
                return SpecProblem(field: "", line: mark.line, message: "not valid YAML or JSON: \(problem)")
            default: break
            }
        }
        return SpecProblem(field: "", line: nil, message: "not valid YAML or JSON: \(error)")
    }
}
